"""Email notices, recorded in the Notification outbox so that each goes out once."""

import datetime
import logging
from smtplib import SMTPException, SMTPRecipientsRefused

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
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


# A claim older than this is taken to belong to a worker that died mid-send: the notice is
# claimed again and sent, so nothing is lost.
CLAIM_EXPIRES = datetime.timedelta(minutes=10)


def deliver(notice: Notification) -> bool:
    """Claim the notice, email it, then mark it sent: of two workers delivering one notice only
    the one that claims it sends it, and a send that fails releases the claim for a retry.
    True if it was sent now."""
    if notice.sent_at is not None:
        return False
    now = timezone.now()
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_EXPIRES)
    unsent = Notification.objects.filter(pk=notice.pk, sent_at__isnull=True)
    if not unsent.filter(claimable).update(claimed_at=now):
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
        unsent.update(claimed_at=None)
        logger.warning(
            "The mail server refused user %s; notice %s", notice.recipient_id, notice.key
        )
        return False
    except Exception:
        unsent.update(claimed_at=None)
        raise
    unsent.update(sent_at=timezone.now())
    return True


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
