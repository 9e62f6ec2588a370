import os
import uuid

import pytest
from celery.schedules import crontab
from django.conf import settings
from kombu import Queue

from config.celery import app


def test_every_scheduled_job_names_a_registered_task():
    app.loader.import_default_modules()

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
        assert isinstance(entry["schedule"], crontab | float | int), name


def test_beat_uses_the_database_scheduler_that_notes_its_heartbeat():
    from django_celery_beat.schedulers import DatabaseScheduler

    from workflow.beat import Scheduler

    assert settings.CELERY_BEAT_SCHEDULER == "workflow.beat:Scheduler"
    assert issubclass(Scheduler, DatabaseScheduler)


@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_a_task_sent_to_the_configured_broker_can_be_received():
    """Publishes through the real broker (Redis when REDIS_URL is set, else the filesystem
    transport) and reads the message back, as a worker would."""
    queue = Queue(f"test-{uuid.uuid4().hex}")
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=2)
        queue.maybe_bind(conn)
        queue.declare()
        try:
            app.send_task(
                "people.tasks.clear_expired_sessions",
                queue=queue,
                connection=conn,
            )
            with conn.SimpleQueue(queue) as simple:
                message = simple.get(timeout=5)
                message.ack()
            assert message.headers["task"] == "people.tasks.clear_expired_sessions"
        finally:
            queue.delete()


def test_the_filesystem_broker_writes_each_message_whole_before_it_is_listed(tmp_path):
    """A worker lists the folder for "<name>.<queue>.msg": a message being written must not
    carry that name until it is complete (kombu's own transport created it empty first)."""
    from kombu import Connection

    from workflow.broker import Transport

    options = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path)}
    with Connection("filesystem://", transport_options=options) as connection:
        assert isinstance(connection.transport, Transport)
        channel = connection.default_channel
        channel._put("work", {"body": "x" * 100_000})
        names = os.listdir(tmp_path)
        assert len(names) == 1 and names[0].endswith(".work.msg")
        assert channel._get("work") == {"body": "x" * 100_000}
