from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0009_account_last_activity"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="review",
            index=models.Index(
                condition=models.Q(("assessed_at__isnull", False)),
                fields=["assessed_at"],
                include=("outcome",),
                name="review_by_assessed",
            ),
        ),
    ]
