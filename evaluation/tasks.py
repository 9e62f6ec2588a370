import datetime

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from evaluation import notifications, reminders, services
from evaluation.models import Review, ReviewEvent, ReviewState
from evaluation.reminders import TEAM
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
    """Daily: reviews due soon or overdue, items past their target time, expiring training."""
    today = timezone.localdate()
    return (
        reminders.review_reminders(today=today)
        + reminders.ageing_reminders()
        + reminders.training_reminders(today=today)
    )
