"""Review pages: the lists, the report and assessment forms, KPIs and frequency, figures import."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AccountEvent
from evaluation import services
from evaluation.models import KPI, MetricObservation, MetricValue, Review, ReviewSchedule
from people import policy

pytestmark = pytest.mark.django_db


def url(review, step=""):
    return f"/reviews/{review.pk}/{step + '/' if step else ''}"


def report(review, **overrides):
    data = {
        "went_well": "Videos did well",
        "not_well": "Slow replies",
        "hours_spent": "5",
    }
    for kpi in review.account.kpis.all():
        data[f"kpi_{kpi.pk}"] = "10"
    data.update(overrides)
    return data


def test_the_team_submits_a_review_through_the_page(client, make_review, owner):
    review = make_review("due")
    client.force_login(owner)

    response = client.post(url(review, "report"), {**report(review), "submit": ""}, follow=True)

    assert "Review submitted to DCCT." in response.text
    review.refresh_from_db()
    assert review.state == "submitted"
    assert MetricValue.objects.filter(review=review).count() == 2


def test_saving_keeps_a_partial_report_without_submitting(client, make_review, owner):
    review = make_review("due")
    client.force_login(owner)

    client.post(url(review, "report"), {**report(review, hours_spent=""), "save": ""})

    review.refresh_from_db()
    assert (review.state, review.went_well) == ("due", "Videos did well")


def test_submitting_an_incomplete_report_says_what_is_missing(client, make_review, owner):
    review = make_review("due")
    client.force_login(owner)

    response = client.post(url(review, "report"), {**report(review, hours_spent=""), "submit": ""})

    assert "Say how many hours a week it actually took." in response.text
    assert Review.objects.get(pk=review.pk).state == "due"


def test_a_value_that_is_not_a_number_saves_nothing(client, make_review, owner):
    review = make_review("due")
    kpi = review.account.kpis.first()
    client.force_login(owner)

    response = client.post(
        url(review, "report"), {**report(review, **{f"kpi_{kpi.pk}": "lots"}), "save": ""}
    )

    assert "Enter a number." in response.text
    assert not MetricValue.objects.filter(review=review).exists()


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("staff", 403), ("dcct", 403)])
def test_only_the_team_posts_a_report(request, client, make_review, persona, status):
    review = make_review("due")
    client.force_login(request.getfixturevalue(persona))

    assert (
        client.post(url(review, "report"), {**report(review), "submit": ""}).status_code == status
    )
    assert Review.objects.get(pk=review.pk).state == "due"


def test_dcct_assesses_through_the_page(client, make_review, dcct):
    review = make_review("submitted")
    client.force_login(dcct)
    stamp = client.get(url(review)).context["assess_form"].initial["expected_state"]

    response = client.post(
        url(review, "assess"),
        {
            "expected_state": stamp,
            "outcome": "improve",
            "assessment": "Too quiet.",
            "action_plan": "",
            "next_review_on": "",
        },
    )
    assert response.context["assess_form"].errors["action_plan"]

    response = client.post(
        url(review, "assess"),
        {
            "expected_state": stamp,
            "outcome": "effective",
            "assessment": "A good quarter.",
        },
        follow=True,
    )
    assert "Assess review: done." in response.text
    assert Review.objects.get(pk=review.pk).outcome == "effective"


def test_staff_cannot_assess(client, make_review, owner):
    review = make_review("submitted")
    client.force_login(owner)

    assert client.post(url(review, "assess"), {"outcome": "close"}).status_code == 403


def test_reviews_list_shows_overdue_ones_for_the_team(client, make_review, owner, outsider):
    review = make_review("due")
    client.force_login(owner)

    page = client.get("/reviews/?show=overdue").text
    assert review.account.display_name in page and "Overdue" in page
    client.force_login(outsider)
    assert review.account.display_name not in client.get("/reviews/?show=overdue").text


def test_reviews_list_runs_a_fixed_number_of_queries(
    client, make_review, make_account, dcct, django_assert_max_num_queries
):
    for _ in range(3):
        make_review("due", account=make_account("live"))
    client.force_login(dcct)
    client.get("/reviews/?show=overdue")
    with django_assert_max_num_queries(12) as few:
        client.get("/reviews/?show=overdue")
    for _ in range(10):
        make_review("due", account=make_account("live"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/reviews/?show=overdue")


def test_reviews_list_only_reads(client, make_review, owner):
    make_review("due")
    client.force_login(owner)

    assert client.post("/reviews/").status_code == 405


def upload(client, account, text):
    return client.post(
        f"/accounts/{account.pk}/figures/",
        {
            "file": SimpleUploadedFile("export.csv", text.encode(), content_type="text/csv"),
        },
    )


def test_team_imports_an_analytics_export_after_a_preview(client, make_review, owner):
    account = make_review("due").account
    client.force_login(owner)

    preview = upload(
        client, account, "date,metric,value\n2026-05-01,followers,410\n31/05/2026,Complaints,1\n"
    )
    assert "All 2 figures are ready to import." in preview.text
    assert not MetricObservation.objects.exists()
    response = client.post(
        f"/accounts/{account.pk}/figures/", {"payload": preview.context["payload"]}, follow=True
    )

    assert "2 figures imported." in response.text
    assert MetricObservation.objects.count() == 2
    assert AccountEvent.objects.filter(account=account, action="import_metrics").exists()
    review = Review.objects.get(account=account)
    form = client.get(url(review)).context["report_form"]
    followers = KPI.objects.get(account=account, metric="Followers")
    assert form.fields[f"kpi_{followers.pk}"].initial == 410


def test_one_bad_row_imports_no_figures(client, make_review, owner):
    account = make_review("due").account
    client.force_login(owner)

    preview = upload(
        client,
        account,
        "date,metric,value\n2026-05-01,Followers,410\n2026-13-01,Followers,x\n2026-05-02,Likes,3\n",
    )

    rows = {row.line: row.errors for row in preview.context["rows"]}
    assert rows[2] == {}
    assert set(rows[3]) == {"date", "value"}
    assert rows[4] == {"metric": "“Likes” is not one of this account's KPIs."}
    assert preview.context["payload"] is None
    assert not MetricObservation.objects.exists()


def test_figures_are_imported_only_by_the_team_or_dcct(client, make_review, outsider, hec):
    account = make_review("due").account
    client.force_login(hec)

    assert client.get(f"/accounts/{account.pk}/figures/").status_code == 403
    client.force_login(outsider)
    assert client.get(f"/accounts/{account.pk}/figures/").status_code == 404


def test_dcct_adjusts_kpis_and_frequency_and_it_is_logged(client, make_review, dcct):
    account = make_review("due").account
    kpis = list(account.kpis.all())
    client.force_login(dcct)
    data = {"frequency": "monthly", "kpis-TOTAL_FORMS": "3", "kpis-INITIAL_FORMS": "2"}
    for number, kpi in enumerate(kpis):
        data.update(
            {
                f"kpis-{number}-id": kpi.pk,
                f"kpis-{number}-metric": kpi.metric,
                f"kpis-{number}-unit": kpi.unit,
                f"kpis-{number}-target": "900",
                f"kpis-{number}-direction": kpi.direction,
                f"kpis-{number}-aggregation": "last",
                f"kpis-{number}-active": "on",
            }
        )
    data.update(
        {
            "kpis-2-metric": "Reach",
            "kpis-2-unit": "people",
            "kpis-2-target": "5000",
            "kpis-2-direction": "higher",
            "kpis-2-aggregation": "sum",
            "kpis-2-active": "on",
        }
    )

    response = client.post(f"/accounts/{account.pk}/evaluation/", data)

    assert response.status_code == 302
    assert account.kpis.count() == 3
    assert ReviewSchedule.objects.get(account=account).frequency == "monthly"
    event = AccountEvent.objects.get(account=account, action="adjust_kpis")
    assert "1 added, 2 changed" in event.comment and "monthly" in event.comment


def test_a_kpi_without_a_numeric_target_saves_nothing(client, make_review, dcct):
    account = make_review("due").account
    client.force_login(dcct)

    response = client.post(
        f"/accounts/{account.pk}/evaluation/",
        {
            "frequency": "quarterly",
            "kpis-TOTAL_FORMS": "1",
            "kpis-INITIAL_FORMS": "0",
            "kpis-0-metric": "Reach",
            "kpis-0-unit": "people",
            "kpis-0-target": "lots",
            "kpis-0-direction": "higher",
            "kpis-0-aggregation": "sum",
        },
    )

    assert "Enter a number." in response.text
    assert account.kpis.count() == 2


@pytest.mark.parametrize("persona", ["owner", "office_head", "hec"])
def test_only_dcct_adjusts_kpis(request, client, make_review, persona):
    account = make_review("due").account
    client.force_login(request.getfixturevalue(persona))

    assert client.get(f"/accounts/{account.pk}/evaluation/").status_code == 403


def test_account_page_charts_kpis_against_targets(client, make_review, dcct, time_machine):
    # A day on which the review (ending 1 July 2026) is within the charts' last three years.
    time_machine.move_to(datetime.datetime(2026, 11, 27, 12, tzinfo=datetime.UTC), tick=False)
    review = make_review("assessed", outcome="effective")
    client.force_login(dcct)

    page = client.get(f"/accounts/{review.account.pk}/")

    assert page.context["kpi_history"][0]["points"] == [{"period": "1 Jul 2026", "value": 3.0}]
    assert 'data-kpi="kpi-series-0"' in page.text
    assert "dist/charts.js" in page.text
    assert "Effective: continue" in page.text
    # the chart's figures are in a table of their own, which the chart's text points to
    assert "the figures are in the table that follows" in page.text
    assert 'id="kpi-series-0-caption"' in page.text
    assert '<td>1 Jul 2026</td><td class="text-end">3</td>' in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/admin/evaluation/review/",
        "/admin/evaluation/kpi/",
        "/admin/evaluation/reviewschedule/",
        "/admin/evaluation/metricobservation/",
    ],
)
def test_administrator_reads_evaluation_in_the_admin(client, make_review, administrator, path):
    make_review("submitted")
    client.force_login(administrator)

    assert client.get(path).status_code == 200


def test_a_report_posted_after_someone_submitted_says_the_review_changed(
    client, make_review, owner, office_head
):

    review = make_review("due", complete=True)
    client.force_login(owner)
    services.submit_review(review=Review.objects.get(pk=review.pk), actor=office_head)

    response = client.post(url(review, "report"), {**report(review), "submit": ""}, follow=True)

    assert "has changed since you opened it" in response.text
    assert Review.objects.get(pk=review.pk).submitted_by == office_head


def test_an_assessment_posted_after_another_says_the_review_changed(client, make_review, dcct):

    review = make_review("submitted")
    client.force_login(dcct)
    stamp = client.get(url(review)).context["assess_form"].initial["expected_state"]
    services.assess_review(
        review=Review.objects.get(pk=review.pk), actor=dcct, outcome="effective", assessment="Fine."
    )

    response = client.post(
        url(review, "assess"),
        {"expected_state": stamp, "outcome": "close", "assessment": "Close it."},
        follow=True,
    )

    assert "has changed since you opened it" in response.text
    assert Review.objects.get(pk=review.pk).outcome == "effective"


def test_two_kpis_named_alike_are_refused_on_the_form(client, make_review, dcct):
    account = make_review("due").account
    client.force_login(dcct)

    response = client.post(
        f"/accounts/{account.pk}/evaluation/",
        {
            "kpis-TOTAL_FORMS": "2",
            "kpis-INITIAL_FORMS": "0",
            **{
                f"kpis-{n}-{field}": value
                for n in range(2)
                for field, value in (
                    ("metric", "Reach" if n else "reach"),
                    ("unit", "people"),
                    ("target", "5"),
                    ("direction", "higher"),
                    ("aggregation", "sum"),
                    ("active", "on"),
                )
            },
        },
    )

    assert "Each KPI needs its own metric name." in response.text
    assert account.kpis.count() == 2


def test_a_figure_too_large_for_the_register_is_a_row_error(client, make_review, owner):
    account = make_review("due").account
    client.force_login(owner)

    preview = client.post(
        f"/accounts/{account.pk}/figures/",
        {
            "file": SimpleUploadedFile(
                "export.csv", b"date,metric,value\n2026-05-01,Followers,1e20\n", "text/csv"
            )
        },
    )

    assert preview.context["rows"][0].errors == {"value": "Too large to be a real figure."}


def test_the_kpi_page_works_before_go_live_and_offers_kpis_only(client, make_account, dcct):
    account = make_account("setting_up")
    client.force_login(dcct)

    page = client.get(f"/accounts/{account.pk}/evaluation/")

    assert page.status_code == 200
    assert page.context["frequency_form"] is None
    months = policy.FIRST_REVIEW_AFTER_MONTHS
    assert f"first review is set {months} months after it goes live" in page.text
