"""The Celery application: tasks live in each app's tasks.py, schedules in settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("socialgov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
