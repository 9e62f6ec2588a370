from celery import shared_task

from workflow.notifications import EMAIL_RETRY
from workflow.notifications import send_digests as send_all_digests


@shared_task(**EMAIL_RETRY)
def send_digests() -> int:
    """Working days, after the reminders: each person with notices waiting for their digest
    gets one email of them all; safe to run twice or to retry, nothing goes out twice."""
    return send_all_digests()
