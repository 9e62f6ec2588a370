from smtplib import SMTPException

from celery import shared_task

from people.notifications import deliver, queue_notice
from proposals.models import Decision
from proposals.notifications import message, recipients


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def notify_decision(decision_id: int) -> int:
    """Email everyone a decision concerns; safe to retry, each person is told once."""
    decision = Decision.objects.select_related("proposal", "actor").get(pk=decision_id)
    subject, body = message(decision)
    sent = 0
    for person in recipients(decision):
        notice = queue_notice(
            key=f"decision:{decision.pk}:user:{person.pk}",
            recipient=person,
            subject=subject,
            body=body,
            url=decision.proposal.get_absolute_url(),
        )
        if notice is not None:
            sent += deliver(notice)
    return sent
