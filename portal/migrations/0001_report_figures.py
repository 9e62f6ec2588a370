import datetime
import itertools

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, F
from django.db.models.functions import TruncDate

DECIDING = {"with_office_head", "with_dcct", "escalated"}
DAY = 86_400_000_000  # in microseconds


def count_what_is_there(apps, schema_editor):
    """The times at a stage and the days' and months' counts of what is already recorded, as
    portal.services keeps them from now on."""
    Decision = apps.get_model("proposals", "Decision")
    Review = apps.get_model("evaluation", "Review")
    TimeAtStage = apps.get_model("portal", "TimeAtStage")
    MonthlyCount = apps.get_model("portal", "MonthlyCount")
    DailyCount = apps.get_model("portal", "DailyCount")
    rows = (
        Decision.objects.order_by("proposal_id", "created_at", "pk")
        .values_list("proposal_id", "pk", "action", "from_state", "to_state", "created_at")
        .iterator(chunk_size=5000)
    )
    times = (
        TimeAtStage(
            decision_id=pk,
            stage=from_state,
            decided_at=moment,
            microseconds=(moment - began) // datetime.timedelta(microseconds=1),
        )
        for (proposal, _, _, _, entered, began), (same, pk, action, from_state, _, moment) in (
            itertools.pairwise(rows)
        )
        if same == proposal
        and action != "withdraw"
        and from_state in DECIDING
        and entered == from_state
    )
    while batch := list(itertools.islice(times, 5000)):
        TimeAtStage.objects.bulk_create(batch)
    days = {}
    for group, counted, moment, keys in [
        ("decisions", Decision.objects.all(), "created_at", ["action"]),
        ("stages", TimeAtStage.objects.all(), "decided_at", ["stage", F("microseconds") / DAY]),
        ("reviews", Review.objects.filter(assessed_at__isnull=False), "assessed_at", ["outcome"]),
    ]:
        for *key, day, count in (
            counted.values_list(*keys, TruncDate(moment)).annotate(n=Count("*")).order_by()
        ):
            days.setdefault(day, {}).setdefault(group, {})[":".join(map(str, key))] = count
    months = {}
    for day, counts in days.items():
        month = months.setdefault(day.replace(day=1), {})
        for group, counted in counts.items():
            for key, count in counted.items():
                month.setdefault(group, {})[key] = month.get(group, {}).get(key, 0) + count
    DailyCount.objects.bulk_create(
        [DailyCount(day=day, counts=counts) for day, counts in days.items()], batch_size=5000
    )
    MonthlyCount.objects.bulk_create(
        [MonthlyCount(month=month, counts=counts) for month, counts in months.items()],
        batch_size=5000,
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("evaluation", "0008_names_are_one_line"),
        ("proposals", "0006_names_are_one_line"),
    ]

    operations = [
        migrations.CreateModel(
            name="DailyCount",
            fields=[
                ("day", models.DateField(primary_key=True, serialize=False)),
                ("counts", models.JSONField(default=dict)),
            ],
        ),
        migrations.CreateModel(
            name="MonthlyCount",
            fields=[
                ("month", models.DateField(primary_key=True, serialize=False)),
                ("counts", models.JSONField(default=dict)),
            ],
        ),
        migrations.CreateModel(
            name="TimeAtStage",
            fields=[
                (
                    "decision",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="proposals.decision",
                    ),
                ),
                ("stage", models.CharField(max_length=30)),
                ("decided_at", models.DateTimeField()),
                ("microseconds", models.BigIntegerField()),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["stage", "decided_at"],
                        include=("microseconds",),
                        name="time_at_stage_by_decided",
                    ),
                    models.Index(
                        fields=["stage", "microseconds"],
                        include=("decided_at",),
                        name="time_at_stage_by_length",
                    ),
                ],
            },
        ),
        migrations.RunPython(count_what_is_there, migrations.RunPython.noop, elidable=True),
    ]
