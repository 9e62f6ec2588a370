"""Yearly recertifications are chased, each stage once: the owner a week before and once overdue,
the office head after two weeks overdue; DCCT when a follow-up waits too long."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Account, AccountMember
from evaluation.models import Recertification
from evaluation.reminders import ageing_reminders, recertification_reminders
from evaluation.tasks import send_reminders
from people import policy
from workflow.models import NoticeKind, Notification

pytestmark = pytest.mark.django_db
DUE = datetime.date(2026, 7, 15)
D = datetime.timedelta


def told(prefix=""):
    """Who was told, per stage (the key's last part before the person)."""
    notices = Notification.objects.filter(key__startswith=prefix).order_by("key", "recipient")
    return [(n.key.split(":user:")[0].rsplit(":", 1)[1], n.recipient.email) for n in notices]


def test_the_owner_is_reminded_once_a_week_before_it_is_due(make_recertification, owner):
    recertification = make_recertification("open", due_on=DUE)

    recertification_reminders(today=DUE - D(days=8))
    assert told() == []
    recertification_reminders(today=DUE - D(days=7))
    recertification_reminders(today=DUE - D(days=5))  # the job missed no day: sent once

    assert told() == [("due-in-7-days", owner.email)]
    notice = Notification.objects.get()
    assert notice.kind == NoticeKind.REMINDER
    assert notice.url == recertification.get_absolute_url()
    assert "due in 7 days" in notice.subject


def test_overdue_reminds_the_owner_then_the_office_head_each_once(
    make_recertification, owner, office_head
):
    make_recertification("open", due_on=DUE)

    recertification_reminders(today=DUE + D(days=1))
    assert told() == [("overdue", owner.email)]

    recertification_reminders(
        today=DUE + D(days=policy.RECERTIFICATION_OVERDUE_TELLS_HEAD_AFTER_DAYS)
    )
    assert told() == [("overdue", owner.email)]

    later = DUE + D(days=policy.RECERTIFICATION_OVERDUE_TELLS_HEAD_AFTER_DAYS + 1)
    recertification_reminders(today=later)
    recertification_reminders(today=later + D(days=30))
    assert sorted(told()) == [("overdue", owner.email), ("overdue-office-head", office_head.email)]
    assert set(Notification.objects.values_list("kind", flat=True)) == {NoticeKind.REMINDER}


def test_an_account_without_an_owner_reminds_its_office_head(
    make_recertification, owner, office_head
):
    make_recertification("open", due_on=DUE)
    AccountMember.objects.filter(person=owner).update(removed_on=DUE)

    recertification_reminders(today=DUE - D(days=3))

    assert told() == [("due-in-7-days", office_head.email)]


@pytest.mark.parametrize("state", ["needs_follow_up", "recertified", "followed_up"])
def test_answered_recertifications_are_not_chased(make_recertification, state):
    make_recertification(state, due_on=DUE)

    recertification_reminders(today=DUE + D(days=60))

    assert told() == []


def test_accounts_no_longer_live_are_not_chased(make_recertification):
    recertification = make_recertification("open", due_on=DUE)
    Account.objects.filter(pk=recertification.account_id).update(state="closing")

    recertification_reminders(today=DUE + D(days=60))

    assert told() == []


def test_a_follow_up_waiting_too_long_reminds_dcct_once(make_recertification, dcct, settings):
    recertification = make_recertification("needs_follow_up")
    days = settings.WORKFLOW_TARGET_DAYS["recertification_needs_follow_up"]
    Recertification.objects.filter(pk=recertification.pk).update(
        state_changed_at=timezone.now() - D(days=days - 1)
    )
    ageing_reminders()
    assert told("ageing:recertification") == []

    Recertification.objects.filter(pk=recertification.pk).update(
        state_changed_at=timezone.now() - D(days=days + 1)
    )
    ageing_reminders()
    ageing_reminders()

    assert told("ageing:recertification") == [("needs_follow_up", dcct.email)]


def test_the_daily_reminders_job_includes_recertifications(make_recertification, owner):
    make_recertification("open", due_on=datetime.date.today() - D(days=1))

    send_reminders()

    assert ("overdue", owner.email) in told("recertification:")


@pytest.mark.parametrize(
    ("days_left", "words"),
    [(7, "due in 7 days"), (3, "due in 3 days"), (1, "due tomorrow"), (0, "due today")],
)
def test_the_reminder_says_how_many_days_are_really_left(make_recertification, days_left, words):
    make_recertification("open", due_on=DUE)

    recertification_reminders(today=DUE - D(days=days_left))  # the first run in the window

    notice = Notification.objects.get()
    assert notice.subject.endswith(words)
    assert notice.key.split(":user:")[0].endswith(":due-in-7-days")  # the stage, sent once


def test_an_owner_who_has_left_the_organisation_is_not_reminded_the_office_head_is(
    make_recertification, owner, office_head
):
    make_recertification("open", due_on=DUE)
    # Gone, but still on the team: deactivated past the services (a bulk update
    # sends no signal), so the leaver process (people.services.person_left) did not run.
    type(owner).objects.filter(pk=owner.pk).update(is_active=False)
    owner.refresh_from_db()

    recertification_reminders(today=DUE + D(days=1))

    assert told() == [("overdue", office_head.email)]
