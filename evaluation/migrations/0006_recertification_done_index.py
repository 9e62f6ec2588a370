from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0005_recertification_withdrawn"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="recertification",
            index=models.Index(
                condition=models.Q(state__in=["recertified", "followed_up"]),
                fields=["-due_on", "id"],
                name="recertification_done_by_due",
            ),
        ),
    ]
