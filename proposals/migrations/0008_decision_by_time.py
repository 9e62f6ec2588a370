from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0007_team_by_person_and_queue_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(fields=["created_at"], include=("action",), name="decision_by_time"),
        ),
    ]
