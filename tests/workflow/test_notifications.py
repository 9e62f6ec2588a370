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
