"""Review schedules' date arithmetic, and KPIs that keep their history."""

import datetime

import pytest
from django.db.models import ProtectedError

from evaluation.models import MetricValue, ReviewSchedule, add_months
from evaluation.services import ensure_evaluation_plans
from people import policy

D = datetime.date


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 1, 15), 1, D(2026, 2, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # month end clamps
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2026, 11, 30), 3, D(2027, 2, 28)),  # quarterly across a year end
        (D(2027, 11, 30), 3, D(2028, 2, 29)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),  # six-monthly
        (D(2028, 2, 29), 12, D(2029, 2, 28)),  # yearly from a leap day
        (D(2026, 5, 31), -6, D(2025, 11, 30)),
    ],
)
def test_due_date_arithmetic(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("day", "months", "anchor", "expected"),
    [
        (D(2026, 2, 28), 1, 31, D(2026, 3, 31)),
        (D(2026, 2, 28), 1, 30, D(2026, 3, 30)),
        (D(2028, 2, 29), 3, 31, D(2028, 5, 31)),
        (D(2026, 3, 31), 1, 31, D(2026, 4, 30)),
        (D(2026, 9, 30), 5, 31, D(2027, 2, 28)),
    ],
)
def test_periods_return_to_their_anchor_day(day, months, anchor, expected):
    assert add_months(day, months, anchor) == expected


@pytest.mark.parametrize(
    ("frequency", "months"),
    [("monthly", 1), ("quarterly", 3), ("six_monthly", 6), ("yearly", 12)],
)
def test_each_frequency_moves_on_by_its_months(frequency, months):
    schedule = ReviewSchedule(frequency=frequency, anchor_day=31)

    assert schedule.following(D(2026, 3, 31)) == add_months(D(2026, 3, 31), months)


@pytest.mark.django_db
def test_a_new_live_account_is_first_reviewed_after_three_months(make_account):
    account = make_account("live", went_live_on=D(2026, 5, 31))

    ensure_evaluation_plans(today=D(2026, 6, 1))

    schedule = account.review_schedule
    assert (schedule.period_start, schedule.next_due_on) == (D(2026, 5, 31), D(2026, 8, 31))
    assert schedule.frequency == policy.ReviewFrequency.QUARTERLY


@pytest.mark.django_db
def test_evaluation_plan_takes_the_proposals_frequency_and_kpis(make_proposal, dcct):
    from accounts.models import Account
    from proposals import services

    proposal = make_proposal("approved", outcome="as_proposed", review_frequency="monthly")
    services.start_set_up(proposal=proposal, actor=dcct)
    account = Account.objects.get(proposal=proposal)
    Account.objects.filter(pk=account.pk).update(state="live", went_live_on=D(2026, 1, 10))

    ensure_evaluation_plans(today=D(2026, 1, 11))
    ensure_evaluation_plans(today=D(2026, 1, 11))

    account.refresh_from_db()
    assert account.review_schedule.frequency == "monthly"
    assert list(account.kpis.values_list("metric", "target")) == [("Followers", 500)]


def test_a_kpi_with_reported_values_cannot_be_deleted(make_review):
    review = make_review("assessed")

    with pytest.raises(ProtectedError):
        review.account.kpis.first().delete()
    assert MetricValue.objects.filter(review=review).count() == 2
