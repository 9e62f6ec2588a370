"""The outbox: each person is told once per event, never the person who acted, and never
someone who can no longer sign in."""

import pytest
from django.conf import settings
from django.core import mail

from tests.factories import UserFactory
from workflow.models import Notification
from workflow.notifications import others, tell

pytestmark = pytest.mark.django_db


def test_tell_sends_each_person_once_per_key_however_often_it_runs():
    ann, bob = UserFactory(), UserFactory()

    assert tell("event:1", [ann, bob, ann], "Subject", "Body", "/somewhere/") == 2
    assert tell("event:1", [ann, bob], "Subject", "Body", "/somewhere/") == 0

    assert sorted(m.to[0] for m in mail.outbox) == sorted([ann.email, bob.email])
    assert Notification.objects.filter(key__startswith="event:1:").count() == 2
    assert "/somewhere/" in mail.outbox[0].body


def test_others_drops_the_actor_nobody_and_people_who_left():
    actor, colleague, leaver = UserFactory(), UserFactory(), UserFactory(is_active=False)

    assert others([actor, None, colleague, leaver, colleague], actor.pk) == [colleague]


def test_an_address_the_mail_server_refuses_does_not_stop_the_others(monkeypatch):
    from smtplib import SMTPRecipientsRefused

    from workflow import notifications

    refused, fine = UserFactory(), UserFactory()
    real_email = notifications._email

    def send(recipient, *args):
        if recipient == refused:
            raise SMTPRecipientsRefused({refused.email: (550, b"No such user")})
        return real_email(recipient, *args)

    monkeypatch.setattr(notifications, "_email", send)

    assert tell("event:2", [refused, fine], "Subject", "Body") == 1
    assert [m.to[0] for m in mail.outbox] == [fine.email]
    assert Notification.objects.get(key=f"event:2:user:{refused.pk}").sent_at is None


def test_two_workers_delivering_one_notice_send_it_once():
    from workflow.notifications import deliver, queue_notice

    person = UserFactory()
    notice = queue_notice(key="event:3", recipient=person, subject="S", body="B")
    same_notice_elsewhere = Notification.objects.get(pk=notice.pk)  # another worker's copy

    assert deliver(notice) is True
    assert deliver(same_notice_elsewhere) is False
    assert len(mail.outbox) == 1


def test_a_claim_left_by_a_worker_that_died_expires_and_the_notice_goes(monkeypatch):
    import datetime

    from django.utils import timezone

    from workflow.notifications import CLAIM_EXPIRES, deliver, queue_notice

    person = UserFactory()
    notice = queue_notice(key="event:4", recipient=person, subject="S", body="B")
    Notification.objects.filter(pk=notice.pk).update(claimed_at=timezone.now())
    assert deliver(Notification.objects.get(pk=notice.pk)) is False  # another worker has it

    long_ago = timezone.now() - CLAIM_EXPIRES - datetime.timedelta(minutes=1)
    Notification.objects.filter(pk=notice.pk).update(claimed_at=long_ago)
    assert deliver(Notification.objects.get(pk=notice.pk)) is True
    assert len(mail.outbox) == 1


def test_a_send_that_fails_releases_the_claim_for_a_retry(monkeypatch):
    from workflow import notifications

    person = UserFactory()
    notice = notifications.queue_notice(key="event:5", recipient=person, subject="S", body="B")

    def down(*args):
        raise ConnectionError("mail server away")

    monkeypatch.setattr(notifications, "_email", down)
    with pytest.raises(ConnectionError):
        notifications.deliver(notice)

    fresh = Notification.objects.get(pk=notice.pk)
    assert (fresh.claimed_at, fresh.sent_at) == (None, None)


def test_a_notice_is_plain_text_and_html_with_the_link_to_act_and_to_the_settings():
    person = UserFactory(full_name="Ann Example")

    tell("event:6", [person], "Proposal approved", "It <was> approved.", "/proposals/1/")

    [message] = mail.outbox
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert message.body.startswith("Hello Ann,")
    assert "It <was> approved." in message.body  # plain text is not HTML-escaped
    assert f"{settings.SITE_URL}/proposals/1/" in message.body
    assert "/email-settings/" in message.body
    assert "It &lt;was&gt; approved." in html  # HTML is escaped
    assert f'href="{settings.SITE_URL}/proposals/1/"' in html
    assert "/email-settings/" in html


def test_a_subject_with_a_line_break_or_too_long_still_goes_on_one_line():
    from workflow.notifications import SUBJECT_LENGTH

    person = UserFactory()

    tell("event:7", [person], "Account\r\nBcc: everyone@example.org\x00 renamed", "Body")
    tell("event:8", [person], "x" * 400, "Body")

    assert mail.outbox[0].subject == "Account Bcc: everyone@example.org renamed"
    assert len(mail.outbox[1].subject) == SUBJECT_LENGTH
    assert mail.outbox[1].subject.endswith("…")


def test_a_notice_that_did_not_go_is_tried_again_by_the_retry_job(monkeypatch):
    import datetime

    from django.utils import timezone

    from workflow import notifications

    person = UserFactory()

    def down(*args):
        raise ConnectionError("mail server away")

    monkeypatch.setattr(notifications, "_email", down)
    with pytest.raises(ConnectionError):
        tell("event:9", [person], "Subject", "Body")
    monkeypatch.undo()

    assert notifications.retry_unsent() == 0  # too fresh: its own task may still be retrying
    later = timezone.now() + notifications.RETRY_AFTER + datetime.timedelta(minutes=1)
    assert notifications.retry_unsent(now=later) == 1
    assert notifications.retry_unsent(now=later) == 0
    assert [m.to for m in mail.outbox] == [[person.email]]


def test_the_retry_job_gives_up_after_three_days_and_leaves_the_notice_for_an_administrator():
    import datetime

    from django.utils import timezone

    from workflow import notifications

    person = UserFactory()
    notice = notifications.queue_notice(key="event:10", recipient=person, subject="S", body="B")

    much_later = timezone.now() + notifications.RETRY_FOR + datetime.timedelta(minutes=1)
    assert notifications.retry_unsent(now=much_later) == 0
    assert Notification.objects.get(pk=notice.pk).sent_at is None
