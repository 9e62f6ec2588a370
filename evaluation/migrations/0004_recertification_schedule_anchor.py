import calendar

from django.db import migrations, models


def anchor_existing_schedules(apps, schema_editor):
    """A schedule on its account's go-live anniversary is anchored on going live (so 29 February
    comes back in leap years); any other (spread across the year, or moved by DCCT) on its date."""
    schedule_model = apps.get_model("evaluation", "RecertificationSchedule")
    for schedule in schedule_model.objects.select_related("account").iterator(chunk_size=2000):
        went_live_on, due = schedule.account.went_live_on, schedule.next_due_on
        last_day = calendar.monthrange(due.year, due.month)[1]
        on_anniversary = went_live_on is not None and (due.month, due.day) == (
            went_live_on.month,
            min(went_live_on.day, last_day),
        )
        schedule.anchor_on = went_live_on if on_anniversary else due
        schedule.save(update_fields=["anchor_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0003_yearly_recertification"),
    ]

    operations = [
        migrations.AddField(
            model_name="recertificationschedule",
            name="anchor_on",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(anchor_existing_schedules, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="recertificationschedule",
            name="anchor_on",
            field=models.DateField(
                help_text="The day the yearly dates are anniversaries of: going live, the day "
                "spread across the year for an account from the inventory, or the date DCCT "
                "last chose."
            ),
        ),
    ]
