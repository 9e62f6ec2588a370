"""What the account page shows of its reviews (history, the KPI chart and the dormant flag) and
of its yearly recertification (and the "not recertified" flag)."""

from django.conf import settings
from django.utils import timezone

from accounts.models import AccountState
from evaluation import permissions, selectors
from evaluation.models import OPEN_RECERTIFICATION_STATES, RecertificationSchedule, add_months

# The KPI charts show this many years, whatever the account's age; all its figures are in a CSV.
CHART_YEARS = 3


def account_page_context(account, user) -> dict:
    today = timezone.localdate()
    since = add_months(today, -12 * CHART_YEARS)
    history = selectors.kpi_history(account, since=since)
    figures_before_chart = selectors.has_figures_before(account, since)
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
        "chart_years": CHART_YEARS,
        "figures_before_chart": figures_before_chart,
        # Whatever is charted, or left out of the charts, is in the CSV: asked only otherwise.
        "has_figures": bool(history) or figures_before_chart or selectors.has_figures(account),
        "schedule": getattr(account, "review_schedule", None),
        "can_adjust_kpis": permissions.may_adjust_kpis(account, user),
        "can_import_figures": permissions.may_import_metrics(account, user),
        "today": today,
        "alerts": alerts,
    }


def account_recertification_context(account, user) -> dict:
    """The account page's yearly recertification: the open one and the last few, when the next
    falls due, and the "not recertified" flag once one is overdue past the grace period."""
    today = timezone.localdate()
    recent = list(account.recertifications.select_related("submitted_by").order_by("-due_on")[:5])
    current = next((item for item in recent if item.state in OPEN_RECERTIFICATION_STATES), None)
    alerts = []
    if account.state == AccountState.LIVE and current is not None and current.past_grace(today):
        alerts.append(
            f"Not recertified: the yearly recertification was due on "
            f"{current.due_on:%-d %B %Y}, {current.days_overdue(today)} days ago, longer than "
            f"the {settings.RECERTIFICATION_GRACE_DAYS} days allowed. The account is a "
            "candidate for closure."
        )
    return {
        "recertifications": recent,
        "current_recertification": current,
        "recertification_schedule": RecertificationSchedule.objects.filter(account=account).first(),
        "may_move_recertification": account.state == AccountState.LIVE
        and permissions.may_move_recertification(account, user),
        "alerts": alerts,
    }
