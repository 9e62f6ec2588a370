"""Email notices, recorded in the Notification outbox so that each goes out once: at once, or
gathered into one daily digest per person, as each person chose for each kind of notice."""

import datetime
import logging
import unicodedata
from smtplib import SMTPException, SMTPRecipientsRefused

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from workflow.models import (
    DEFAULT_DELIVERY,
    Delivery,
    Digest,
    NoticeKind,
    NoticePreference,
    Notification,
)

logger = logging.getLogger(__name__)

# How a task that sends email retries: a mail server or broker that is briefly away is tried
# again, backing off; the outbox makes every retry safe.
EMAIL_RETRY = {
    "autoretry_for": (SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "max_retries": 5,
}


def deliveries(people, kind: str) -> dict[int, str]:
    """How each of `people` wants notices of `kind`: their choice, or the default."""
    chosen = dict(
        NoticePreference.objects.filter(
            person__in=[person.pk for person in people], kind=kind
        ).values_list("person_id", "delivery")
    )
    return {person.pk: chosen.get(person.pk, DEFAULT_DELIVERY[kind]) for person in people}


def preferences_of(person) -> dict[str, str]:
    """Each kind of notice and how `person` gets it, their choice or the default."""
    chosen = dict(person.notice_preferences.values_list("kind", "delivery"))
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in NoticeKind}


@transaction.atomic
def set_preferences(*, person, choices: dict[str, str]) -> None:
    """Record `person`'s choice for each kind in `choices`. Notices already waiting for a
    digest stay there; new ones follow the new choice."""
    for kind, delivery in choices.items():
        NoticePreference.objects.update_or_create(
            person=person, kind=NoticeKind(kind), defaults={"delivery": Delivery(delivery)}
        )


def queue_notice(
    *,
    key: str,
    recipient,
    subject: str,
    body: str,
    url: str = "",
    kind: str = NoticeKind.DECISION,
    delivery: str | None = None,
):
    """Record a notice once per key; returns it, or None for someone who can no longer sign in.
    `delivery` defaults to the recipient's choice for `kind`."""
    return _queue(
        key=key,
        recipient=recipient,
        subject=subject,
        body=body,
        url=url,
        kind=kind,
        delivery=delivery,
    )[0]


# The longest subject the outbox keeps (its column's length).
SUBJECT_LENGTH = Notification._meta.get_field("subject").max_length


def one_line(subject: str) -> str:
    """A subject an email header and the outbox accept: control characters (a line break in an
    account's name would make the mail library refuse the whole email) become spaces, runs of
    spaces one, and a subject too long for the outbox ends in an ellipsis."""
    flat = " ".join(
        "".join(" " if unicodedata.category(c)[0] == "C" else c for c in subject).split()
    )
    return Truncator(flat).chars(SUBJECT_LENGTH)


def _queue(*, key, recipient, subject, body, url, kind, delivery):
    """The notice for `key`, and whether it was made now."""
    if not recipient.is_active:
        return None, False
    if delivery is None:
        delivery = deliveries([recipient], kind)[recipient.pk]
    return Notification.objects.get_or_create(
        key=key,
        defaults={
            "recipient": recipient,
            "subject": one_line(subject),
            "body": body,
            "url": url,
            "kind": kind,
            "delivery": delivery,
        },
    )


def _email(recipient, subject: str, template: str, context: dict) -> None:
    """One email in plain text and HTML from one pair of templates, with the link to the
    preferences page on both."""
    context = {
        "subject": subject,
        "recipient": recipient,
        "site_url": settings.SITE_URL,
        "organisation": settings.ORGANISATION_NAME,
        "preferences_url": settings.SITE_URL + reverse("notice-preferences"),
        **context,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"workflow/email/{template}.txt", context),
        to=[recipient.email],
    )
    message.attach_alternative(
        render_to_string(f"workflow/email/{template}.html", context), "text/html"
    )
    message.send()


# A claim older than this is taken to belong to a worker that died mid-send: the notice is
# claimed again and sent, so nothing is lost.
CLAIM_EXPIRES = datetime.timedelta(minutes=10)


def deliver(notice: Notification) -> bool:
    """Claim the notice, email it, then mark it sent: of two workers delivering one notice only
    the one that claims it sends it, and a send that fails releases the claim for a retry.
    True if it was sent now."""
    if notice.sent_at is not None or notice.delivery == Delivery.DIGEST:
        return False
    now = timezone.now()
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_EXPIRES)
    unsent = Notification.objects.filter(pk=notice.pk, sent_at__isnull=True)
    if not unsent.filter(claimable).update(claimed_at=now):
        return False
    try:
        _email(notice.recipient, notice.subject, "notice", {"notice": notice})
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


# Notices to send at once that did not go (a refused address, a worker that died mid-send) are
# tried again by the retry job once they are this old, so as not to race the task sending them
# now, and for this long, after which they stay unsent in the outbox for an administrator.
RETRY_AFTER = datetime.timedelta(minutes=10)
RETRY_FOR = datetime.timedelta(days=3)


def retry_unsent(*, now=None) -> int:
    """Send again the immediate notices that did not go; returns how many went now. Each is
    claimed as usual, so the retry and a task sending the same notice never both send it."""
    now = now or timezone.now()
    stuck = Notification.objects.filter(
        delivery=Delivery.IMMEDIATE,
        sent_at__isnull=True,
        created_at__lt=now - RETRY_AFTER,
        created_at__gte=now - RETRY_FOR,
        recipient__is_active=True,
    ).select_related("recipient")
    sent = 0
    for notice in stuck.iterator(chunk_size=200):
        sent += deliver(notice)
    return sent


def others(people, actor_id) -> list:
    """Each person once, in order, leaving out nobody-recorded, the person who acted and anyone
    who can no longer sign in."""
    chosen = {}
    for person in people:
        if person is not None and person.pk != actor_id and person.is_active:
            chosen.setdefault(person.pk, person)
    return list(chosen.values())


def tell(
    key: str,
    people,
    subject: str,
    body: str,
    url: str = "",
    *,
    kind: str = NoticeKind.DECISION,
    must_act=(),
) -> int:
    """Tell each of `people` once about `key` (an event, or an item and a stage): an email now,
    or a line in their next digest, as each chose for `kind`; those also in `must_act` (the
    people who hold the item next) get it as "something waits for you to act". Safe to call
    again: a person already told about `key` is not told again. Returns how many were told
    now: emails sent, and lines newly waiting for a digest."""
    people = list({person.pk: person for person in people if person is not None}.values())
    acting = {person.pk for person in must_act if person is not None}
    kinds = {p.pk: NoticeKind.ACTION if p.pk in acting else kind for p in people}
    chosen = {}
    for each in set(kinds.values()):
        chosen.update(deliveries([p for p in people if kinds[p.pk] == each], each))
    sent = 0
    for person in people:
        notice, made = _queue(
            key=f"{key}:user:{person.pk}",
            recipient=person,
            subject=subject,
            body=body,
            url=url,
            kind=kinds[person.pk],
            delivery=chosen[person.pk],
        )
        if notice is None:
            continue
        sent += made if notice.delivery == Delivery.DIGEST else deliver(notice)
    return sent


def pending_digest(recipient=None):
    """Notices waiting for a digest: unsent, and not held by a digest that is being sent
    (a claim older than CLAIM_EXPIRES belongs to a worker that died, and is taken back)."""
    # One table, no join: PostgreSQL re-checks such a condition on a row another worker has
    # just claimed, so two workers never split one person's notices between two digests.
    stale = Q(claimed_at__lt=timezone.now() - CLAIM_EXPIRES)
    pending = Notification.objects.filter(delivery=Delivery.DIGEST, sent_at__isnull=True).filter(
        Q(digest__isnull=True) | stale
    )
    return pending if recipient is None else pending.filter(recipient=recipient)


# The digest's sections, in the order a reader should act on them.
DIGEST_SECTIONS = [
    (NoticeKind.ACTION, "For you to do"),
    (NoticeKind.REMINDER, "Reminders"),
    (NoticeKind.DECISION, "What happened"),
]


def send_digest(recipient) -> bool:
    """Email `recipient` one digest of everything pending for them, grouped by what they must
    do. Claims the notices first (pointing them at a new Digest), so of two workers only one
    sends each; a send that fails releases them for the next run. True if an email went out."""
    if not recipient.is_active:
        return False
    with transaction.atomic():
        digest = Digest.objects.create(recipient=recipient)
        claimed = pending_digest(recipient).update(digest=digest, claimed_at=digest.created_at)
        if not claimed:
            digest.delete()
            return False
    notices = list(digest.notices.filter(sent_at__isnull=True).order_by("created_at"))
    sections = [
        {"title": title, "notices": [n for n in notices if n.kind == kind]}
        for kind, title in DIGEST_SECTIONS
    ]
    count = len(notices)
    subject = f"Your daily summary: {count} item{'s' if count != 1 else ''}"
    try:
        _email(
            recipient,
            subject,
            "digest",
            {"sections": [section for section in sections if section["notices"]], "count": count},
        )
    except Exception:
        digest.notices.update(digest=None, claimed_at=None)
        digest.delete()
        raise
    now = timezone.now()
    digest.notices.update(sent_at=now)
    Digest.objects.filter(pk=digest.pk).update(sent_at=now)
    return True


def send_digests() -> int:
    """Every person with notices waiting gets one digest; returns how many went out. A person
    whose address the mail server refuses is skipped (their notices wait for the next run);
    a mail server that is away stops the run, and what was not sent waits too."""
    recipients = pending_digest().values_list("recipient", flat=True).distinct()
    sent = 0
    for person in get_user_model().objects.filter(pk__in=recipients, is_active=True):
        try:
            sent += send_digest(person)
        except SMTPRecipientsRefused:
            logger.warning("The mail server refused user %s's digest", person.pk)
    # Digests abandoned by a worker that died, whose notices have since gone in another.
    Digest.objects.filter(
        sent_at__isnull=True, created_at__lt=timezone.now() - CLAIM_EXPIRES, notices__isnull=True
    ).delete()
    return sent
