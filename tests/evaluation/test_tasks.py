"""The scheduled job through a real broker and a real worker: kombu's filesystem transport by
default (no server), Redis when REDIS_URL is set (as in CI)."""

import datetime
import time

import pytest
from celery._state import _set_task_join_will_block
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from config.celery import app
from evaluation.models import Review
from tests.factories import AccountFactory


@pytest.fixture
def real_queue():
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = True
        # The worker's pool marks the process as "inside a worker" (results may not be waited
        # for), and its thread can do so after start_worker has cleared the mark: clear it
        # again, or a later test in this process that calls .get() on an eager result fails.
        _set_task_join_will_block(False)


def test_schedule_runs_the_review_job_daily_in_code():
    entry = settings.CELERY_BEAT_SCHEDULE["raise-due-reviews"]
    assert entry["task"] == "evaluation.tasks.raise_due_reviews"
    assert entry["schedule"].hour == {6}
    assert settings.CELERY_BEAT_SCHEDULE["send-reminders"]["task"] == (
        "evaluation.tasks.send_reminders"
    )


@pytest.mark.django_db(transaction=True)
def test_a_worker_raises_due_reviews_sent_through_the_broker(real_queue):
    account = AccountFactory(
        state="live", went_live_on=datetime.date.today() - datetime.timedelta(120)
    )

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        app.send_task("evaluation.tasks.raise_due_reviews")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not Review.objects.filter(account=account).exists():
            time.sleep(0.2)

    assert Review.objects.filter(account=account).count() == 1
