"""The daily job that opens yearly recertifications: when each account's falls due (the
anniversary of going live, or a day spread across the year), that it opens only those due, once,
however often or however many times at once it runs, and that the owners hear once."""

import datetime
import threading
import zoneinfo
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account, AccountMember
from evaluation import services
from evaluation.models import Recertification, RecertificationSchedule
from evaluation.tasks import notify_recertifications_opened, open_due_recertifications
from people import policy
from tests.evaluation.conftest import ALL_YES
from tests.factories import AccountFactory, OfficeFactory, UserFactory
from workflow.models import NoticeKind, Notification

pytestmark = pytest.mark.django_db
D = datetime.date
LONDON = zoneinfo.ZoneInfo(settings.TIME_ZONE)
OPENS = policy.RECERTIFICATION_OPENS_DAYS_BEFORE


def live_account(went_live_on=None, **kwargs):
    return AccountFactory(state="live", went_live_on=went_live_on, **kwargs)


def due(account, on):
    """The account's next recertification falls due `on`."""
    RecertificationSchedule.objects.update_or_create(account=account, defaults={"next_due_on": on})
    return account


# --- When each account falls due ------------------------------------------------------------------


def test_an_account_is_first_due_on_the_anniversary_of_going_live():
    account = live_account(D(2025, 3, 14))

    assert services.first_recertification_due(account, today=D(2025, 6, 1)) == D(2026, 3, 14)
    # Years on (the product arriving after the account), the next anniversary with a full window.
    assert services.first_recertification_due(account, today=D(2027, 1, 1)) == D(2027, 3, 14)
    assert services.first_recertification_due(account, today=D(2027, 3, 1)) == D(2028, 3, 14)


def test_an_anniversary_on_29_february_falls_on_the_28th_in_other_years():
    account = live_account(D(2024, 2, 29))

    assert services.first_recertification_due(account, today=D(2024, 6, 1)) == D(2025, 2, 28)
    assert services.anniversary_on_or_after(D(2024, 2, 29), D(2028, 1, 1)) == D(2028, 2, 29)


def test_accounts_registered_together_are_spread_across_the_year():
    today = datetime.date.today()  # registered today, from the inventory: no go-live date
    office = OfficeFactory()
    accounts = [live_account(office=office) for _ in range(120)]

    due = [services.first_recertification_due(a, today=today) for a in accounts]

    assert len(set(due)) == 120  # no two on one day
    assert min(due) >= today + datetime.timedelta(days=OPENS)
    assert max(due) < today + datetime.timedelta(days=OPENS + 365)
    assert (max(due) - min(due)).days > 300  # across the year, not bunched
    assert due == [services.first_recertification_due(a, today=today) for a in accounts]


def test_each_live_account_gets_one_schedule_and_going_live_gives_it_at_once(make_account):
    went_live = make_account("live", went_live_on=D(2025, 9, 30))
    setting_up = make_account("setting_up")

    assert services.ensure_recertification_schedules(today=D(2026, 1, 1)) == 1
    assert services.ensure_recertification_schedules(today=D(2026, 1, 1)) == 0
    assert RecertificationSchedule.objects.get(account=went_live).next_due_on == D(2026, 9, 30)
    assert not RecertificationSchedule.objects.filter(account=setting_up).exists()

    from accounts.signals import went_live as went_live_signal

    Account.objects.filter(pk=setting_up.pk).update(state="live")
    went_live_signal.send(sender=Account, accounts=[setting_up])
    assert RecertificationSchedule.objects.filter(account=setting_up).exists()


# --- Opening the ones that fall due ---------------------------------------------------------------


def test_the_job_opens_only_those_due_within_the_window(make_account):
    today = D(2026, 6, 1)
    soon = due(make_account("live"), D(2026, 6, 20))  # opens 23 May
    edge = due(make_account("live"), today + datetime.timedelta(days=OPENS))  # opens today
    overdue = due(make_account("live"), D(2026, 5, 1))  # the job did not run for a while
    later = due(make_account("live"), D(2026, 8, 1))  # not yet
    closing = due(make_account("closing"), D(2026, 6, 20))
    new = make_account("live", went_live_on=D(2026, 5, 30))  # gets its date, a year on

    assert services.open_due_recertifications(today=today) == 3
    assert set(Recertification.objects.values_list("account", "due_on", "state")) == {
        (soon.pk, D(2026, 6, 20), "open"),
        (edge.pk, D(2026, 6, 29), "open"),
        (overdue.pk, D(2026, 5, 1), "open"),
    }
    assert not Recertification.objects.filter(account__in=[later, closing, new]).exists()
    assert RecertificationSchedule.objects.get(account=new).next_due_on == D(2027, 5, 30)


def test_running_the_job_twice_opens_each_once(make_account):
    for _ in range(3):
        due(make_account("live"), D(2026, 6, 20))

    assert services.open_due_recertifications(today=D(2026, 6, 1)) == 3
    assert services.open_due_recertifications(today=D(2026, 6, 1)) == 0
    assert services.open_due_recertifications(today=D(2026, 6, 25)) == 0
    assert Recertification.objects.count() == 3


def test_an_open_one_is_never_doubled_even_a_year_on(make_account):
    account = due(make_account("live"), D(2026, 6, 20))
    services.open_due_recertifications(today=D(2026, 6, 1))

    # Still not done a year later: the one open stays the one to do.
    assert services.open_due_recertifications(today=D(2027, 6, 1)) == 0
    assert Recertification.objects.filter(account=account).count() == 1


@pytest.mark.parametrize(
    ("today", "following"),
    [
        (D(2026, 6, 1), D(2027, 6, 11)),
        (D(2028, 2, 19), D(2029, 2, 28)),  # ten days on is 29 February: the next is the 28th
    ],
)
def test_once_recertified_the_next_opens_a_year_on(
    make_account, owner, time_machine, today, following
):
    time_machine.move_to(datetime.datetime(today.year, today.month, today.day, 12, tzinfo=LONDON))
    account = due(make_account("live"), today + datetime.timedelta(days=10))
    services.open_due_recertifications(today=today)
    first = Recertification.objects.get(account=account)
    services.submit_recertification(recertification=first, actor=owner, answers=ALL_YES)

    opens = following - datetime.timedelta(days=OPENS)
    assert services.open_due_recertifications(today=opens - datetime.timedelta(days=1)) == 0
    assert services.open_due_recertifications(today=opens) == 1
    assert Recertification.objects.get(account=account, state="open").due_on == following


def test_the_job_runs_the_same_queries_for_5_or_50_accounts():
    office = OfficeFactory()

    def run(count):
        for _ in range(count):
            due(live_account(D(2025, 6, 20), office=office), D(2026, 6, 20))
        with CaptureQueriesContext(connection) as queries:
            opened = services.open_due_recertifications(today=D(2026, 6, 1))
        assert opened == count
        Recertification.objects.all().delete()
        RecertificationSchedule.objects.all().delete()
        Account.objects.all().delete()
        return len(queries)

    assert run(5) == run(45)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="two real concurrent transactions need PostgreSQL (CI runs it)",
)
def test_two_concurrent_runs_open_each_recertification_once():
    office = OfficeFactory()
    for _ in range(200):
        due(live_account(D(2025, 6, 20), office=office), D(2026, 6, 20))
    barrier = threading.Barrier(2)
    errors, opened = [], []

    def run():
        try:
            barrier.wait()
            opened.append(services.open_due_recertifications(today=D(2026, 6, 1)))
        except Exception as error:  # reported below: a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(opened) == 200  # each opened by one run or the other, never both
    assert Recertification.objects.count() == 200
    assert Recertification.objects.values("account").distinct().count() == 200


# --- Telling the owners, and the command ----------------------------------------------------------


def test_the_owners_are_asked_once_after_commit(
    make_account, owner, django_capture_on_commit_callbacks
):
    account = due(make_account("live"), datetime.date.today() + datetime.timedelta(days=10))
    second_owner = UserFactory(office=owner.office)
    AccountMember.objects.create(account=account, person=second_owner, role="owner")

    with django_capture_on_commit_callbacks(execute=True):
        assert open_due_recertifications() == 1
    recertification = Recertification.objects.get(account=account)
    notify_recertifications_opened()  # a retry

    notices = Notification.objects.filter(key__startswith=f"recertification:{recertification.pk}:")
    assert sorted(notices.values_list("recipient", flat=True)) == sorted(
        [owner.pk, second_owner.pk]
    )
    assert set(notices.values_list("kind", flat=True)) == {NoticeKind.ACTION}
    assert notices.first().url == recertification.get_absolute_url()


def test_a_request_lost_to_a_broker_that_was_down_goes_out_with_the_next_run(
    make_account, owner, monkeypatch, django_capture_on_commit_callbacks
):
    account = due(make_account("live"), datetime.date.today() + datetime.timedelta(days=10))
    sent = notify_recertifications_opened.delay

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(notify_recertifications_opened, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        assert open_due_recertifications() == 1  # opened; the request is lost, and logged
    assert not Notification.objects.exists()

    monkeypatch.setattr(notify_recertifications_opened, "delay", sent)
    with django_capture_on_commit_callbacks(execute=True):
        assert open_due_recertifications() == 0  # nothing more to open, but it asks again

    recertification = Recertification.objects.get(account=account)
    assert list(Notification.objects.values_list("key", "recipient")) == [
        (f"recertification:{recertification.pk}:opened:user:{owner.pk}", owner.pk)
    ]


def test_an_owner_who_has_left_the_organisation_is_not_asked_the_office_head_is(
    make_account, owner, office_head
):
    today = datetime.date.today()
    due(make_account("live"), today)
    # Gone, but still on the team: deactivated past the services (a bulk update
    # sends no signal), so the leaver process (people.services.person_left) did not run.
    type(owner).objects.filter(pk=owner.pk).update(is_active=False)
    owner.refresh_from_db()
    services.open_due_recertifications(today=today)

    notify_recertifications_opened()

    assert list(Notification.objects.values_list("recipient", flat=True)) == [office_head.pk]


def test_an_account_without_an_owner_asks_its_office_head(make_account, owner, office_head):
    today = datetime.date.today()
    account = due(make_account("live"), today)
    AccountMember.objects.filter(account=account, role="owner").update(removed_on=today)
    services.open_due_recertifications(today=today)

    notify_recertifications_opened()

    assert list(Notification.objects.values_list("recipient", flat=True)) == [office_head.pk]


def test_the_command_opens_them_now_and_says_how_many(make_account):
    due(make_account("live"), datetime.date.today())
    out = StringIO()

    call_command("open_due_recertifications", stdout=out)
    call_command("open_due_recertifications", stdout=out)

    assert "1 recertifications opened" in out.getvalue()
    assert "0 recertifications opened" in out.getvalue()
    assert settings.CELERY_BEAT_SCHEDULE["open-due-recertifications"]["task"] == (
        "evaluation.tasks.open_due_recertifications"
    )
