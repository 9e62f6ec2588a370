from django.db import migrations
from django.db.models import Count


def count_accounts_by_day(apps, schema_editor):
    """The accounts gone live and closed, by day and by month, added to the counts already
    kept (portal.figures.COUNTED's "went_live" and "closed"), as portal.services keeps them
    from now on."""
    Account = apps.get_model("accounts", "Account")
    DailyCount = apps.get_model("portal", "DailyCount")
    MonthlyCount = apps.get_model("portal", "MonthlyCount")
    days = {}
    for group, counted, day_field, key in [
        ("went_live", Account.objects.all(), "went_live_on", "kind"),
        ("closed", Account.objects.filter(state="closed"), "closed_on", "closure_reason"),
    ]:
        rows = counted.filter(**{f"{day_field}__isnull": False}).values_list(key, day_field)
        for value, day, count in rows.annotate(n=Count("*")).order_by():
            days.setdefault(day, {}).setdefault(group, {})[str(value)] = count
    months = {}
    for day, groups in days.items():
        month = months.setdefault(day.replace(day=1), {})
        for group, counts in groups.items():
            for key, count in counts.items():
                month.setdefault(group, {})[key] = month.get(group, {}).get(key, 0) + count
    for model, field, found in [(DailyCount, "day", days), (MonthlyCount, "month", months)]:
        kept = model.objects.in_bulk(list(found), field_name=field)
        for when, groups in found.items():
            row = kept.get(when) or model(**{field: when}, counts={})
            row.counts.update(groups)
            row.save()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0016_account_counted"),
        ("portal", "0001_report_figures"),
    ]

    operations = [migrations.RunPython(count_accounts_by_day, migrations.RunPython.noop)]
