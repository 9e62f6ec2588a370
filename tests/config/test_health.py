import datetime
from unittest import mock

import pytest
from django.db import OperationalError
from kombu import Connection

from workflow import beat, tasks
from workflow.models import Delivery, Heartbeat, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def alive(time_machine):
    """The scheduler and the worker both showed they were alive a moment ago."""
    time_machine.move_to("2026-11-26 10:00:00+00:00", tick=False)
    Heartbeat.note(Heartbeat.SCHEDULER)
    Heartbeat.note(Heartbeat.WORKER)
    time_machine.move_to("2026-11-26 10:00:30+00:00", tick=False)
    return time_machine


def test_health_reports_everything_alive(client, alive):
    response = client.get("/health/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {
        "database": True,
        "broker": True,
        "scheduler": True,
        "worker": True,
    }
    assert body["scheduler"] == {
        "alive": True,
        "last_seen": "2026-11-26T10:00:00+00:00",
        "seconds_ago": 30,
    }
    assert body["worker"]["seconds_ago"] == 30
    assert body["unsent_notices"] == {
        "count": 0,
        "oldest_created_at": None,
        "oldest_seconds_ago": None,
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("stopped", [Heartbeat.SCHEDULER, Heartbeat.WORKER])
def test_a_scheduler_or_worker_silent_too_long_is_503(client, alive, settings, stopped):
    settings.HEALTH_STALE_AFTER_SECONDS = 300
    alive.move_to("2026-11-26 10:06:00+00:00", tick=False)
    other = {Heartbeat.SCHEDULER, Heartbeat.WORKER} - {stopped}
    for name in other:
        Heartbeat.note(name)

    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"][stopped] is False
    assert body["checks"][other.pop()] is True
    assert body[stopped]["seconds_ago"] == 360 and body[stopped]["alive"] is False


def test_a_scheduler_and_worker_never_seen_are_503(client):
    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["scheduler"] is False and body["checks"]["worker"] is False
    assert body["worker"] == {"alive": False, "last_seen": None, "seconds_ago": None}


def test_health_reports_the_oldest_notice_waiting_to_go_at_once(client, alive, staff):
    def notice(key, *, hours_ago, delivery=Delivery.IMMEDIATE, sent=False):
        made = Notification.objects.create(
            key=key, recipient=staff, subject="s", body="b", delivery=delivery
        )
        created = made.created_at - datetime.timedelta(hours=hours_ago)
        Notification.objects.filter(pk=made.pk).update(
            created_at=created, sent_at=made.created_at if sent else None
        )

    notice("waiting", hours_ago=2)
    notice("newer", hours_ago=1)
    notice("for the digest", hours_ago=30, delivery=Delivery.DIGEST)  # waits by design
    notice("gone", hours_ago=50, sent=True)

    response = client.get("/health/")

    assert response.status_code == 200  # reported, not judged
    assert response.json()["unsent_notices"] == {
        "count": 2,
        "oldest_created_at": "2026-11-26T08:00:30+00:00",
        "oldest_seconds_ago": 7200,
    }


def test_health_reports_a_broken_database_as_503(client, alive):
    with mock.patch(
        "config.health.connection.cursor", side_effect=OperationalError("server closed")
    ):
        response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": False, "broker": True, "scheduler": False, "worker": False},
    }


def test_health_reports_an_unreachable_broker_as_503(client, alive):
    # A real connection attempt to a port where nothing listens.
    with mock.patch(
        "config.health.celery_app.connection_for_write",
        return_value=Connection("redis://127.0.0.1:1/0", connect_timeout=1),
    ):
        response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": True,
        "broker": False,
        "scheduler": True,
        "worker": True,
    }


def test_health_only_answers_get(client):
    assert client.post("/health/").status_code == 405


def test_the_heartbeat_task_notes_the_worker(time_machine):
    time_machine.move_to("2026-11-26 10:00:00+00:00", tick=False)

    tasks.heartbeat.apply()

    assert Heartbeat.objects.get(name=Heartbeat.WORKER).at.isoformat() == (
        "2026-11-26T10:00:00+00:00"
    )


def test_the_scheduler_notes_itself_at_most_once_a_minute(monkeypatch, time_machine):
    clock = iter([1000.0, 1030.0, 1061.0])
    monkeypatch.setattr(beat.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(beat.DatabaseScheduler, "tick", lambda self, *a, **k: 5.0)
    scheduler = beat.Scheduler.__new__(beat.Scheduler)  # no app, broker or schedule needed
    noted = []
    monkeypatch.setattr(Heartbeat, "note", classmethod(lambda cls, name: noted.append(name)))

    intervals = [scheduler.tick(), scheduler.tick(), scheduler.tick()]

    assert intervals == [5.0, 5.0, 5.0]  # the schedule's own pace is kept
    assert noted == [Heartbeat.SCHEDULER, Heartbeat.SCHEDULER]  # at 1000 and 1061, not 1030


def test_the_scheduler_goes_on_when_it_cannot_note_itself(monkeypatch):
    from django.db import DatabaseError

    monkeypatch.setattr(beat.DatabaseScheduler, "tick", lambda self, *a, **k: 5.0)

    def down(cls, name):
        raise DatabaseError("gone")

    monkeypatch.setattr(Heartbeat, "note", classmethod(down))
    scheduler = beat.Scheduler.__new__(beat.Scheduler)

    assert scheduler.tick() == 5.0


def test_the_heartbeat_is_scheduled_every_minute_and_expires(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["heartbeat"]
    assert entry["task"] == "workflow.tasks.heartbeat"
    assert entry["schedule"] == 60.0
    assert entry["options"]["expires"] < 60


def test_liveness_needs_only_the_database_and_broker(client):
    """For a load balancer: no heartbeat has been seen, and the pages can still be answered."""
    response = client.get("/health/live/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True, "broker": True}}
    assert client.get("/health/").status_code == 503


def test_liveness_fails_without_the_database(client):
    with mock.patch(
        "config.health.connection.cursor", side_effect=OperationalError("server closed")
    ):
        response = client.get("/health/live/")

    assert response.status_code == 503
