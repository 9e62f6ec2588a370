import datetime

import pytest
from django.utils import timezone

from evaluation.models import (
    KPI,
    RECERTIFICATION_FIELDS,
    MetricValue,
    Recertification,
    RecertificationSchedule,
    Review,
    ReviewSchedule,
)


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


ALL_YES = {
    **dict.fromkeys(RECERTIFICATION_FIELDS, True),
    **{f"{field}_note": "" for field in RECERTIFICATION_FIELDS},
}


@pytest.fixture
def make_recertification(make_account, owner, dcct):
    """A yearly recertification of a live account (owned by `owner`), in `state`, due in ten
    days unless `due_on` says otherwise; the account's schedule points at it. A submitted one
    has its answers (one "no" where it needed follow-up); a followed-up one DCCT's note; a
    withdrawn one is of a closed account, unanswered."""

    def make(state="open", due_on=None, **kwargs):
        account = kwargs.pop("account", None) or make_account(
            "closed" if state == "withdrawn" else "live"
        )
        due_on = due_on or datetime.date.today() + datetime.timedelta(days=10)
        RecertificationSchedule.objects.update_or_create(
            account=account, defaults={"next_due_on": due_on}
        )
        values = {}
        if state not in ("open", "withdrawn"):
            values = {**ALL_YES, "submitted_by": owner, "submitted_at": timezone.now()}
            if state in ("needs_follow_up", "followed_up"):
                values["two_factor"] = False
                values["two_factor_note"] = "Two-factor was turned off by the platform."
            if state == "followed_up":
                values["follow_up_note"] = "Turned back on with the owner."
                values["followed_up_by"] = dcct
                values["followed_up_at"] = timezone.now()
        return Recertification.objects.create(
            account=account, due_on=due_on, state=state, **{**values, **kwargs}
        )

    return make
