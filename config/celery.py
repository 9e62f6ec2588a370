"""The Celery application: tasks live in each app's tasks.py, schedules in settings."""

import os

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# The filesystem broker (no REDIS_URL) writes each message whole before a worker can read it.
TRANSPORT_ALIASES["filesystem"] = "workflow.broker:Transport"

app = Celery("socialgov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
