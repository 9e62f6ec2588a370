"""Reminders, each sent once per item and stage (the Notification outbox's key says which):
reviews and yearly recertifications about to fall due or overdue, items waiting too long in any
workflow queue, and training about to expire."""

import datetime

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import apnumber
from django.db.models import Prefetch
from django.utils import timezone

from accounts import notifications as account_notices
from accounts.models import Account, AccountMember, AccountState
from evaluation.models import Recertification, RecertificationState, Review, ReviewState
from evaluation.notifications import recertification_owners
from people import policy, roles
from people.models import TrainingRecord
from proposals import notifications as proposal_notices
from proposals.models import Proposal
from workflow.models import NoticeKind
from workflow.notifications import tell

TEAM = Prefetch(
    "account__members",
    queryset=AccountMember.objects.filter(removed_on__isnull=True).select_related("person"),
)


def _team(review):
    return [member.person for member in review.account.members.all()]


def due_in(due_on: datetime.date, today: datetime.date) -> str:
    """When something falls due, counted from `today`: "due today", "due tomorrow", "due in 3
    days" (a reminder sent late in its window says how long is really left)."""
    days = (due_on - today).days
    if days <= 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    return f"due in {days} days"


def review_reminders(*, today: datetime.date) -> int:
    """Before a review is due, to the team; once overdue, to the team; some days later, to the
    office head too (both in people/policy.py). DCCT sees overdue reviews on its dashboard."""
    before = policy.REVIEW_REMINDER_DAYS_BEFORE
    head_after = policy.REVIEW_OVERDUE_TELLS_HEAD_AFTER_DAYS
    sent = 0
    # Only live accounts are chased: a review left open when an account closed is moot.
    open_reviews = (
        Review.objects.filter(state=ReviewState.DUE, account__state=AccountState.LIVE)
        .select_related("account__office__head", "account__platform")
        .prefetch_related(TEAM)
    )
    # A window, not a day: the job runs on working days only, and the key sends it once.
    soon = open_reviews.filter(
        due_on__gte=today, due_on__lte=today + datetime.timedelta(days=before)
    )
    for review in soon.iterator(chunk_size=500):
        sent += tell(
            f"review:{review.pk}:due-in-7-days",  # the stage's name in the outbox: kept as sent
            _team(review),
            f"Review of {review.account.display_name} {due_in(review.due_on, today)}",
            f"The review for {review.period_label} is due on "
            f"{review.due_on:%-d %B %Y}: the figures for each KPI, what went well "
            "and what did not, and the hours it took.",
            review.get_absolute_url(),
            kind=NoticeKind.REMINDER,
        )
    for review in open_reviews.filter(due_on__lt=today).iterator(chunk_size=500):
        sent += tell(
            f"review:{review.pk}:overdue",
            _team(review),
            f"Overdue: review of {review.account.display_name}",
            f"The review for {review.period_label} was due on {review.due_on:%-d %B %Y}.",
            review.get_absolute_url(),
            kind=NoticeKind.REMINDER,
        )
        if review.due_on < today - datetime.timedelta(days=head_after):
            sent += tell(
                f"review:{review.pk}:overdue-office-head",
                [review.account.office.head],
                f"Overdue {head_after} days: review of {review.account.display_name}",
                f"Your office's review of {review.account.display_name} for "
                f"{review.period_label} was due on {review.due_on:%-d %B %Y} and has "
                "not been submitted.",
                review.get_absolute_url(),
                kind=NoticeKind.REMINDER,
            )
    return sent


def _older_than(days):
    return timezone.now() - datetime.timedelta(days=days)


def ageing_reminders(*, now=None) -> int:
    """Items waiting in a queue past their target time (settings.WORKFLOW_TARGET_DAYS) remind
    whoever holds them (their state table's holder), once per item and time it entered the
    state."""
    targets = settings.WORKFLOW_TARGET_DAYS
    teams = roles.teams()
    sent = 0
    queues = [
        (Proposal, proposal_notices.holders, ["office__head", "proposer__line_manager"], []),
        (Account, account_notices.holders, ["office__head", "platform"], ["members__person"]),
    ]
    for model, holders, related, prefetched in queues:
        for state, row in model.STATES.items():
            if not row.holder or state not in targets:
                continue
            waiting = (
                model.objects.filter(state=state, state_changed_at__lt=_older_than(targets[state]))
                .select_related(*related)
                .prefetch_related(*prefetched)
            )
            for item in waiting.iterator(chunk_size=500):
                sent += tell(
                    f"ageing:{model._meta.model_name}:{item.pk}:{state}:"
                    f"{item.state_changed_at:%Y%m%d%H%M%S}",
                    holders(item, teams=teams),
                    f"Waiting: {item}",
                    f"{item} has been “{item.get_state_display()}” since "
                    f"{item.state_changed_at:%-d %B %Y}, longer than the {targets[state]} days "
                    "we aim for.",
                    item.get_absolute_url(),
                    kind=NoticeKind.REMINDER,
                )
    sent += account_notices.remind_of_waiting_reports(teams=teams)
    submitted = Review.objects.filter(
        state=ReviewState.SUBMITTED, state_changed_at__lt=_older_than(targets["review_submitted"])
    ).select_related("account")
    for review in submitted.iterator(chunk_size=500):
        sent += tell(
            f"ageing:review:{review.pk}:submitted",
            teams["dcct"],
            f"Waiting for assessment: review of {review.account.display_name}",
            f"Submitted on {review.submitted_at:%-d %B %Y} and not yet assessed.",
            review.get_absolute_url(),
            kind=NoticeKind.REMINDER,
        )
    follow_ups = Recertification.objects.filter(
        state=RecertificationState.NEEDS_FOLLOW_UP,
        state_changed_at__lt=_older_than(targets["recertification_needs_follow_up"]),
    ).select_related("account")
    for recertification in follow_ups.iterator(chunk_size=500):
        sent += tell(
            f"ageing:recertification:{recertification.pk}:needs_follow_up",
            teams["dcct"],
            f"Waiting for follow-up: recertification of {recertification.account.display_name}",
            f"The owner answered no on {recertification.submitted_at:%-d %B %Y}; the follow-up "
            "is not yet closed.",
            recertification.get_absolute_url(),
            kind=NoticeKind.REMINDER,
        )
    return sent


def recertification_reminders(*, today: datetime.date) -> int:
    """Yearly recertifications: the owner hears some days before one is due and once it is
    overdue; the office head too once it has been overdue some days more (people/policy.py).
    Past settings.RECERTIFICATION_GRACE_DAYS DCCT sees it among the candidates for closure."""
    before = policy.RECERTIFICATION_REMINDER_DAYS_BEFORE
    head_after = policy.RECERTIFICATION_OVERDUE_TELLS_HEAD_AFTER_DAYS
    sent = 0
    # Only live accounts are chased: one closing or closed has other business.
    open_ones = (
        Recertification.objects.filter(
            state=RecertificationState.OPEN, account__state=AccountState.LIVE
        )
        .select_related("account__office__head", "account__platform")
        .prefetch_related(TEAM)
    )
    # A window, not a day: the job runs on working days only, and the key sends it once.
    soon = open_ones.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=before))
    for recertification in soon.iterator(chunk_size=500):
        account = recertification.account
        sent += tell(
            f"recertification:{recertification.pk}:due-in-{before}-days",
            recertification_owners(account),
            f"Recertification of {account.display_name} {due_in(recertification.due_on, today)}",
            f"The yearly recertification of {account.display_name} on {account.platform} is "
            f"due on {recertification.due_on:%-d %B %Y}: confirm the team, its training, where "
            "the sign-in is held and that the account is still needed.",
            recertification.get_absolute_url(),
            kind=NoticeKind.REMINDER,
        )
    for recertification in open_ones.filter(due_on__lt=today).iterator(chunk_size=500):
        account = recertification.account
        sent += tell(
            f"recertification:{recertification.pk}:overdue",
            recertification_owners(account),
            f"Overdue: recertification of {account.display_name}",
            f"The yearly recertification of {account.display_name} was due on "
            f"{recertification.due_on:%-d %B %Y}. An account not recertified within "
            f"{settings.RECERTIFICATION_GRACE_DAYS} days of its date may be proposed for closure.",
            recertification.get_absolute_url(),
            kind=NoticeKind.REMINDER,
        )
        if recertification.due_on < today - datetime.timedelta(days=head_after):
            sent += tell(
                f"recertification:{recertification.pk}:overdue-office-head",
                [account.office.head],
                f"Overdue {head_after} days: recertification of {account.display_name}",
                f"Your office's account {account.display_name} on {account.platform} was due "
                f"to be recertified by its owner on {recertification.due_on:%-d %B %Y} and has "
                "not been. If its owner has left, make someone else owner so they can do it, or "
                "recertify it yourself while it has none.",
                recertification.get_absolute_url(),
                kind=NoticeKind.REMINDER,
            )
    return sent


def training_reminders(*, today: datetime.date) -> int:
    """Training that expires soon (policy.TRAINING_EXPIRY_WARNING_DAYS): the person hears once per
    training record."""
    expiring = TrainingRecord.objects.filter(
        expires_on__gte=today,
        expires_on__lte=today + datetime.timedelta(days=policy.TRAINING_EXPIRY_WARNING_DAYS),
        person__is_active=True,
    ).select_related("person")
    sent = 0
    for record in expiring.iterator(chunk_size=500):
        sent += tell(
            f"training:{record.pk}:expiring",
            [record.person],
            f"Your training “{record.course}” expires soon",
            f"Your training “{record.course}” expires on "
            f"{record.expires_on:%-d %B %Y}. Ask DCCT for a refresher, so that the "
            f"accounts you help run keep {apnumber(policy.MIN_TRAINED_TEAM)} trained people.",
            "/",
            kind=NoticeKind.REMINDER,
        )
    return sent
