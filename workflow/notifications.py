"""Email notices, recorded in the Notification outbox so that each goes out once."""

import logging
from smtplib import SMTPException, SMTPRecipientsRefused

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from workflow.models import Notification

logger = logging.getLogger(__name__)

# How a task that sends email retries: a mail server or broker that is briefly away is tried
# again, backing off; the outbox makes every retry safe.
EMAIL_RETRY = {
    "autoretry_for": (SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "max_retries": 5,
}


def queue_notice(*, key: str, recipient, subject: str, body: str, url: str = ""):
    """Record a notice once per key; returns it, or None for someone who can no longer sign in."""
    if not recipient.is_active:
        return None
    notice, _ = Notification.objects.get_or_create(
        key=key,
        defaults={"recipient": recipient, "subject": subject, "body": body, "url": url},
    )
    return notice


def deliver(notice: Notification) -> bool:
    """Email a queued notice unless it has gone already; True if it was sent now."""
    if notice.sent_at is not None:
        return False
    link = f"\n\n{settings.SITE_URL}{notice.url}" if notice.url else ""
    try:
        send_mail(
            subject=notice.subject,
            message=f"Hello {notice.recipient.get_short_name()},\n\n{notice.body}{link}\n",
            from_email=None,
            recipient_list=[notice.recipient.email],
        )
    except SMTPRecipientsRefused:
        # One address the mail server refuses must not stop everyone else's notices (a server
        # that is away still raises, and the task retries); this one stays unsent, to retry.
        logger.warning(
            "The mail server refused %s; notice %s not sent", notice.recipient, notice.key
        )
        return False
    return bool(
        Notification.objects.filter(pk=notice.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
    )


def others(people, actor_id) -> list:
    """Each person once, in order, leaving out nobody-recorded, the person who acted and anyone
    who can no longer sign in."""
    chosen = {}
    for person in people:
        if person is not None and person.pk != actor_id and person.is_active:
            chosen.setdefault(person.pk, person)
    return list(chosen.values())


def tell(key: str, people, subject: str, body: str, url: str = "") -> int:
    """Email each of `people` once about `key` (an event, or an item and a stage); safe to
    call again. Returns how many emails went out now."""
    sent = 0
    for person in {person.pk: person for person in people if person is not None}.values():
        notice = queue_notice(
            key=f"{key}:user:{person.pk}", recipient=person, subject=subject, body=body, url=url
        )
        if notice is not None:
            sent += deliver(notice)
    return sent
