"""What people type into the review and evaluation pages, however odd: KPI names are one line,
dates fall within the years the policy deals in, and an account's KPI page works whether or not
it has a review schedule; never a 500."""

import datetime

import pytest

from evaluation.models import KPI, RecertificationSchedule, Review, ReviewSchedule
from workflow import transitions

pytestmark = pytest.mark.django_db
OUT_OF_RANGE = "Give a date from 1 January 2000 to 31 December 2099."


def kpi_rows(metric="Followers"):
    return {
        "kpis-TOTAL_FORMS": "1",
        "kpis-INITIAL_FORMS": "0",
        "kpis-0-metric": metric,
        "kpis-0-unit": "followers",
        "kpis-0-target": "500",
        "kpis-0-direction": "higher",
        "kpis-0-aggregation": "last",
        "kpis-0-active": "on",
    }


@pytest.mark.parametrize("state", ["setting_up", "live", "closed"])
def test_the_kpi_page_of_an_account_without_a_schedule_shows_and_saves_kpis(
    client, make_account, dcct, state
):
    """An account without a review schedule (before go-live, after closing, or imported
    before schedules came with going live) has KPIs only: the page neither fails nor offers a
    frequency it could not keep."""
    account = make_account(state)
    assert not ReviewSchedule.objects.filter(account=account).exists()
    client.force_login(dcct)

    page = client.get(f"/accounts/{account.pk}/evaluation/")
    saved = client.post(
        f"/accounts/{account.pk}/evaluation/", {**kpi_rows(), "frequency": "quarterly"}
    )

    assert page.status_code == 200
    assert page.context["frequency_form"] is None
    assert saved.status_code == 302
    assert list(account.kpis.values_list("metric", flat=True)) == ["Followers"]
    assert not ReviewSchedule.objects.filter(account=account).exists()


def test_a_kpi_named_on_two_lines_is_refused(client, make_account, dcct):
    account = make_account("live")
    client.force_login(dcct)

    response = client.post(f"/accounts/{account.pk}/evaluation/", kpi_rows("Followers\nnow"))

    assert response.status_code == 200
    assert response.context["formset"].errors[0]["metric"] == [
        "Keep this to one line of plain text: it contains a line break."
    ]
    assert not KPI.objects.filter(account=account).exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_next_review_date_outside_the_years_is_refused(client, make_review, dcct, day):
    """A review brought forward to 9999-12-31 overflowed the schedule's arithmetic later."""
    review = make_review("submitted")
    client.force_login(dcct)

    response = client.post(
        f"/reviews/{review.pk}/assess/",
        {
            "expected_state": transitions.stamp(review),
            "outcome": "improve",
            "assessment": "Too quiet.",
            "action_plan": "Post twice a week.",
            "next_review_on": day,
        },
    )

    assert response.context["assess_form"].errors["next_review_on"] == [OUT_OF_RANGE]
    assert Review.objects.get(pk=review.pk).state == "submitted"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_recertification_date_outside_the_years_is_refused(client, make_account, dcct, day):
    account = make_account("live")
    due = datetime.date.today() + datetime.timedelta(days=9)
    RecertificationSchedule.objects.create(account=account, next_due_on=due)
    client.force_login(dcct)

    response = client.post(
        f"/accounts/{account.pk}/recertification-date/", {"recertification-due_on": day}
    )

    assert response.context["recertification_form"].errors["due_on"] == [OUT_OF_RANGE]
    assert RecertificationSchedule.objects.get(account=account).next_due_on == due
