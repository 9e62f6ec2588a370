"""The beat scheduler: django-celery-beat's, which also notes that it is alive (a Heartbeat)
at most once a minute, so that /health/ can tell a scheduler that stopped from one with nothing
to send."""

import logging
import time

from django.db import DatabaseError
from django_celery_beat.schedulers import DatabaseScheduler

from workflow.models import Heartbeat

logger = logging.getLogger(__name__)

NOTE_EVERY_SECONDS = 60


class Scheduler(DatabaseScheduler):
    _noted = float("-inf")

    def tick(self, *args, **kwargs):
        interval = super().tick(*args, **kwargs)
        now = time.monotonic()
        if now - self._noted >= NOTE_EVERY_SECONDS:
            try:
                Heartbeat.note(Heartbeat.SCHEDULER)
                self._noted = now
            except DatabaseError:  # the database is away: the schedule goes on, health says so
                logger.warning("The scheduler could not note its heartbeat", exc_info=True)
        return interval
