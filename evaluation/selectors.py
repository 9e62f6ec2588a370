"""Reads for evaluation pages (reviews and recertifications) and for DCCT's watch lists."""

import datetime
import heapq

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from accounts import permissions as account_permissions
from accounts.models import Account, AccountMember, AccountState
from evaluation import permissions
from evaluation.models import (
    RECERTIFICATION_STATES,
    STATES,
    MetricObservation,
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
from workflow.planning import joins_as_written
from workflow.waiting import Kind, Source

READING_TRUSTED_DAYS = 14  # how long a reading of the platform decides dormancy


def dormant_accounts(*, today: datetime.date):
    """Live accounts that have not posted for settings.DORMANT_AFTER_MONTHS months, where their
    platform says when they last did; elsewhere, with no review submitted and no figures
    imported for that long (and live for at least that long): read from the
    latest of those kept on the account (last_activity_on, evaluation.services.in_use), through
    its partial index, rather than from every account's reviews and figures."""
    since = add_months(today, -settings.DORMANT_AFTER_MONTHS)
    # Where the platform says when the account last posted (evaluation/activity.py), that
    # decides; elsewhere, the team's reviews and imported figures.
    posted_before = timezone.make_aware(datetime.datetime.combine(since, datetime.time()))
    # Only a recent reading is believed: an account no longer read (renamed, gone private)
    # falls back on the team's reviews and figures.
    read_since = timezone.make_aware(
        datetime.datetime.combine(
            today - datetime.timedelta(days=READING_TRUSTED_DAYS), datetime.time()
        )
    )
    read = Q(last_post_at__isnull=False, activity_read_at__gte=read_since)
    silent = (read & Q(last_post_at__lt=posted_before)) | (
        ~read & (Q(last_activity_on__isnull=True) | Q(last_activity_on__lt=since))
    )
    return (
        Account.objects.filter(state=AccountState.LIVE)
        .filter(silent)
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
    with joins_as_written():
        return _review_for_page(pk)


def _review_for_page(pk):
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


def kpi_history(account, *, since: datetime.date | None = None):
    """KPI values of assessed and submitted reviews over time, for the account's chart; then
    the figures read from its platform every day since (evaluation/activity.py), the last of
    each week, marked as read. `since`: only periods ending and readings taken from that day
    on (the page shows the last few years: a ten-year-old account's whole history would be
    hundreds of points, and the page would slow with the account's age)."""
    values = _charted_values(account)
    readings = _charted_readings(account)
    if since is not None:
        values = values.filter(review__period_end__gte=since)
        readings = readings.filter(day__gte=since)
    series = {}
    kpi_fields = ("kpi_id", "kpi__metric", "kpi__unit", "kpi__target", "kpi__direction")

    def entry(kpi_id, metric, unit, target, direction):
        return series.setdefault(
            kpi_id,
            {
                "metric": metric,
                "unit": unit,
                "target": float(target),
                "direction": direction,
                "points": [],
                "last_day": None,
            },
        )

    # Plain rows, not model instances: a point is a date and a number.
    for period_end, value, *kpi in values.order_by("review__period_end").values_list(
        "review__period_end", "value", *kpi_fields
    ):
        line = entry(*kpi)
        line["points"].append({"period": f"{period_end:%-d %b %Y}", "value": float(value)})
        line["last_day"] = period_end
    weekly = {}
    for day, value, read_from, *kpi in readings.order_by("day").values_list(
        "day", "value", "read_from", *kpi_fields
    ):
        last_day = series.get(kpi[0], {}).get("last_day")
        if last_day is None or day >= last_day:
            weekly[(kpi[0], day.isocalendar()[:2])] = (day, value, read_from, kpi)
    for day, value, read_from, kpi in weekly.values():
        entry(*kpi)["points"].append(
            {"period": f"{day:%-d %b %Y}", "value": float(value), "read_from": read_from}
        )
    for line in series.values():
        del line["last_day"]
    return list(series.values())


def _charted_values(account):
    return MetricValue.objects.filter(
        review__account=account,
        review__state__in=[ReviewState.SUBMITTED, ReviewState.ASSESSED],
    )


def _charted_readings(account):
    return MetricObservation.objects.filter(account=account, kpi__active=True).exclude(read_from="")


def has_figures_before(account, day: datetime.date) -> bool:
    """Whether the account's charts leave out anything before `day`: a review's figures for a
    period ending, or a reading from its platform taken, before it."""
    return (
        _charted_values(account).filter(review__period_end__lt=day).exists()
        or _charted_readings(account).filter(day__lt=day).exists()
    )


def has_figures(account) -> bool:
    """Whether `all_figures` has anything to give: a review's figures, or a figure imported or
    read from its platform."""
    return (
        _charted_values(account).exists()
        or MetricObservation.objects.filter(account=account).exists()
    )


FIGURE_COLUMNS = ["Period end or day", "KPI", "Unit", "Value", "Target", "From"]


def all_figures(account):
    """Every figure the account has, oldest first, as rows of FIGURE_COLUMNS: each submitted or
    assessed review's KPI values (by the end of its period), and every figure imported or read
    from its platform (by its day); on the same day, the review's first."""
    values = (
        _charted_values(account)
        .order_by("review__period_end", "kpi__metric", "pk")
        .values_list(
            "review__period_end", "kpi__metric", "kpi__unit", "value", "target", "kpi__target"
        )
    )
    observations = (
        MetricObservation.objects.filter(account=account)
        .order_by("day", "kpi__metric", "pk")
        .values_list("day", "kpi__metric", "kpi__unit", "value", "kpi__target", "read_from")
    )

    def reviewed():
        for period_end, metric, unit, value, target, kpi_target in values.iterator(1000):
            # The target in force when the figures were reported, where one was kept.
            target = kpi_target if target is None else target
            yield [period_end.isoformat(), metric, unit, value, target, "Review"]

    def observed():
        for day, metric, unit, value, target, read_from in observations.iterator(1000):
            source = f"Read from {read_from}" if read_from else "Imported"
            yield [day.isoformat(), metric, unit, value, target, source]

    # ISO dates sort as the days do; heapq.merge keeps the reviews first on a tie.
    return heapq.merge(reviewed(), observed(), key=lambda row: row[0])


def _item(review, user):
    what = STATES[review.state].to_do
    if review.state == ReviewState.DUE:
        what = f"{what} by {review.due_on:%-d %b %Y}"
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


WAITING = Kind("review", Review, _item, related=("account__platform", "account__office"))


def _not_theirs(objects, user):
    """Without the reviews (or recertifications) of accounts this person helps run or heads,
    and those they submitted: DCCT never judges their own (permissions.may_assess,
    may_close_follow_up)."""
    return (
        objects.exclude(account_permissions.helps_run(user, account="account_id"))
        .exclude(account__office_id__in=roles.offices_headed_ids(user))
        .exclude(submitted_by=user)
    )


def waiting_for(user) -> list[Source]:
    """Reviews this person's team must report on, and, for DCCT, reviews to assess; then the
    recertifications waiting for them (recertifications_waiting_for)."""
    theirs = account_permissions.account_ids(user, offices=roles.offices_headed_ids(user))
    mine = Review.objects.filter(
        state=ReviewState.DUE, account__state=AccountState.LIVE, account_id__in=theirs
    )
    sources = [Source(WAITING, mine)]
    if permissions.works_review_queue(user):
        to_assess = Review.objects.filter(state=ReviewState.SUBMITTED)
        sources.append(Source(WAITING, _not_theirs(to_assess, user)))
    return sources + recertifications_waiting_for(user)


def open_reviews_for(user):
    """The reviews this person may see that are still open (due or submitted), soonest due."""
    return (
        reviews_for(user)
        .filter(state__in=[ReviewState.DUE, ReviewState.SUBMITTED])
        .order_by("due_on")
    )


def reviews_of(user, *, today=None):
    """The reviews of the last year of the accounts this person helps run, latest first (read
    through each account's reviews by date, however long their histories)."""
    since = add_months(today or timezone.localdate(), -12)
    return (
        Review.objects.filter(
            account_permissions.helps_run(user, account="account_id"), period_end__gte=since
        )
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
    late = Recertification.objects.filter(state=RS.OPEN, due_on__lt=_grace_cutoff(today))
    # Their keys first (a few hundred at most, from a partial index): with a join or EXISTS,
    # PostgreSQL reads every live account to find the few that are late.
    return Account.objects.filter(
        pk__in=list(late.values_list("account_id", flat=True)), state=AccountState.LIVE
    )


def recertification_for_page(pk):
    """A recertification with what its page shows: the account's current team and their
    training (for the questions), the set-up record (where the sign-in is kept), the people."""
    with joins_as_written():
        return _recertification_for_page(pk)


def _recertification_for_page(pk):
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


def _recertification_item(recertification, user):
    """A recertification waiting for its owner (or office head), or for DCCT: a follow-up to
    close, or an overdue one to chase (past the grace period, to consider closing)."""
    account = recertification.account
    today = timezone.localdate()
    late = False
    what = RECERTIFICATION_STATES[recertification.state].to_do
    if recertification.state == RS.OPEN:
        if permissions.may_recertify(recertification, user):
            what = f"{what} by {recertification.due_on:%-d %b %Y}"
            late = recertification.is_overdue(today)
        elif recertification.past_grace(today):
            what, late = "Not recertified: consider proposing closure", True
        else:
            what = f"Overdue since {recertification.due_on:%-d %b %Y}: chase the owner"
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


WAITING_RECERTIFICATION = Kind(
    "recertification",
    Recertification,
    _recertification_item,
    related=("account__platform", "account__office"),
    prefetch=("account__members__person",),
)


def recertifications_waiting_for(user) -> list[Source]:
    """The open recertifications of the accounts this person owns, and, for an office head,
    those of the office's accounts without a current owner (permissions.may_recertify); for
    DCCT, the follow-ups they may close and the recertifications overdue (chase the owner; past
    the grace period, consider closure)."""
    owned = Q(account_id__in=account_permissions.account_ids(user, role="owner"))
    # An office head answers for the office's accounts with no owner who can still sign in:
    # tested on the open recertifications only, never on every account of the office. An
    # account this person owns has a current owner, so none is listed twice.
    current_owner = AccountMember.objects.filter(
        account=OuterRef("account_id"),
        role=AccountMember.Role.OWNER,
        removed_on__isnull=True,
        person__is_active=True,
    )
    unowned = Q(account__office_id__in=roles.offices_headed_ids(user)) & ~Q(Exists(current_owner))
    sources = [
        Source(WAITING_RECERTIFICATION, open_recertifications().filter(owned)),
        Source(WAITING_RECERTIFICATION, open_recertifications().filter(unowned)),
    ]
    if permissions.works_recertification_queue(user):
        follow_ups = Recertification.objects.filter(state=RS.NEEDS_FOLLOW_UP)
        # Those they answer for themselves are listed once, above.
        overdue = overdue_recertifications(today=timezone.localdate()).exclude(owned | unowned)
        sources += [
            Source(WAITING_RECERTIFICATION, _not_theirs(follow_ups, user)),
            Source(WAITING_RECERTIFICATION, overdue),
        ]
    return sources


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
