import django_fsm
from django.db import migrations, models

STATES = [
    ("open", "Open"),
    ("needs_follow_up", "Needs follow-up"),
    ("recertified", "Recertified"),
    ("followed_up", "Recertified after follow-up"),
    ("withdrawn", "Withdrawn: account closed"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0004_recertification_schedule_anchor"),
    ]

    operations = [
        migrations.AlterField(
            model_name="recertification",
            name="state",
            field=django_fsm.FSMField(
                choices=STATES, default="open", max_length=50, protected=True
            ),
        ),
        migrations.AlterField(
            model_name="recertificationevent",
            name="from_state",
            field=models.CharField(blank=True, choices=STATES, max_length=20),
        ),
        migrations.AlterField(
            model_name="recertificationevent",
            name="to_state",
            field=models.CharField(blank=True, choices=STATES, max_length=20),
        ),
    ]
