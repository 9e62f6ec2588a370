"""Cases a review of accounts and evaluation found."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError

from evaluation import services
from evaluation.models import KPI, MetricValue, ReviewSchedule
from evaluation.reminders import review_reminders

pytestmark = pytest.mark.django_db


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


def test_a_kpi_with_reported_values_cannot_be_deleted(make_review):
    review = make_review("assessed")

    with pytest.raises(ProtectedError):
        review.account.kpis.first().delete()
    assert MetricValue.objects.filter(review=review).count() == 2


def test_met_is_judged_against_the_target_of_the_time(make_review, owner):
    review = make_review("due")
    followers = KPI.objects.get(account=review.account, metric="Followers")
    services.save_report(
        review=review,
        actor=owner,
        values={followers: 600},
        went_well="a",
        not_well="b",
        hours_spent=1,
    )
    followers.target = 1000
    followers.save()

    assert MetricValue.objects.get(review=review, kpi=followers).met


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


def test_the_next_review_can_only_be_brought_forward(make_review, dcct):
    review = make_review("submitted")
    schedule = ReviewSchedule.objects.get(account=review.account)

    with pytest.raises(ValidationError) as error:
        services.assess_review(
            review=review,
            actor=dcct,
            outcome="improve",
            assessment="Quiet.",
            action_plan="Post more.",
            next_review_on=schedule.next_due_on + datetime.timedelta(1),
        )

    assert "Bring it forward" in error.value.message_dict["next_review_on"][0]


def test_a_review_due_at_a_weekend_still_gets_its_seven_day_reminder(make_review):
    from django.core import mail

    make_review("due")  # due Wednesday 15 July 2026

    review_reminders(today=datetime.date(2026, 7, 6))  # a Monday: nine days ahead
    assert mail.outbox == []
    review_reminders(today=datetime.date(2026, 7, 9))  # the next run, six days ahead
    assert "due in 7 days" in mail.outbox[0].subject


def test_reviews_of_closed_accounts_are_not_chased(make_review):
    from django.core import mail

    from accounts.models import Account

    review = make_review("due")
    Account.objects.filter(pk=review.account_id).update(state="closed")

    review_reminders(today=datetime.date(2026, 9, 1))

    assert mail.outbox == []


def test_figures_are_read_at_a_fixed_cost_whatever_the_kpis(
    make_review, owner, django_assert_num_queries
):
    from evaluation.models import MetricObservation

    review = make_review("due")
    for number in range(4):
        KPI.objects.create(account=review.account, metric=f"Extra {number}", unit="x", target=1)
    for kpi in review.account.kpis.all():
        for day in (1, 2, 3):
            MetricObservation.objects.create(
                account=review.account,
                kpi=kpi,
                day=datetime.date(2026, 5, day),
                value=day,
                imported_by=owner,
            )

    with django_assert_num_queries(2):  # the KPIs, then every figure of the period
        figures = services.figures_for(review)
    assert len(figures) == 6
