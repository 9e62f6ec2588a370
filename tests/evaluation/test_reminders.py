import datetime

import pytest
from django.core import mail
from django.utils import timezone

from evaluation.reminders import ageing_reminders, review_reminders, training_reminders
from proposals.models import Proposal
from tests.factories import TrainingRecordFactory
from workflow.models import DEFAULT_DELIVERY, Delivery, NoticeKind, Notification
from workflow.notifications import send_digests

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 7, 8)


@pytest.fixture(autouse=True)
def reminders_by_email(monkeypatch):
    """These tests read the emails, so reminders come at once here; by default they wait for
    the daily digest (tests/workflow/test_digest.py), as the last test here shows."""
    monkeypatch.setitem(DEFAULT_DELIVERY, NoticeKind.REMINDER, Delivery.IMMEDIATE)


def told():
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_review_due_in_seven_days_reminds_the_team_once(make_review, owner):
    review = make_review("due")  # due 15 July 2026
    team = sorted(m.person.email for m in review.account.members.all())

    review_reminders(today=TODAY)
    review_reminders(today=TODAY)

    assert told() == team
    assert "due in 7 days" in mail.outbox[0].subject


def test_overdue_reviews_remind_the_team_then_the_office_head(make_review, office_head):
    review = make_review("due")
    team = sorted(m.person.email for m in review.account.members.all())

    review_reminders(today=datetime.date(2026, 7, 16))
    assert told() == team
    mail.outbox.clear()

    review_reminders(today=datetime.date(2026, 7, 20))
    assert told() == []  # each stage once

    review_reminders(today=datetime.date(2026, 7, 23))
    assert told() == [office_head.email]


def test_submitted_reviews_are_not_chased(make_review):
    make_review("submitted")

    review_reminders(today=datetime.date(2026, 8, 30))

    assert told() == []


def test_items_past_their_target_time_remind_their_holder_once(
    make_proposal, office_head, settings
):
    proposal = make_proposal("with_office_head")
    Proposal.objects.filter(pk=proposal.pk).update(
        state_changed_at=timezone.now() - datetime.timedelta(days=11)
    )

    ageing_reminders()
    ageing_reminders()

    assert told() == [office_head.email]
    assert "longer than the 10 days" in mail.outbox[0].body


def test_a_heads_own_proposal_waiting_too_long_reminds_their_line_manager_not_them(
    office_head, outsider
):
    from proposals import services
    from tests.factories import ProposalFactory

    office_head.line_manager = outsider
    office_head.save()
    proposal = ProposalFactory(proposer=office_head)
    services.submit(proposal=proposal, actor=office_head)
    Proposal.objects.filter(pk=proposal.pk).update(
        state_changed_at=timezone.now() - datetime.timedelta(days=11)
    )
    mail.outbox.clear()

    ageing_reminders()

    assert told() == [outsider.email]


def test_a_configured_target_time_is_respected(make_proposal, dcct, settings):
    settings.WORKFLOW_TARGET_DAYS = {**settings.WORKFLOW_TARGET_DAYS, "with_dcct": 30}
    proposal = make_proposal("with_dcct")
    Proposal.objects.filter(pk=proposal.pk).update(
        state_changed_at=timezone.now() - datetime.timedelta(days=20)
    )

    ageing_reminders()

    assert told() == []


def test_training_expiring_within_30_days_is_reminded_once(staff, outsider):
    TrainingRecordFactory(
        person=staff,
        completed_on=datetime.date(2025, 8, 1),
        expires_on=TODAY + datetime.timedelta(days=20),
    )
    TrainingRecordFactory(
        person=outsider,
        completed_on=datetime.date(2025, 8, 1),
        expires_on=TODAY + datetime.timedelta(days=90),
    )

    training_reminders(today=TODAY)
    training_reminders(today=TODAY)

    assert told() == [staff.email]


def test_a_review_due_at_a_weekend_still_gets_its_seven_day_reminder(make_review):
    from django.core import mail

    make_review("due")  # due Wednesday 15 July 2026

    review_reminders(today=datetime.date(2026, 7, 6))  # a Monday: nine days ahead
    assert mail.outbox == []
    review_reminders(today=datetime.date(2026, 7, 9))  # the next run, six days ahead
    assert "due in 6 days" in mail.outbox[0].subject  # what is really left, not the stage


def test_reviews_of_closed_accounts_are_not_chased(make_review):
    from django.core import mail

    from accounts.models import Account

    review = make_review("due")
    Account.objects.filter(pk=review.account_id).update(state="closed")

    review_reminders(today=datetime.date(2026, 9, 1))

    assert mail.outbox == []


def test_by_default_a_reminder_waits_for_the_next_digest(make_review, monkeypatch):
    monkeypatch.setitem(DEFAULT_DELIVERY, NoticeKind.REMINDER, Delivery.DIGEST)
    review = make_review("due")
    team = sorted(m.person.email for m in review.account.members.all())

    assert review_reminders(today=TODAY) == len(team)  # each told, in their digest
    assert told() == []
    assert Notification.objects.filter(kind=NoticeKind.REMINDER, sent_at=None).count() == len(team)

    send_digests()
    assert told() == team
    assert all("due in 7 days" in message.body for message in mail.outbox)
