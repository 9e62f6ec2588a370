from celery import shared_task

from workflow.models import Heartbeat
from workflow.notifications import EMAIL_RETRY, retry_unsent
from workflow.notifications import send_digests as send_all_digests


@shared_task(**EMAIL_RETRY)
def send_digests() -> int:
    """Working days, after the reminders: each person with notices waiting for their digest
    gets one email of them all; safe to run twice or to retry, nothing goes out twice."""
    return send_all_digests()


@shared_task(**EMAIL_RETRY)
def retry_unsent_notices() -> int:
    """Every quarter of an hour: the notices meant to go at once that did not (an address the
    mail server refused, a worker that died mid-send) are tried again, for three days."""
    return retry_unsent()


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Every minute, from the scheduler: the worker notes that it is alive and taking tasks
    (/health/ reads it). One not taken within the minute expires (its beat entry says so)."""
    Heartbeat.note(Heartbeat.WORKER)
