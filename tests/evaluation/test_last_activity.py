"""The last day an account was seen in use (a review submitted, figures for a day), kept on the
account by the services that record them and repaired daily: the list of dormant accounts reads
it instead of every account's reviews and figures."""

import datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Account
from evaluation import services
from evaluation.models import KPI, MetricObservation, Review, add_months
from evaluation.selectors import dormant_accounts

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG_AGO = datetime.date(2020, 1, 1)


def last_activity(account):
    return Account.objects.values_list("last_activity_on", flat=True).get(pk=account.pk)


def import_figures(client, account, text):
    file = SimpleUploadedFile("export.csv", text.encode(), content_type="text/csv")
    preview = client.post(f"/accounts/{account.pk}/figures/", {"file": file})
    return client.post(f"/accounts/{account.pk}/figures/", {"payload": preview.context["payload"]})


def test_a_review_submitted_wakes_the_account(make_review, make_account, owner):
    review = make_review("due", complete=True, account=make_account("live", went_live_on=LONG_AGO))
    assert review.account in dormant_accounts(today=TODAY)

    services.submit_review(review=review, actor=owner)

    assert last_activity(review.account) == TODAY
    assert review.account not in dormant_accounts(today=TODAY)


def test_figures_imported_wake_the_account_from_their_latest_day(
    client, make_review, make_account, owner
):
    account = make_review("due", account=make_account("live", went_live_on=LONG_AGO)).account
    client.force_login(owner)
    recent = TODAY - datetime.timedelta(days=3)

    import_figures(
        client, account, f"date,metric,value\n2026-01-05,Followers,400\n{recent},Complaints,1\n"
    )

    assert last_activity(account) == recent
    assert account not in dormant_accounts(today=TODAY)
    import_figures(client, account, "date,metric,value\n2025-03-01,Followers,380\n")
    assert last_activity(account) == recent  # older figures never move it back


def test_the_dormant_months_count_from_the_last_day_in_use(make_account, settings):
    settings.DORMANT_AFTER_MONTHS = 6
    since = add_months(TODAY, -6)
    on_the_day = make_account("live", went_live_on=LONG_AGO)
    the_day_before = make_account("live", went_live_on=LONG_AGO)
    Account.objects.filter(pk=on_the_day.pk).update(last_activity_on=since)
    Account.objects.filter(pk=the_day_before.pk).update(
        last_activity_on=since - datetime.timedelta(days=1)
    )

    assert list(dormant_accounts(today=TODAY)) == [the_day_before]


def test_the_daily_job_puts_a_wrong_last_day_right(make_review, make_account, owner):
    reviewed = make_review("submitted", account=make_account("live", went_live_on=LONG_AGO))
    Review.objects.filter(pk=reviewed.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=20)
    )
    figures = make_account("live", went_live_on=LONG_AGO)
    kpi = KPI.objects.create(account=figures, metric="Reach", unit="people", target=1)
    MetricObservation.objects.create(
        account=figures, kpi=kpi, day=datetime.date(2026, 1, 3), value=5, imported_by=owner
    )
    quiet = make_account("live", went_live_on=LONG_AGO)
    Account.objects.filter(pk=quiet.pk).update(last_activity_on=TODAY)  # wrong: never in use

    out = StringIO()
    call_command("refresh_account_facts", stdout=out)

    assert last_activity(reviewed.account) == TODAY - datetime.timedelta(days=20)
    assert last_activity(figures) == datetime.date(2026, 1, 3)
    assert last_activity(quiet) is None
    assert quiet in dormant_accounts(today=TODAY)
    assert "3 accounts put right" in out.getvalue()


def test_a_later_day_in_use_is_never_moved_back(make_account):
    account = make_account("live")

    services.note_activity(account_id=account.pk, on=datetime.date(2026, 5, 1))
    services.note_activity(account_id=account.pk, on=datetime.date(2026, 4, 1))

    assert last_activity(account) == datetime.date(2026, 5, 1)
