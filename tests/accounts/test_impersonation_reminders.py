"""Reports of impersonation that wait too long remind DCCT, who holds them: open ones after
their target, those reported to the platform after theirs (settings.WORKFLOW_TARGET_DAYS), once
per report and time it entered the state; closed ones never."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from evaluation.reminders import ageing_reminders
from workflow.models import DEFAULT_DELIVERY, Delivery, NoticeKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reminders_by_email(monkeypatch):
    monkeypatch.setitem(DEFAULT_DELIVERY, NoticeKind.REMINDER, Delivery.IMMEDIATE)


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_a_report_left_with_the_platform_too_long_reminds_dcct_once(make_report, dcct, hec):
    stuck = make_report("reported_to_platform", state_changed_at=days_ago(20))
    make_report("reported_to_platform", state_changed_at=days_ago(10))  # within its 14 days
    make_report("platform_declined", state_changed_at=days_ago(60))
    make_report("resolved", state_changed_at=days_ago(60))

    ageing_reminders()
    ageing_reminders()

    (message,) = mail.outbox
    assert message.to == [dcct.email]
    assert message.subject == (
        f"Waiting: report of impersonation, “{stuck.handle}” on X (Twitter) (report {stuck.pk})"
    )
    assert "longer than the 14 days" in message.body and "Follow" not in message.subject


def test_an_open_report_reminds_dcct_after_its_own_shorter_target(make_report, dcct):
    late = make_report("open", state_changed_at=days_ago(4))
    make_report("open", state_changed_at=days_ago(2))

    ageing_reminders()

    (message,) = mail.outbox
    assert f"(report {late.pk})" in message.subject and "longer than the 3 days" in message.body
