import datetime

import pytest

from evaluation.models import KPI, MetricValue, Review, ReviewSchedule


@pytest.fixture
def make_review(make_account):
    """A review of a live account (owned by `owner`) with two KPIs, in `state`; a submitted or
    assessed one has its report filled in."""

    def make(state="due", complete=None, **kwargs):
        account = kwargs.pop("account", None) or make_account("live")
        KPI.objects.create(account=account, metric="Followers", unit="followers", target=500)
        KPI.objects.create(
            account=account, metric="Complaints", unit="complaints", target=2, direction="lower"
        )
        ReviewSchedule.objects.get_or_create(
            account=account,
            defaults={
                "period_start": datetime.date(2026, 7, 1),
                "next_due_on": datetime.date(2026, 12, 31),
            },
        )
        review = Review.objects.create(
            account=account,
            period_start=datetime.date(2026, 4, 1),
            period_end=datetime.date(2026, 7, 1),
            due_on=datetime.date(2026, 7, 15),
            state=state,
            **kwargs,
        )
        if complete if complete is not None else state != "due":
            fill(review)
        return review

    return make


def fill(review):
    for kpi in review.account.kpis.all():
        MetricValue.objects.update_or_create(review=review, kpi=kpi, defaults={"value": 3})
    Review.objects.filter(pk=review.pk).update(
        went_well="Videos", not_well="Comments", hours_spent=5
    )
    review.refresh_from_db()
