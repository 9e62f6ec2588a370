import datetime

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import AccountState
from evaluation import notifications, reminders, services
from evaluation.models import (
    Recertification,
    RecertificationEvent,
    RecertificationState,
    Review,
    ReviewEvent,
    ReviewState,
)
from evaluation.reminders import TEAM
from people import policy
from workflow.models import NoticeKind
from workflow.notifications import EMAIL_RETRY, tell


@shared_task(**EMAIL_RETRY)
def raise_due_reviews() -> int:
    """Daily: raise the reviews that have fallen due, then tell each account's team."""
    raised, period_ends = services.raise_due_reviews(today=timezone.localdate())
    for period_end in period_ends:
        transaction.on_commit(
            lambda day=period_end: notify_reviews_raised.delay(day.isoformat()), robust=True
        )
    return raised


@shared_task
def refresh_account_facts() -> int:
    """Daily, before the day's work: put right what DCCT's queues read from each account, when
    its team has enough people trained (a run of trained days that ended is followed by the
    next) and the last day it was in use. The services keep both as things change; this repairs
    what reached the database past them. Returns how many accounts changed."""
    return (
        account_services.refresh_all_team_training(today=timezone.localdate())
        + services.refresh_last_activity()
    )


@shared_task(**EMAIL_RETRY)
def notify_reviews_raised(period_end: str) -> int:
    """Tell the team of every review for the period ending `period_end`; once per person."""
    reviews = (
        Review.objects.filter(
            period_end=datetime.date.fromisoformat(period_end), state=ReviewState.DUE
        )
        .select_related("account__platform")
        .prefetch_related(TEAM)
    )
    sent = 0
    for review in reviews.iterator(chunk_size=500):
        sent += tell(
            f"review:{review.pk}:raised",
            [member.person for member in review.account.members.all()],
            f"Review due: {review.account.display_name}",
            f"The review of {review.account.display_name} for {review.period_label} is due by "
            f"{review.due_on:%-d %B %Y}.",
            review.get_absolute_url(),
            kind=NoticeKind.ACTION,
        )
    return sent


@shared_task(**EMAIL_RETRY)
def notify_review_event(event_id: int) -> int:
    """Email whoever a review's step concerns; safe to retry, each person is told once."""
    event = ReviewEvent.objects.select_related(
        "review__account__platform", "review__account__office__head", "actor"
    ).get(pk=event_id)
    subject, body = notifications.message(event)
    return tell(
        f"review-event:{event.pk}",
        notifications.recipients(event),
        subject=subject,
        body=body,
        url=event.review.get_absolute_url(),
        must_act=notifications.holders(event),
    )


@shared_task(**EMAIL_RETRY)
def send_reminders() -> int:
    """Daily: reviews and recertifications due soon or overdue, items past their target time,
    expiring training."""
    today = timezone.localdate()
    return (
        reminders.review_reminders(today=today)
        + reminders.recertification_reminders(today=today)
        + reminders.ageing_reminders()
        + reminders.training_reminders(today=today)
    )


# --- Yearly recertification ----------------------------------------------------------------------


@shared_task(**EMAIL_RETRY)
def open_due_recertifications() -> int:
    """Daily: open the yearly recertifications that fall due, then ask each account's owner.
    Every run asks, whether or not it opened any: a request lost to a broker that was down
    (robust on_commit only logs it) goes out with the next run."""
    opened = services.open_due_recertifications(today=timezone.localdate())
    transaction.on_commit(notify_recertifications_opened.delay, robust=True)
    return opened


@shared_task(**EMAIL_RETRY)
def notify_recertifications_opened() -> int:
    """Ask the owner of every open recertification to recertify: each person once per
    recertification (the notice's key), however many runs ask again."""
    recertifications = (
        Recertification.objects.filter(
            state=RecertificationState.OPEN, account__state=AccountState.LIVE
        )
        .select_related("account__platform", "account__office__head")
        .prefetch_related(TEAM)
    )
    sent = 0
    for recertification in recertifications.iterator(chunk_size=500):
        account = recertification.account
        sent += tell(
            f"recertification:{recertification.pk}:opened",
            notifications.recertification_owners(account),
            f"Recertify {account.display_name} by {recertification.due_on:%-d %B %Y}",
            f"Once a year the owner of each official account confirms that it is still run as "
            f"the policy requires: the team is current, at least {policy.MIN_TRAINED_TEAM} of it "
            "hold current training, the sign-in is in the password manager with two-factor "
            "authentication on, the corporate email address still works, the profile links to "
            "the website, and the account is still needed. The recertification of "
            f"{account.display_name} on {account.platform} is due by "
            f"{recertification.due_on:%-d %B %Y}.",
            recertification.get_absolute_url(),
            kind=NoticeKind.ACTION,
        )
    return sent


@shared_task(**EMAIL_RETRY)
def notify_recertification_event(event_id: int) -> int:
    """Tell whoever a recertification's step concerns; safe to retry, each person once."""
    event = RecertificationEvent.objects.select_related(
        "recertification__account__platform",
        "recertification__account__office__head",
        "recertification__submitted_by",
        "actor",
    ).get(pk=event_id)
    subject, body = notifications.recertification_message(event)
    return tell(
        f"recertification-event:{event.pk}",
        notifications.recertification_recipients(event),
        subject=subject,
        body=body,
        url=event.recertification.get_absolute_url(),
        must_act=notifications.recertification_holders(event),
    )


@shared_task
def collect_activity() -> dict[str, int]:
    """Every morning, where ACTIVITY_ENABLED: read live accounts' activity from their platforms
    (evaluation/activity.py). Safe to run twice: the day's figures are replaced, not added."""
    from django.core.cache import cache

    from evaluation import activity

    if not activity.enabled():
        return {}
    # One run at a time: a long run handed to a second worker (acks_late, and the broker's
    # visibility timeout) finds this one still reading and leaves it to finish.
    if not cache.add(RUNNING, True, timeout=RUN_AT_MOST_SECONDS):
        return {"already_running": 1}
    try:
        return dict(activity.collect_activity())
    finally:
        cache.delete(RUNNING)


RUNNING = "activity:running"
RUN_AT_MOST_SECONDS = 20 * 60 * 60  # a run still "running" after this had died
