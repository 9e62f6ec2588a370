"""Each periodic job can be run now from the command line, with the same code as the beat task."""

import datetime
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from evaluation.models import Review
from workflow.models import NoticeKind, Notification

pytestmark = pytest.mark.django_db


def run(command):
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def test_raise_due_reviews_raises_them_now_and_says_how_many(make_account):
    account = make_account("live", went_live_on=datetime.date.today() - datetime.timedelta(120))

    output = run("raise_due_reviews")

    assert Review.objects.filter(account=account).count() == 1
    assert "1 reviews raised" in output
    assert "0 reviews raised" in run("raise_due_reviews")  # idempotent


def test_send_reminders_sends_what_is_due_once(make_review):
    make_review("due")  # due in July 2026: overdue

    output = run("send_reminders")

    told = Notification.objects.filter(kind=NoticeKind.REMINDER)
    assert told.count() >= 1
    assert f"{told.count()} people told" in output
    assert "0 people told" in run("send_reminders")
    assert f"{told.values('recipient').distinct().count()} digests sent" in run("send_digests")
    assert len(mail.outbox) == told.values("recipient").distinct().count()


def test_every_periodic_job_has_a_command():
    from django.core.management import get_commands

    commands = get_commands()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        if name == "heartbeat":  # a sign of life for /health/, not a job anyone runs
            continue
        assert entry["task"].rsplit(".", 1)[1] in commands, entry["task"]


def test_clearing_sessions_says_it_is_done():
    assert "done" in run("clear_expired_sessions")
