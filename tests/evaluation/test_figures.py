"""The account page charts the last few years of KPI figures, whatever the account's age, and
every figure since it started is a CSV away (for whoever may see the account; the download is
logged)."""

import csv
import datetime
import io

import pytest

from evaluation.account_page import CHART_YEARS
from evaluation.models import MetricObservation, MetricValue, Review
from workflow.models import Export

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(time_machine):
    """The day these tests' dates were chosen for: the fixture's review (ending 1 July 2026)
    within the charts' three years, one ending in 2019 before them."""
    time_machine.move_to(datetime.datetime(2026, 11, 27, 12, tzinfo=datetime.UTC), tick=False)


def old_review(account, period_end):
    """An assessed review of a period long past, with a figure for each KPI."""
    review = Review.objects.create(
        account=account,
        period_start=period_end - datetime.timedelta(days=90),
        period_end=period_end,
        due_on=period_end + datetime.timedelta(days=14),
        state="assessed",
    )
    for number, kpi in enumerate(account.kpis.order_by("metric"), start=1):
        MetricValue.objects.create(review=review, kpi=kpi, value=number * 100)
    return review


def rows_of(response):
    text = b"".join(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_charts_show_the_last_years_and_say_so_when_there_is_more(client, make_review, dcct):
    recent = make_review("assessed")
    account = recent.account
    old_review(account, datetime.date(2019, 6, 30))
    client.force_login(dcct)

    page = client.get(f"/accounts/{account.pk}/")

    followers = next(s for s in page.context["kpi_history"] if s["metric"] == "Followers")
    assert followers["points"] == [{"period": "1 Jul 2026", "value": 3.0}]
    assert f"The charts show the last {['', 'one', 'two', 'three'][CHART_YEARS]} years." in (
        page.text
    )
    assert f'href="/accounts/{account.pk}/figures.csv">All its figures (CSV)</a>' in page.text


def test_a_young_account_is_charted_whole_without_the_note(client, make_review, dcct):
    account = make_review("assessed").account
    client.force_login(dcct)

    page = client.get(f"/accounts/{account.pk}/")

    assert "The charts show the last" not in page.text
    assert "All its figures (CSV)" in page.text


def test_an_account_with_no_figures_offers_no_download(client, make_review, dcct):
    account = make_review("due").account
    client.force_login(dcct)

    assert "All its figures (CSV)" not in client.get(f"/accounts/{account.pk}/").text


def test_imported_figures_alone_are_offered_but_not_said_to_be_left_out(client, make_review, owner):
    """Imported figures are not charted (the reviews' and the platform's readings are), so an
    old import is not "left out" of the charts; the CSV still has it."""
    account = make_review("due").account
    MetricObservation.objects.create(
        account=account,
        kpi=account.kpis.get(metric="Followers"),
        day=datetime.date(2019, 3, 1),
        value=100,
        imported_by=owner,
    )
    client.force_login(owner)

    page = client.get(f"/accounts/{account.pk}/")

    assert "All its figures (CSV)" in page.text
    assert "The charts show the last" not in page.text


def test_every_figure_since_the_start_is_in_the_csv_oldest_first(client, make_review, owner):
    """Reviews by the end of their period and other figures by their day, merged: a figure
    imported before a review's period ended comes before it; a negative figure is a number."""
    recent = make_review("assessed")
    account = recent.account
    old_review(account, datetime.date(2019, 6, 30))
    Review.objects.create(  # a review not yet reported on has no figures to give
        account=account,
        period_start=datetime.date(2026, 7, 1),
        period_end=datetime.date(2026, 10, 1),
        due_on=datetime.date(2026, 10, 15),
        state="due",
    )
    followers = account.kpis.get(metric="Followers")
    MetricObservation.objects.create(
        account=account, kpi=followers, day=datetime.date(2026, 8, 3), value=420, imported_by=owner
    )
    MetricObservation.objects.create(
        account=account,
        kpi=account.kpis.get(metric="Complaints"),
        day=datetime.date(2026, 6, 15),
        value=-1,
        imported_by=owner,
    )
    MetricObservation.objects.create(
        account=account,
        kpi=followers,
        day=datetime.date(2026, 9, 1),
        value=450,
        imported_by=owner,
        read_from="Bluesky",
    )
    client.force_login(owner)

    response = client.get(f"/accounts/{account.pk}/figures.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="account-{account.pk}-figures.csv"' in response["Content-Disposition"]
    assert rows_of(response) == [
        ["Period end or day", "KPI", "Unit", "Value", "Target", "From"],
        ["2019-06-30", "Complaints", "complaints", "100.00", "2.00", "Review"],
        ["2019-06-30", "Followers", "followers", "200.00", "500.00", "Review"],
        ["2026-06-15", "Complaints", "complaints", "-1.00", "2.00", "Imported"],
        ["2026-07-01", "Complaints", "complaints", "3.00", "2.00", "Review"],
        ["2026-07-01", "Followers", "followers", "3.00", "500.00", "Review"],
        ["2026-08-03", "Followers", "followers", "420.00", "500.00", "Imported"],
        ["2026-09-01", "Followers", "followers", "450.00", "500.00", "Read from Bluesky"],
    ]
    assert Export.objects.get(actor=owner).comment == f"Figures of {account} (CSV)"


def test_a_figure_kept_with_its_own_target_gives_that_target(client, make_review, dcct):
    review = make_review("assessed")
    MetricValue.objects.filter(review=review, kpi__metric="Followers").update(target=300)
    client.force_login(dcct)

    rows = rows_of(client.get(f"/accounts/{review.account.pk}/figures.csv"))

    assert ["2026-07-01", "Followers", "followers", "3.00", "300.00", "Review"] in rows


def test_a_name_that_a_spreadsheet_would_run_is_written_as_text(client, make_review, dcct):
    review = make_review("assessed")
    review.account.kpis.filter(metric="Followers").update(metric="=HYPERLINK(1)")
    client.force_login(dcct)

    rows = rows_of(client.get(f"/accounts/{review.account.pk}/figures.csv"))

    assert ["2026-07-01", "'=HYPERLINK(1)", "followers", "3.00", "500.00", "Review"] in rows


def test_only_those_who_may_see_the_account_download_its_figures(client, make_review, outsider):
    account = make_review("assessed").account

    assert client.get(f"/accounts/{account.pk}/figures.csv").status_code == 302  # sign in first
    client.force_login(outsider)
    assert client.get(f"/accounts/{account.pk}/figures.csv").status_code == 404
    assert client.get("/accounts/999999/figures.csv").status_code == 404
    assert client.post(f"/accounts/{account.pk}/figures.csv").status_code == 405
    assert not Export.objects.exists()
