"""The outbox: each person is told once per event, never the person who acted, and never
someone who can no longer sign in."""

import pytest
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
    real_send = notifications.send_mail

    def send(**kwargs):
        if kwargs["recipient_list"] == [refused.email]:
            raise SMTPRecipientsRefused({refused.email: (550, b"No such user")})
        return real_send(**kwargs)

    monkeypatch.setattr(notifications, "send_mail", send)

    assert tell("event:2", [refused, fine], "Subject", "Body") == 1
    assert [m.to[0] for m in mail.outbox] == [fine.email]
    assert Notification.objects.get(key=f"event:2:user:{refused.pk}").sent_at is None
