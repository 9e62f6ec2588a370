"""What the account page shows of its reviews: history, the KPI chart and the dormant flag."""

from django.conf import settings
from django.utils import timezone

from accounts.models import AccountState
from evaluation import permissions, selectors


def account_page_context(account, user) -> dict:
    today = timezone.localdate()
    history = selectors.kpi_history(account)
    for number, series in enumerate(history):
        series["element_id"] = f"kpi-series-{number}"
    alerts = []
    if account.state == AccountState.LIVE and selectors.is_dormant(account, today=today):
        alerts.append(
            f"Dormant: no review has been submitted and no figures imported for "
            f"{settings.DORMANT_AFTER_MONTHS} months."
        )
    return {
        "reviews": account.reviews.order_by("-period_end")[:12],
        "kpi_history": history,
        "schedule": getattr(account, "review_schedule", None),
        "can_adjust_kpis": permissions.may_adjust_kpis(account, user),
        "can_import_figures": permissions.may_import_metrics(account, user),
        "today": today,
        "alerts": alerts,
    }
