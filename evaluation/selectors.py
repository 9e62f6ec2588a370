"""Reads for evaluation pages (reviews and recertifications) and for DCCT's watch lists."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from accounts import permissions as account_permissions
from accounts.models import Account, AccountMember, AccountState
from evaluation import permissions
from evaluation.models import (
    RECERTIFICATION_STATES,
    STATES,
    MetricValue,
    Recertification,
    RecertificationEvent,
    RecertificationState,
    Review,
    ReviewState,
    add_months,
)
from people import roles
from people.models import TrainingRecord


def dormant_accounts(*, today: datetime.date):
    """Live accounts with no review submitted and no figures imported for
    settings.DORMANT_AFTER_MONTHS months (and live for at least that long): read from the
    latest of those kept on the account (last_activity_on, evaluation.services.in_use), through
    its partial index, rather than from every account's reviews and figures."""
    since = add_months(today, -settings.DORMANT_AFTER_MONTHS)
    return (
        Account.objects.filter(state=AccountState.LIVE)
        .filter(Q(last_activity_on__isnull=True) | Q(last_activity_on__lt=since))
        .filter(
            Q(went_live_on__lt=since) | Q(went_live_on__isnull=True, created_at__date__lt=since)
        )
        .select_related("platform", "office")
    )


def is_dormant(account, *, today) -> bool:
    return dormant_accounts(today=today).filter(pk=account.pk).exists()


def reviews_for(user):
    """Reviews this person reports on or may see: DCCT, HEC and the policy owner see all."""
    return Review.objects.filter(permissions.visible_to(user)).select_related(
        "account__platform", "account__office"
    )


def review_for_page(pk):
    return (
        Review.objects.select_related(
            "account__platform",
            "account__office__head",
            "submitted_by",
            "assessed_by",
            "account__review_schedule",
        )
        .prefetch_related(
            "account__members",
            "account__kpis",
            Prefetch("values", queryset=MetricValue.objects.select_related("kpi")),
        )
        .get(pk=pk)
    )


def kpi_history(account):
    """KPI values of assessed and submitted reviews over time, for the account's chart."""
    values = (
        MetricValue.objects.filter(
            review__account=account,
            review__state__in=[ReviewState.SUBMITTED, ReviewState.ASSESSED],
        )
        .select_related("kpi", "review")
        .order_by("review__period_end")
    )
    series = {}
    for value in values:
        entry = series.setdefault(
            value.kpi_id,
            {
                "metric": value.kpi.metric,
                "unit": value.kpi.unit,
                "target": float(value.kpi.target),
                "direction": value.kpi.direction,
                "points": [],
            },
        )
        entry["points"].append(
            {"period": f"{value.review.period_end:%-d %b %Y}", "value": float(value.value)}
        )
    return list(series.values())


def _item(review, what):
    return {
        "kind": "Review",
        "title": f"Review of {review.account}, {review.period_label}",
        "url": review.get_absolute_url(),
        "what": what,
        "since": review.state_changed_at,
        "office": review.account.office,
        "platform": review.account.platform.name,
        "state": review.get_state_display(),
        "late": review.is_overdue(),
    }


def waiting_for(user, limit=50):
    """Reviews this person's team must report on, and, for DCCT, reviews to assess; then the
    recertifications waiting for them (recertifications_waiting_for)."""
    listed = Review.objects.select_related("account__platform", "account__office").order_by(
        "due_on"
    )
    theirs = account_permissions.account_ids(user, offices=roles.offices_headed_ids(user))
    mine = listed.filter(
        state=ReviewState.DUE, account__state=AccountState.LIVE, account_id__in=theirs
    )[:limit]
    items = [
        _item(review, f"{STATES[ReviewState.DUE].to_do} by {review.due_on:%-d %b %Y}")
        for review in mine
    ]
    if permissions.works_review_queue(user):
        to_assess = listed.filter(state=ReviewState.SUBMITTED).prefetch_related("account__members")[
            :limit
        ]
        items += [
            _item(review, STATES[ReviewState.SUBMITTED].to_do)
            for review in to_assess
            if permissions.may_assess(review, user)
        ]
    return items + recertifications_waiting_for(user, limit)


def open_reviews_for(user):
    """The reviews this person may see that are still open (due or submitted), soonest due."""
    return (
        reviews_for(user)
        .filter(state__in=[ReviewState.DUE, ReviewState.SUBMITTED])
        .order_by("due_on")
    )


def reviews_of(user):
    """Recent reviews of the accounts this person helps run."""
    return (
        Review.objects.filter(account_permissions.helps_run(user, account="account_id"))
        .select_related("account__platform")
        .order_by("-period_end")
    )


# --- Yearly recertification ----------------------------------------------------------------------

RS = RecertificationState


def _grace_cutoff(today: datetime.date) -> datetime.date:
    """A recertification due before this day is overdue past the grace period."""
    return today - datetime.timedelta(days=settings.RECERTIFICATION_GRACE_DAYS)


def recertifications_for(user):
    """Recertifications this person may see: of the accounts they see."""
    return Recertification.objects.filter(permissions.visible_to(user)).select_related(
        "account__platform", "account__office"
    )


def open_recertifications():
    """Open (waiting for the owner) recertifications of live accounts, through the partial
    index on open ones."""
    return Recertification.objects.filter(state=RS.OPEN, account__state=AccountState.LIVE)


def overdue_recertifications(*, today: datetime.date):
    return open_recertifications().filter(due_on__lt=today)


def not_recertified_accounts(*, today: datetime.date):
    """Live accounts whose recertification is overdue past settings.RECERTIFICATION_GRACE_DAYS:
    candidates for closure."""
    late = Recertification.objects.filter(
        account=OuterRef("pk"), state=RS.OPEN, due_on__lt=_grace_cutoff(today)
    )
    return Account.objects.filter(Exists(late), state=AccountState.LIVE)


def recertification_for_page(pk):
    """A recertification with what its page shows: the account's current team and their
    training (for the questions), the set-up record (where the sign-in is kept), the people."""
    return (
        Recertification.objects.select_related(
            "account__platform",
            "account__office__head",
            "account__setup",
            "submitted_by",
            "followed_up_by",
        )
        .prefetch_related(
            Prefetch(
                "account__members",
                queryset=AccountMember.objects.filter(removed_on__isnull=True)
                .select_related("person")
                .prefetch_related(
                    Prefetch("person__training_records", queryset=TrainingRecord.objects.all())
                ),
            )
        )
        .get(pk=pk)
    )


def recertification_log(recertification):
    return RecertificationEvent.objects.filter(recertification=recertification).select_related(
        "actor"
    )


def _recertification_item(recertification, what, *, late=False):
    account = recertification.account
    return {
        "kind": "Recertification",
        "title": f"Recertification of {account}, {recertification.due_label}",
        "url": recertification.get_absolute_url(),
        "what": what,
        "since": recertification.state_changed_at,
        "office": account.office,
        "platform": account.platform.name,
        "state": recertification.get_state_display(),
        "late": late,
    }


def _without_current_owner(accounts):
    """The accounts with no owner who can still sign in (what permissions.current_owners finds
    empty), through an EXISTS."""
    current_owner = AccountMember.objects.filter(
        account=OuterRef("pk"),
        role=AccountMember.Role.OWNER,
        removed_on__isnull=True,
        person__is_active=True,
    )
    return accounts.exclude(Exists(current_owner))


def recertifications_waiting_for(user, limit=50):
    """The open recertifications of the accounts this person owns, and, for an office head,
    those of the office's accounts without a current owner (permissions.may_recertify); for
    DCCT, the follow-ups they may close and the recertifications overdue (chase the owner; past
    the grace period, consider closure)."""
    today = timezone.localdate()
    listed = Recertification.objects.select_related(
        "account__platform", "account__office"
    ).order_by("due_on")
    # Account ids as a UNION of indexed lookups: an OR would test every open recertification.
    answers_for = account_permissions.account_ids(user, role="owner")
    headed = roles.offices_headed_ids(user)
    if headed:
        unowned = _without_current_owner(Account.objects.filter(office_id__in=headed))
        answers_for = answers_for.union(unowned.order_by().values("pk"), all=True)
    owned = open_recertifications().filter(account_id__in=answers_for)
    items = [
        _recertification_item(
            recertification,
            f"{RECERTIFICATION_STATES[RS.OPEN].to_do} by {recertification.due_on:%-d %b %Y}",
            late=recertification.is_overdue(today),
        )
        for recertification in owned.select_related(
            "account__platform", "account__office"
        ).order_by("due_on")[:limit]
    ]
    if permissions.works_recertification_queue(user):
        follow_ups = listed.filter(state=RS.NEEDS_FOLLOW_UP).prefetch_related("account__members")[
            :limit
        ]
        items += [
            _recertification_item(recertification, RECERTIFICATION_STATES[RS.NEEDS_FOLLOW_UP].to_do)
            for recertification in follow_ups
            if permissions.may_close_follow_up(recertification, user)
        ]
        overdue = (
            overdue_recertifications(today=today)
            .select_related("account__platform", "account__office")
            .order_by("due_on")[:limit]
        )
        items += [
            _recertification_item(
                recertification,
                "Not recertified: consider proposing closure"
                if recertification.past_grace(today)
                else f"Overdue since {recertification.due_on:%-d %b %Y}: chase the owner",
                late=recertification.past_grace(today),
            )
            for recertification in overdue
        ]
    return items


def not_recertified_marks(accounts, user) -> dict[int, list[str]]:
    """For the account register: the accounts on this page whose recertification is overdue
    past the grace period, each with its mark (one query for the page)."""
    today = timezone.localdate()
    late = Recertification.objects.filter(
        account_id__in=[account.pk for account in accounts],
        state=RS.OPEN,
        due_on__lt=_grace_cutoff(today),
        account__state=AccountState.LIVE,
    ).values_list("account_id", "due_on")
    return {account_id: [f"Not recertified: due {due_on:%-d %b %Y}"] for account_id, due_on in late}
