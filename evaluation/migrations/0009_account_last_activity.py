from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.utils import timezone


def fill_last_activity(apps, schema_editor):
    """Each account's last day in use, from its reviews and figures, as
    evaluation.services.note_activity keeps it from now on."""
    Account = apps.get_model("accounts", "Account")
    Review = apps.get_model("evaluation", "Review")
    MetricObservation = apps.get_model("evaluation", "MetricObservation")
    reviewed = Review.objects.filter(account=OuterRef("pk"), submitted_at__isnull=False)
    figures = MetricObservation.objects.filter(account=OuterRef("pk"))
    latest = Account.objects.annotate(
        reviewed_at=Subquery(reviewed.order_by("-submitted_at").values("submitted_at")[:1]),
        figures_on=Subquery(figures.order_by("-day").values("day")[:1]),
    ).values_list("pk", "reviewed_at", "figures_on")
    active = []
    for pk, reviewed_at, figures_on in latest.iterator(chunk_size=2000):
        days = [figures_on, reviewed_at and timezone.localdate(reviewed_at)]
        if any(days):
            active.append(Account(pk=pk, last_activity_on=max(day for day in days if day)))
    Account.objects.bulk_update(active, ["last_activity_on"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_account_facts"),
        ("evaluation", "0008_names_are_one_line"),
    ]

    operations = [
        migrations.RunPython(fill_last_activity, migrations.RunPython.noop, elidable=True),
    ]
