"""Reads for evaluation pages and for DCCT's watch lists."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q

from accounts import permissions as account_permissions
from accounts.models import Account, AccountState
from evaluation import permissions
from evaluation.models import (
    STATES,
    MetricObservation,
    MetricValue,
    Review,
    ReviewState,
    add_months,
)
from people import roles


def dormant_accounts(*, today: datetime.date):
    """Live accounts with no review submitted and no figures imported for
    settings.DORMANT_AFTER_MONTHS months (and live for at least that long)."""
    since = add_months(today, -settings.DORMANT_AFTER_MONTHS)
    recent_review = Review.objects.filter(account=OuterRef("pk"), submitted_at__date__gte=since)
    recent_figures = MetricObservation.objects.filter(account=OuterRef("pk"), day__gte=since)
    return (
        Account.objects.filter(state=AccountState.LIVE)
        .filter(
            Q(went_live_on__lt=since) | Q(went_live_on__isnull=True, created_at__date__lt=since)
        )
        .exclude(Exists(recent_review))
        .exclude(Exists(recent_figures))
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
    """Reviews this person's team must report on, and, for DCCT, reviews to assess."""
    listed = Review.objects.select_related("account__platform", "account__office").order_by(
        "due_on"
    )
    office_ids = list(roles.offices_headed_ids(user))
    mine = listed.filter(state=ReviewState.DUE, account__state=AccountState.LIVE).filter(
        Q(account__office_id__in=office_ids)
        | account_permissions.helps_run(user, account="account_id")
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
    return items


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
