"""Evaluation (DESIGN.md section 4, Review): evaluation plans for live accounts, reviews raised
when due, the team's report, DCCT's assessment and what it leads to, KPIs and imported
figures; and each live account's yearly recertification by its owner, with DCCT's follow-up of
any answer "no"."""

import datetime
import functools
import logging
import operator
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Case, DateField, Exists, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from accounts import permissions as account_permissions
from accounts import services as account_services
from accounts.handles import browser_reading
from accounts.models import Account, AccountEvent, AccountState
from evaluation import activity, permissions
from evaluation.models import (
    KPI,
    OPEN_RECERTIFICATION_STATES,
    RECERTIFICATION_FIELDS,
    Aggregation,
    MetricObservation,
    MetricValue,
    Outcome,
    Recertification,
    RecertificationEvent,
    RecertificationSchedule,
    RecertificationState,
    Review,
    ReviewEvent,
    ReviewSchedule,
    ReviewState,
    add_months,
    training_contradiction,
)
from people import policy
from workflow import transitions
from workflow.models import REMOVED, removed, save_fields
from workflow.permissions import require

logger = logging.getLogger(__name__)

# Enough to catch up a monthly account after years without the job; each pass is one query.
MAX_CATCH_UP_PASSES = 60


def ensure_evaluation_plans(*, today: datetime.date, account_ids=None) -> int:
    """Give every live account without one (or those of `account_ids`) a review schedule (the
    first review policy.FIRST_REVIEW_AFTER_MONTHS after it went live) and the KPIs of its
    proposal. Safe to run twice: schedules are one per account."""
    live = Account.objects.filter(state=AccountState.LIVE)
    if account_ids is not None:
        live = live.filter(pk__in=account_ids)
    missing = (
        live.exclude(Exists(ReviewSchedule.objects.filter(account=OuterRef("pk"))))
        # KPIs DCCT set during set-up are kept; the proposal's are copied only where none are.
        .annotate(has_kpis=Exists(KPI.objects.filter(account=OuterRef("pk"))))
        .select_related("proposal")
        .prefetch_related("proposal__kpis")
    )
    created = 0
    batch, kpis = [], []
    for account in missing.iterator(chunk_size=2000):
        start = account.went_live_on or today
        frequency = (
            account.proposal.review_frequency
            if account.proposal_id
            else policy.ReviewFrequency.QUARTERLY
        )
        batch.append(
            ReviewSchedule(
                account=account,
                frequency=frequency,
                period_start=start,
                next_due_on=add_months(start, policy.FIRST_REVIEW_AFTER_MONTHS),
                anchor_day=start.day,
            )
        )
        if account.proposal_id and not account.has_kpis:
            kpis.extend(
                KPI(
                    account=account,
                    metric=kpi.metric,
                    unit=kpi.unit,
                    target=kpi.target,
                    direction=kpi.direction,
                )
                for kpi in account.proposal.kpis.all()
            )
        if len(batch) >= 2000:
            created += len(ReviewSchedule.objects.bulk_create(batch, ignore_conflicts=True))
            batch = []
    created += len(ReviewSchedule.objects.bulk_create(batch, ignore_conflicts=True))
    KPI.objects.bulk_create(kpis, ignore_conflicts=True)
    return created


def raise_due_reviews(*, today: datetime.date) -> tuple[int, list[datetime.date]]:
    """Create the review of every live account whose period has ended, and move its schedule
    on. In bulk: per due date, one INSERT ... SELECT and one UPDATE, whatever the number of
    accounts. Returns how many schedules this run moved on (the reviews it raised) and the
    period ends they close.

    Idempotent and safe to run concurrently: a review is unique per account and period
    (ON CONFLICT DO NOTHING), and a schedule moves on only from the date this run read
    (compare-and-swap), so two runs never skip or double a period."""
    ensure_evaluation_plans(today=today)
    raised, period_ends, failed = 0, set(), set()
    for _ in range(MAX_CATCH_UP_PASSES):
        # The accounts by a subquery, not a join: an UPDATE through a join is made a filter on
        # ids, and a schedule changed meanwhile would not be read again against the rest.
        live = Account.objects.filter(state=AccountState.LIVE).values("pk")
        due = ReviewSchedule.objects.filter(next_due_on__lte=today, account__in=live).exclude(
            pk__in=failed
        )  # a schedule that failed is tried again on the next run
        groups = list(due.values_list("frequency", "next_due_on", "anchor_day").distinct())
        if not groups:
            break
        by_period_end = defaultdict(list)
        for frequency, period_end, anchor_day in groups:
            by_period_end[period_end].append((frequency, anchor_day))
        with transaction.atomic():
            for period_end in sorted(by_period_end):
                failed |= _insert_reviews_isolated(period_end, skip=failed)
            for period_end, kinds in by_period_end.items():
                raised += _move_schedules_on(due, period_end, kinds, skip=failed)
                period_ends.add(period_end)
    return raised, sorted(period_ends)


def _move_schedules_on(due, period_end, kinds, skip) -> int:
    """Start the next period of the schedules in `due` whose period ends on `period_end`, in
    one UPDATE: the next due date of each (frequency, anchor day) in `kinds` is worked out
    here and chosen row by row with a CASE. A schedule of a kind not read (set up meanwhile)
    is left for the next pass, as is one in `skip`."""
    next_due = {
        kind: add_months(period_end, policy.REVIEW_FREQUENCY_MONTHS[kind[0]], kind[1])
        for kind in kinds
    }
    of_kind = functools.reduce(
        operator.or_,
        (Q(frequency=frequency, anchor_day=anchor_day) for frequency, anchor_day in kinds),
    )
    # Each row's own values, as a concurrent change (a new frequency) left them, choose its
    # next due date; one whose kind no longer matches is left as it is (the filter reads it
    # again too) for the next pass.
    return (
        due.filter(of_kind, next_due_on=period_end)
        .exclude(pk__in=skip)
        .update(
            period_start=Case(
                When(of_kind, then=Value(period_end)),
                default=F("period_start"),
                output_field=DateField(),
            ),
            next_due_on=Case(
                *(
                    When(frequency=frequency, anchor_day=anchor_day, then=Value(day))
                    for (frequency, anchor_day), day in next_due.items()
                ),
                default=F("next_due_on"),
                output_field=DateField(),
            ),
        )
    )


def _insert_reviews_isolated(period_end: datetime.date, skip=frozenset()) -> set[int]:
    """Raise the reviews ending on `period_end` in one statement; if that fails (or some
    schedules already failed in this run, `skip`), one account at a time, so that one bad row
    never stops the others. Returns the schedules that failed (logged once; they stay where
    they are and are tried again on the next run)."""
    if not skip:
        try:
            with transaction.atomic():
                _insert_reviews(period_end)
            return set()
        except DatabaseError:
            logger.exception("Raising the reviews ending %s in bulk failed; one by one", period_end)
    failed = set()
    schedules = (
        ReviewSchedule.objects.filter(next_due_on=period_end, account__state=AccountState.LIVE)
        .exclude(pk__in=skip)
        .values_list("pk", "account_id")
    )
    for schedule_id, account_id in schedules:
        try:
            with transaction.atomic():
                _insert_reviews(period_end, schedule_id=schedule_id)
        except DatabaseError:
            logger.exception("Could not raise the review of account %s", account_id)
            failed.add(schedule_id)
    return failed


def _insert_reviews(period_end: datetime.date, schedule_id=None) -> None:
    """INSERT ... SELECT the reviews of every live account whose period ends on `period_end`
    (or only that of `schedule_id`), in the database, without loading a row into Python
    (PostgreSQL and SQLite alike)."""
    quote = connection.ops.quote_name
    review, schedule, account = (
        Review._meta.db_table,
        ReviewSchedule._meta.db_table,
        Account._meta.db_table,
    )
    now, ops = timezone.now(), connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {quote(review)} (
                account_id, period_start, period_end, due_on, state, state_changed_at,
                created_at, went_well, not_well, outcome, assessment, action_plan
            )
            SELECT s.account_id, s.period_start, s.next_due_on, %s, %s, %s, %s,
                   '', '', '', '', ''
            FROM {quote(schedule)} s
            JOIN {quote(account)} a ON a.id = s.account_id
            WHERE s.next_due_on = %s AND a.state = %s {"AND s.id = %s" if schedule_id else ""}
            ON CONFLICT DO NOTHING
            """,
            # Table names come from the models; every value is a parameter.
            [
                ops.adapt_datefield_value(
                    period_end + datetime.timedelta(days=policy.DAYS_TO_SUBMIT_REVIEW)
                ),
                ReviewState.DUE.value,
                ops.adapt_datetimefield_value(now),
                ops.adapt_datetimefield_value(now),
                ops.adapt_datefield_value(period_end),
                AccountState.LIVE.value,
                *([schedule_id] if schedule_id else []),
            ],
        )


# --- The team's report and DCCT's assessment -----------------------------------------------------


def _act(
    *, review, actor, action, role, comment="", expected_state=None, prepare=None, record=None
):
    event = transitions.run(
        obj=review,
        action=action,
        actor=actor,
        actor_role=role,
        log=lambda **row: ReviewEvent.objects.create(review=review, **row),
        comment=comment,
        expected_state=expected_state,
        prepare=prepare,
        record=record,
        not_ready_reasons=review.missing_items(),
    )
    transitions.notify_after_commit(lambda: _notify(event.pk))
    return event


def _notify(event_id):
    from evaluation.tasks import notify_review_event

    notify_review_event.delay(event_id)


@transaction.atomic
def save_report(*, review, actor, values, went_well, not_well, hours_spent):
    """Save the team's figures and narrative; the review can be submitted once complete."""
    require(permissions.may_report, review, actor)
    # Lock the row, so that a report is never written into a review submitted meanwhile.
    if Review.objects.select_for_update().get(pk=review.pk).state != ReviewState.DUE:
        raise transitions.Changed(review)
    review.went_well = (went_well or "").strip()
    review.not_well = (not_well or "").strip()
    review.hours_spent = hours_spent
    review.full_clean(exclude=["state"])
    review.save(update_fields=["went_well", "not_well", "hours_spent"])
    for kpi, value in values.items():
        if value is None:
            MetricValue.objects.filter(review=review, kpi=kpi).delete()
        else:
            MetricValue.objects.update_or_create(
                review=review, kpi=kpi, defaults={"value": value, "target": kpi.target}
            )


@transaction.atomic
def submit_review(*, review, actor, comment="", expected_state=None):
    """Submit review: the team's figures and narrative go to DCCT."""

    def by():
        review.submitted_by = actor

    return _act(
        review=review,
        actor=actor,
        action="submit",
        role="Account team",
        comment=comment,
        expected_state=expected_state,
        prepare=by,
        record=lambda: note_activity(
            account_id=review.account_id, on=timezone.localdate(review.submitted_at)
        ),
    )


@transaction.atomic
def assess_review(
    *, review, actor, outcome, assessment, action_plan="", next_review_on=None, expected_state=None
):
    """Assess review: DCCT decides the account is effective, must improve (with an action plan
    and an earlier next review), or should close (which proposes its closure, with the review
    as the reason)."""
    errors = {}
    if not (assessment or "").strip():
        errors["assessment"] = "Give DCCT's assessment: the team will see it."
    if outcome == Outcome.IMPROVE:
        if not (action_plan or "").strip():
            errors["action_plan"] = "Agree an action plan for the improvement."
        if next_review_on is None:
            errors["next_review_on"] = "Bring the next review forward to a date."
        elif next_review_on <= timezone.localdate():
            errors["next_review_on"] = "The next review must be in the future."
        else:
            schedule = ReviewSchedule.objects.filter(account=review.account_id).first()
            if schedule is not None and next_review_on >= schedule.next_due_on:
                errors["next_review_on"] = (
                    f"Bring it forward: the next review is already due on "
                    f"{schedule.next_due_on:%-d %B %Y}."
                )
    if outcome == Outcome.CLOSE and review.account.state != AccountState.LIVE:
        errors["outcome"] = "Only a live account can be proposed for closure."
    if errors:
        raise ValidationError(errors)

    def record_assessment():
        review.outcome = outcome
        review.assessment = assessment.strip()
        review.action_plan = (action_plan or "").strip()
        review.assessed_by = actor

    def follow_up():
        schedule = review.account.review_schedule
        if outcome == Outcome.IMPROVE and next_review_on < schedule.next_due_on:
            ReviewSchedule.objects.filter(pk=schedule.pk).update(next_due_on=next_review_on)
        if outcome == Outcome.CLOSE:
            account_services.propose_closure(
                account=Account.objects.get(pk=review.account_id),
                actor=actor,
                reason="not_effective",
                explanation=f"Review of {review.period_label}: {review.assessment}",
            )

    return _act(
        review=review,
        actor=actor,
        action="assess",
        role="DCCT",
        comment=assessment,
        expected_state=expected_state,
        prepare=record_assessment,
        record=follow_up,
    )


# --- KPIs, frequency and imported figures ------------------------------------------------------


@transaction.atomic
def adjust_evaluation(*, account, actor, kpis: list[dict], frequency):
    """DCCT adjusts the account's KPIs and how often it is reviewed; the change is logged.

    `kpis` are rows of metric, unit, target, direction, aggregation and active, with the `id`
    of the KPI they change, or none for a new one. KPIs are retired, never deleted.

    Behind the account's lock (transitions.lock), so that two pages saved at the same moment
    are saved one after the other; a metric name another page has just taken is refused with
    a message, never left to the database's constraint (one KPI per metric)."""
    transitions.lock(account)
    require(permissions.may_adjust_kpis, account, actor)
    existing = {kpi.pk: kpi for kpi in account.kpis.all()}
    _check_metric_names(existing, kpis)
    added = changed = 0
    for row in kpis:
        values = {name: value for name, value in row.items() if name != "id"}
        if row.get("id") is None:
            kpi = KPI(account=account, **values)
            kpi.full_clean()
            kpi.save()
            added += 1
        elif row["id"] not in existing:
            raise ValidationError("A KPI of another account cannot be changed here.")
        elif any(getattr(existing[row["id"]], name) != value for name, value in values.items()):
            save_fields(existing[row["id"]], values)
            changed += 1
    changes = [f"{added} added, {changed} changed"]
    schedule = ReviewSchedule.objects.filter(account=account).first()
    if schedule is not None and frequency and frequency != schedule.frequency:
        changes.append(f"reviews now {dict(policy.ReviewFrequency.choices)[frequency].lower()}")
        schedule.frequency = frequency
        schedule.next_due_on = min(schedule.next_due_on, schedule.following(schedule.period_start))
        schedule.save(update_fields=["frequency", "next_due_on"])
    AccountEvent.objects.create(
        account=account,
        actor=actor,
        actor_role="DCCT",
        action="adjust_kpis",
        comment="KPIs: " + "; ".join(changes) + ".",
    )


def _check_metric_names(existing: dict, rows: list[dict]) -> None:
    """Each KPI of an account has its own metric name, whatever its case (the database's
    `one_kpi_per_metric`): checked on the KPIs as they will be once `rows` are saved."""
    names = {pk: kpi.metric for pk, kpi in existing.items()}
    new = []
    for row in rows:
        if row.get("id") is None:
            new.append(row["metric"])
        elif row["id"] in names:
            names[row["id"]] = row.get("metric", names[row["id"]])
    seen = set()
    for name in [*names.values(), *new]:
        if name.lower() in seen:
            raise ValidationError(
                f"This account already has a KPI called “{name}”: each KPI needs its own "
                "metric name. The page may be out of date (saved from another tab or by a "
                "colleague): reload it to see the KPIs as they are now."
            )
        seen.add(name.lower())


@transaction.atomic
def import_metrics(*, account, actor, rows) -> int:
    """Store the figures of an analytics export (validated rows); all of them or none. A figure
    for a day already imported is replaced."""
    require(permissions.may_import_metrics, account, actor)
    MetricObservation.objects.bulk_create(
        [
            MetricObservation(
                account=account, kpi=row.kpi, day=row.day, value=row.value, imported_by=actor
            )
            for row in rows
        ],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["kpi", "day"],
        update_fields=["value", "imported_by", "read_from"],  # a person's figure is no reading
    )
    if rows:
        note_activity(account_id=account.pk, on=max(row.day for row in rows))
    AccountEvent.objects.create(
        account=account,
        actor=actor,
        actor_role=account_permissions.acting_role(account, actor),
        action="import_metrics",
        comment=f"{len(rows)} figures imported.",
    )
    return len(rows)


# --- Dormancy ------------------------------------------------------------------------------------


def note_activity(*, account_id, on: datetime.date) -> None:
    """The account was seen in use on `on` (a review submitted, figures for that day): its
    last_activity_on, which the list of dormant accounts reads, moves forward to it and never
    back, so that of two at the same moment the later stays."""
    Account.objects.filter(pk=account_id).filter(
        Q(last_activity_on__isnull=True) | Q(last_activity_on__lt=on)
    ).update(last_activity_on=on)


def refresh_last_activity(*, batch=500) -> int:
    """The daily repair of every account's last_activity_on, from its reviews and figures: puts
    right a value written past the services (an import of old data, a correction in the
    database). Each is replaced only if it is still the value read, so that a review submitted
    meanwhile is never moved back. Returns how many changed."""
    reviewed = Review.objects.filter(account=OuterRef("pk"), submitted_at__isnull=False)
    # A figure read from the platform by the daily reading is no sign the team did anything.
    figures = MetricObservation.objects.filter(account=OuterRef("pk"), read_from="")
    latest = Account.objects.annotate(
        reviewed_at=Subquery(reviewed.order_by("-submitted_at").values("submitted_at")[:1]),
        figures_on=Subquery(figures.order_by("-day").values("day")[:1]),
    )
    changed = 0
    ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        for pk, kept, reviewed_at, figures_on in latest.filter(
            pk__in=ids[start : start + batch]
        ).values_list("pk", "last_activity_on", "reviewed_at", "figures_on"):
            days = [figures_on, reviewed_at and timezone.localdate(reviewed_at)]
            found = max((day for day in days if day), default=None)
            if found != kept:
                changed += Account.objects.filter(pk=pk, last_activity_on=kept).update(
                    last_activity_on=found
                )
    return changed


def figures_for(review) -> dict:
    """The imported figures of the review's period, per KPI, as each KPI aggregates them
    (one query, however many KPIs)."""
    rules = {kpi.pk: kpi.aggregation for kpi in review.account.kpis.all()}
    by_kpi = {}
    for kpi_id, value in (
        MetricObservation.objects.filter(
            account=review.account, day__gte=review.period_start, day__lt=review.period_end
        )
        .order_by("day")
        .values_list("kpi_id", "value")
    ):
        by_kpi.setdefault(kpi_id, []).append(value)
    figures = {}
    for kpi_id, values in by_kpi.items():
        rule = rules.get(kpi_id)
        if rule == Aggregation.SUM:
            figures[kpi_id] = round(sum(values), 2)
        elif rule == Aggregation.AVERAGE:
            figures[kpi_id] = round(sum(values) / len(values), 2)
        elif rule == Aggregation.LAST:
            figures[kpi_id] = round(values[-1], 2)
    return figures


# --- Yearly recertification (DESIGN.md section 4: "Once a year each live account is
# recertified: its owner confirms the team, where the credentials are held, and that the account
# is still needed") ------------------------------------------------------------------------------

# An account registered from the inventory has no go-live date: its day is spread across the year
# by its id. 151 shares no factor with 365, so any 365 accounts in a row fall on 365 different
# days, and accounts registered together land weeks apart.
SPREAD_STEP_DAYS = 151


def anniversary_on_or_after(start: datetime.date, earliest: datetime.date) -> datetime.date:
    """The first yearly anniversary of `start` (policy.RECERTIFICATION_INTERVAL_MONTHS) on or
    after `earliest`; 29 February falls on the 28th in other years."""
    step = policy.RECERTIFICATION_INTERVAL_MONTHS
    months = (earliest.year - start.year) * 12 + earliest.month - start.month
    count = max(1, months // step)
    day = add_months(start, count * step, start.day)
    while day < earliest:
        count += 1
        day = add_months(start, count * step, start.day)
    return day


def first_recertification_due(account, *, today: datetime.date) -> datetime.date:
    """When an account is first recertified: on the anniversary of going live, or, for an
    account registered from the inventory, on a day spread across the year after it was
    registered; never sooner than policy.RECERTIFICATION_OPENS_DAYS_BEFORE days ahead, so the
    owner always has the whole window."""
    earliest = today + datetime.timedelta(days=policy.RECERTIFICATION_OPENS_DAYS_BEFORE)
    if account.went_live_on:
        return anniversary_on_or_after(account.went_live_on, earliest)
    registered = timezone.localdate(account.created_at) if account.created_at else today
    start = max(registered, today) + datetime.timedelta(
        days=policy.RECERTIFICATION_OPENS_DAYS_BEFORE
    )
    return start + datetime.timedelta(days=(account.pk * SPREAD_STEP_DAYS) % 365)


def ensure_recertification_schedules(*, today: datetime.date, account_ids=None) -> int:
    """Give every live account without one (or those of `account_ids`) its recertification
    date, anchored on the day it went live (or, from the inventory, on its first date, spread
    across the year). Safe to run twice: schedules are one per account."""
    live = Account.objects.filter(state=AccountState.LIVE)
    if account_ids is not None:
        live = live.filter(pk__in=account_ids)
    missing = live.exclude(
        Exists(RecertificationSchedule.objects.filter(account=OuterRef("pk")))
    ).only("pk", "went_live_on", "created_at")
    created, batch = 0, []
    for account in missing.iterator(chunk_size=2000):
        first = first_recertification_due(account, today=today)
        batch.append(
            RecertificationSchedule(
                account=account, next_due_on=first, anchor_on=account.went_live_on or first
            )
        )
        if len(batch) >= 2000:
            created += len(
                RecertificationSchedule.objects.bulk_create(batch, ignore_conflicts=True)
            )
            batch = []
    created += len(RecertificationSchedule.objects.bulk_create(batch, ignore_conflicts=True))
    return created


def open_due_recertifications(*, today: datetime.date) -> int:
    """Open the recertification of every live account whose date is within
    policy.RECERTIFICATION_OPENS_DAYS_BEFORE days, unless one is open already. Returns how many
    this run opened (the owners are asked by evaluation.tasks, about every open one).

    One INSERT ... SELECT, whatever the number of accounts. Idempotent and safe to run twice or
    at once: a recertification is unique per account and date, and only one per account may be
    open (partial unique constraint); a second run's rows conflict and are skipped (ON CONFLICT
    DO NOTHING), and both runs insert in account order, so neither waits on the other in a
    deadlock. The schedule moves on only when one is done, so a year is never skipped."""
    ensure_recertification_schedules(today=today)
    opens_by = today + datetime.timedelta(days=policy.RECERTIFICATION_OPENS_DAYS_BEFORE)
    with transaction.atomic():
        return _insert_recertifications(opens_by)


def _insert_recertifications(opens_by: datetime.date) -> int:
    """INSERT ... SELECT the recertifications falling due by `opens_by`, in the database
    (PostgreSQL and SQLite alike); returns how many rows went in."""
    quote, ops = connection.ops.quote_name, connection.ops
    table = quote(Recertification._meta.db_table)
    schedule = quote(RecertificationSchedule._meta.db_table)
    account = quote(Account._meta.db_table)
    blank = [quote(f"{field}_note") for field in RECERTIFICATION_FIELDS] + [quote("follow_up_note")]
    now = ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (account_id, due_on, state, state_changed_at, created_at,
                                 {", ".join(blank)})
            SELECT s.account_id, s.next_due_on, %s, %s, %s, {", ".join("''" for _ in blank)}
            FROM {schedule} s
            JOIN {account} a ON a.id = s.account_id
            WHERE s.next_due_on <= %s AND a.state = %s
              AND NOT EXISTS (
                SELECT 1 FROM {table} r
                WHERE r.account_id = s.account_id AND r.state IN (%s, %s)
              )
            ORDER BY s.account_id
            ON CONFLICT DO NOTHING
            """,
            # Table and column names come from the models; every value is a parameter.
            [
                RecertificationState.OPEN.value,
                now,
                now,
                ops.adapt_datefield_value(opens_by),
                AccountState.LIVE.value,
                *[state.value for state in OPEN_RECERTIFICATION_STATES],
            ],
        )
        return max(cursor.rowcount, 0)


def _act_on_recertification(
    *,
    recertification,
    actor,
    action,
    comment="",
    expected_state=None,
    prepare=None,
    record=None,
    reasons=None,
):
    account = recertification.account
    if reasons is None:
        reasons = recertification.unanswered() or (
            ["A closed account is not recertified."] if account.state == AccountState.CLOSED else []
        )
    event = transitions.run(
        obj=recertification,
        action=action,
        actor=actor,
        actor_role=account_permissions.acting_role(account, actor),
        log=lambda **row: RecertificationEvent.objects.create(
            recertification=recertification, **row
        ),
        comment=comment,
        expected_state=expected_state,
        prepare=prepare,
        record=record,
        not_ready_reasons=reasons,
    )
    transitions.notify_after_commit(lambda: _notify_recertification(event.pk))
    return event


def _notify_recertification(event_id):
    from evaluation.tasks import notify_recertification_event

    notify_recertification_event.delay(event_id)


def _schedule_next(recertification, today: datetime.date) -> None:
    """Once a recertification is done, the next falls due on the schedule's following
    anniversary (of `anchor_on`, so 29 February comes back in leap years) after its date, at
    least the opening window ahead; unless DCCT has moved it on already."""
    after = max(
        recertification.due_on + datetime.timedelta(days=1),
        today + datetime.timedelta(days=policy.RECERTIFICATION_OPENS_DAYS_BEFORE),
    )
    schedule = RecertificationSchedule.objects.filter(account_id=recertification.account_id).first()
    if schedule is None:  # one opened by hand, without a schedule: its date becomes the day
        RecertificationSchedule.objects.create(
            account_id=recertification.account_id,
            next_due_on=anniversary_on_or_after(recertification.due_on, after),
            anchor_on=recertification.due_on,
        )
        return
    RecertificationSchedule.objects.filter(
        pk=schedule.pk, next_due_on__lte=recertification.due_on
    ).update(next_due_on=anniversary_on_or_after(schedule.anchor_on, after))


def _answers_errors(recertification, answers: dict) -> dict:
    errors = {}
    for field in RECERTIFICATION_FIELDS:
        answer = answers.get(field)
        if answer is None:
            errors[field] = "Answer yes or no."
        elif answer is False and not (answers.get(f"{field}_note") or "").strip():
            errors[f"{field}_note"] = "Say what is wrong and what is being done about it."
    if answers.get("team_trained") is True:
        contradiction = training_contradiction(len(recertification.account.trained_team()))
        if contradiction:
            errors["team_trained"] = contradiction
    return errors


@transaction.atomic
def submit_recertification(
    *, recertification, actor, answers: dict, comment="", expected_state=None
):
    """Submit recertification: the owner answers each item yes or no, with a note for each
    "no". All "yes": recertified, and the next falls due a year on. Any "no": DCCT follows it
    up, and it does not count as recertified until DCCT closes the follow-up."""
    if recertification.state != RecertificationState.OPEN:
        raise transitions.Changed(recertification)
    require(permissions.may_recertify, recertification, actor)
    errors = _answers_errors(recertification, answers)
    if errors:
        raise ValidationError(errors)
    for field in RECERTIFICATION_FIELDS:
        setattr(recertification, field, answers[field])
        setattr(recertification, f"{field}_note", (answers.get(f"{field}_note") or "").strip())
    recertification.submitted_by = actor
    recertification.full_clean(exclude=["state"])

    def schedule_next_when_done():
        if recertification.state == RecertificationState.RECERTIFIED:
            _schedule_next(recertification, timezone.localdate())

    return _act_on_recertification(
        recertification=recertification,
        actor=actor,
        action="submit",
        comment=comment,
        expected_state=expected_state,
        record=schedule_next_when_done,
    )


@transaction.atomic
def close_follow_up(*, recertification, actor, comment, expected_state=None):
    """Close follow-up: DCCT has sorted out each "no" with the owner and says what was done;
    the account counts as recertified, and the next falls due a year on."""

    def record_note():
        recertification.follow_up_note = comment.strip()
        recertification.followed_up_by = actor

    return _act_on_recertification(
        recertification=recertification,
        actor=actor,
        action="close_follow_up",
        comment=comment,
        expected_state=expected_state,
        prepare=record_note,
        record=lambda: _schedule_next(recertification, timezone.localdate()),
    )


RECERTIFICATION_ACTIONS = {"submit": submit_recertification, "close_follow_up": close_follow_up}


def withdraw_recertifications(*, account, actor) -> None:
    """Withdraw: the account has closed (accounts' `closed` signal, in the same transaction),
    so its open recertification, or the follow-up of one, is withdrawn and logged rather than
    left open for good. `actor` is whoever marked the account closed."""
    # Locked as read: one its owner is submitting at this moment is waited for, then left be.
    for recertification in Recertification.objects.select_for_update().filter(
        account=account, state__in=OPEN_RECERTIFICATION_STATES
    ):
        recertification.account = account  # as it is now: closed
        _act_on_recertification(
            recertification=recertification,
            actor=actor,
            action="withdraw",
            reasons=["Only a closed account's recertification is withdrawn."],
        )


def give_back_the_window(*, account_ids, actor, today: datetime.date) -> None:
    """An account live again (retained by HEC after its closure was contested) is not overdue
    the moment it comes back: a recertification that fell due, or falls due within the
    opening window, while its closure was being decided now falls due
    policy.RECERTIFICATION_OPENS_DAYS_BEFORE days on, so its owner has the whole window. The
    open one's move is in its log; a schedule's, on the account. The yearly day (`anchor_on`)
    stays: the one after falls due on the account's anniversary again."""
    window = policy.RECERTIFICATION_OPENS_DAYS_BEFORE
    earliest = today + datetime.timedelta(days=window)
    why = f"live again, so that the owner has the whole {window} days"
    late = Recertification.objects.filter(
        account_id__in=account_ids, state=RecertificationState.OPEN, due_on__lt=earliest
    ).select_related("account__office")
    for recertification in late:
        moved = Recertification.objects.filter(
            pk=recertification.pk, state=RecertificationState.OPEN, due_on=recertification.due_on
        ).update(due_on=earliest)
        if moved:
            RecertificationEvent.objects.create(
                recertification=recertification,
                actor=actor,
                actor_role=account_permissions.acting_role(recertification.account, actor),
                action="reschedule",
                from_state=RecertificationState.OPEN,
                to_state=RecertificationState.OPEN,
                comment=f"Due {earliest:%-d %B %Y} (was {recertification.due_on:%-d %B %Y}): "
                f"{why}.",
            )
    schedules = (
        RecertificationSchedule.objects.filter(account_id__in=account_ids, next_due_on__lt=earliest)
        .exclude(
            Exists(
                Recertification.objects.filter(
                    account=OuterRef("account"), state__in=OPEN_RECERTIFICATION_STATES
                )
            )
        )
        .select_related("account__office")
    )
    for schedule in schedules:
        RecertificationSchedule.objects.filter(
            pk=schedule.pk, next_due_on=schedule.next_due_on
        ).update(next_due_on=earliest)
        AccountEvent.objects.create(
            account=schedule.account,
            actor=actor,
            actor_role=account_permissions.acting_role(schedule.account, actor),
            action="move_recertification",
            comment=f"Next recertification due {earliest:%-d %B %Y} "
            f"(was {schedule.next_due_on:%-d %B %Y}): {why}.",
        )


def latest_recertification_date(account, *, today: datetime.date) -> datetime.date:
    """The latest DCCT may move an account's next recertification to: one interval
    (policy.RECERTIFICATION_INTERVAL_MONTHS) after the date of its last recertification, open
    or done, or, before its first, after it went live or was registered. Never sooner than the
    opening window, since anything due within it is opened by the next daily run and can no
    longer be moved: so the date can be moved, but the recertification never put off for good."""
    last = (
        account.recertifications.exclude(state=RecertificationState.WITHDRAWN)
        .order_by("-due_on")
        .values_list("due_on", flat=True)
        .first()
    )
    since = last or account.went_live_on or timezone.localdate(account.created_at)
    return max(
        add_months(since, policy.RECERTIFICATION_INTERVAL_MONTHS),
        today + datetime.timedelta(days=policy.RECERTIFICATION_OPENS_DAYS_BEFORE),
    )


@transaction.atomic
def move_recertification(*, account, actor, due_on: datetime.date) -> None:
    """DCCT moves the date an account's next recertification falls due (to spread the work, or
    to suit the team), at most latest_recertification_date; the change is logged on the
    account. The date chosen becomes the account's yearly day (`anchor_on`), so that work
    spread once stays spread: the following ones fall due on its anniversaries. Behind the
    account's lock, so that two moves at the same moment are made one after the other."""
    if transitions.lock(account) != account.state:
        transitions.reload_state(account)
    require(permissions.may_move_recertification, account, actor)
    today = timezone.localdate()
    if account.state != AccountState.LIVE:
        raise ValidationError({"due_on": "Only a live account is recertified."})
    if due_on <= today:
        raise ValidationError({"due_on": "Choose a date in the future."})
    latest = latest_recertification_date(account, today=today)
    if due_on > latest:
        raise ValidationError(
            {
                "due_on": f"Choose a date by {latest:%-d %B %Y}: at most a year after the last "
                "recertification."
            }
        )
    if Recertification.objects.filter(account=account, due_on=due_on).exists():
        raise ValidationError({"due_on": "This account already has a recertification that day."})
    current = Recertification.objects.filter(
        account=account, state__in=OPEN_RECERTIFICATION_STATES
    ).first()
    if current is not None and due_on <= current.due_on:
        raise ValidationError(
            {
                "due_on": f"One is open, due {current.due_on:%-d %B %Y}: choose a date after "
                "it, for the one that follows."
            }
        )
    schedule = RecertificationSchedule.objects.select_for_update().filter(account=account).first()
    if schedule is None:
        schedule = RecertificationSchedule(account=account, next_due_on=due_on)
        previous = None
    else:
        previous = schedule.next_due_on
        schedule.next_due_on = due_on
    if previous == due_on:
        return
    schedule.anchor_on = due_on
    schedule.save()
    AccountEvent.objects.create(
        account=account,
        actor=actor,
        actor_role="DCCT",
        action="move_recertification",
        comment=f"Next recertification due {due_on:%-d %B %Y}"
        + (f" (was {previous:%-d %B %Y})." if previous else "."),
    )


@transaction.atomic
def set_feed(*, account, actor, feed_url: str) -> bool:
    """DCCT records (or, with "", removes) the address of the account's public RSS or Atom
    feed, which the daily reading takes its latest post from (evaluation/activity.py); the
    change is logged on the account. The address is read as a browser reads it
    (`_check_feed_address`), and refused where the reading would not read a feed (a platform
    whose own interface gives its posts). Returns whether anything changed."""
    transitions.lock(account)
    transitions.reload_state(account)
    require(permissions.may_set_feed, account, actor)
    feed_url = feed_url.strip()
    if feed_url:
        _check_feed_address(feed_url)
        if not activity.takes_feed(account):
            raise ValidationError(
                {
                    "feed_url": f"{account.platform} is read through its own interface, which "
                    "gives its latest post: no feed is needed."
                }
            )
        site = activity.feed_site(account)
        if site and browser_reading(feed_url).site != site:
            raise ValidationError(
                {"feed_url": f"A {account.platform} account's feed is on {site}: give it there."}
            )
    previous = account.feed_url  # as committed: the lock read it again
    if feed_url == previous:
        return False
    save_fields(account, {"feed_url": feed_url})
    AccountEvent.objects.create(
        account=account,
        actor=actor,
        actor_role="DCCT",
        action="set_feed",
        comment=f"Its feed: {feed_url}." if feed_url else f"Its feed ({previous}) removed.",
    )
    return True


def _check_feed_address(text: str) -> None:
    """A feed's address as the reading will fetch it: a web page's (http or https), with no
    name before its host and no port of its own (a name before the host is where look-alike
    addresses hide; the reading fetches only the usual ports)."""
    address = browser_reading(text)
    if address is None:
        raise ValidationError({"feed_url": "Give a web address, starting https://."})
    if address.userinfo:
        raise ValidationError(
            {
                "feed_url": f"Give the address without the name and “@” before the site: as "
                f"written, a browser would open it on {address.host}."
            }
        )
    if address.port:
        raise ValidationError({"feed_url": f"Give the address without a port (:{address.port})."})


# --- Retention ---------------------------------------------------------------------------------

# What a team wrote about how a period went: removed with its account's free text, years after
# it closed. The figures, outcome and DCCT's assessment stay (the decision record).
REVIEW_NARRATIVE = ("went_well", "not_well", "action_plan")


def reviews_with_narrative(accounts):
    """The reviews of `accounts` (a queryset or ids) whose teams' free text is still there."""
    written = Q()
    for field in REVIEW_NARRATIVE:
        written |= ~Q(**{field: ""}) & ~Q(**{field: REMOVED})
    return Review.objects.filter(written, account__in=accounts)


def minimise_reviews(*, account_ids) -> int:
    """The teams' free text in the reviews of these accounts (the retention job,
    portal/retention.py). Returns how many reviews had any."""
    return reviews_with_narrative(account_ids).update(**removed(*REVIEW_NARRATIVE))
