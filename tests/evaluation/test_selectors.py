"""Dormant accounts: no review and no figures for the configured months."""

import datetime

import pytest
from django.utils import timezone

from evaluation.models import MetricObservation, Review
from evaluation.selectors import dormant_accounts
from evaluation.services import refresh_last_activity

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 25)


def test_an_account_with_no_review_or_figures_for_six_months_is_dormant(make_account):
    quiet = make_account("live", went_live_on=datetime.date(2025, 1, 1))
    new = make_account("live", went_live_on=datetime.date(2026, 10, 1))

    assert list(dormant_accounts(today=TODAY)) == [quiet]
    assert new not in dormant_accounts(today=TODAY)


def test_a_recent_review_or_recent_figures_keep_it_awake(make_review, make_account, owner):
    reviewed = make_review(
        "submitted", account=make_account("live", went_live_on=datetime.date(2025, 1, 1))
    ).account
    assert reviewed in dormant_accounts(today=TODAY)  # submitted, but when is not recorded
    Review.objects.filter(account=reviewed).update(
        submitted_at=timezone.make_aware(datetime.datetime(2026, 9, 1))
    )
    figures = make_account("live", went_live_on=datetime.date(2025, 1, 1))
    from evaluation.models import KPI

    kpi = KPI.objects.create(account=figures, metric="Reach", unit="people", target=1)
    MetricObservation.objects.create(
        account=figures, kpi=kpi, day=datetime.date(2026, 10, 1), value=5, imported_by=owner
    )
    refresh_last_activity()  # written past the services, which keep it as they go

    dormant = set(dormant_accounts(today=TODAY))

    assert figures not in dormant and reviewed not in dormant


def test_the_dormant_months_are_configurable(make_account, settings):
    account = make_account("live", went_live_on=datetime.date(2026, 5, 1))
    settings.DORMANT_AFTER_MONTHS = 3

    assert list(dormant_accounts(today=TODAY)) == [account]


def test_dormant_accounts_are_flagged_on_their_page(client, make_account, dcct, settings):
    account = make_account("live", went_live_on=datetime.date(2020, 1, 1))
    client.force_login(dcct)

    assert "Dormant:" in client.get(f"/accounts/{account.pk}/").text
