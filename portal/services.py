"""What the portal keeps for its reports, written in the same transaction as what it counts:
the time each proposal's stage took, and each day's and month's counts."""

import contextlib
import contextvars
import datetime
import itertools
from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from portal import figures
from portal.models import STAGES, DailyCount, MonthlyCount, TimeAtStage
from proposals.models import Decision

COLUMNS = ("proposal_id", "pk", "action", "from_state", "to_state", "created_at")
DECIDING = {stage for stage, _ in STAGES}
BATCH = 5000
ONE_DAY = datetime.timedelta(days=1)
_later = contextvars.ContextVar("count_later", default=False)


@contextlib.contextmanager
def counting_later():
    """Count nothing as each decision, review and account is saved, and everything once at the
    end: for loading many at once (the demo), where counting each day again after every row
    costs more than the whole load."""
    token = _later.set(True)
    try:
        yield
    finally:
        _later.reset(token)
    recount_report_figures()


def _time_at_stage(previous, decision):
    """The time at the stage `decision` ended, if it is one of the STAGES and the decision
    before it (of the same proposal, in the log's order) began it; each is a row of COLUMNS."""
    proposal, _, _, _, entered, began = previous
    same, pk, action, from_state, to_state, moment = decision
    if from_state == to_state:  # a note in the log (an approver who left), not a step
        return None
    if same != proposal or entered != from_state or from_state not in DECIDING:
        return None
    if action == "withdraw":  # it ends a stage, but nobody at that stage decided anything
        return None
    return TimeAtStage(
        decision_id=pk,
        stage=from_state,
        decided_at=moment,
        microseconds=(moment - began) // datetime.timedelta(microseconds=1),
    )


@transaction.atomic
def _recount(groups, moment):
    """Count `groups` again for the day of `moment`, and add up its month again. Behind the
    month's row lock, so that of two writers the second counts after the first has committed."""
    day = timezone.localtime(moment).date()
    month = day.replace(day=1)
    MonthlyCount.objects.bulk_create([MonthlyCount(month=month)], ignore_conflicts=True)
    kept = MonthlyCount.objects.select_for_update().get(month=month)
    daily, _ = DailyCount.objects.get_or_create(day=day)
    for group in groups:
        _keep(daily.counts, group, figures.count(group, day, day + ONE_DAY).get(day, {}))
    daily.save(update_fields=["counts"])
    totals = defaultdict(Counter)
    days = DailyCount.objects.filter(day__gte=month, day__lt=figures.next_month(month))
    for counts in days.values_list("counts", flat=True):
        figures.add(totals, counts, groups)
    for group in groups:
        _keep(kept.counts, group, totals[group])
    kept.save(update_fields=["counts"])


def _keep(counts, group, counted):
    """A group's counts kept as a plain dict, or not kept at all once nothing is left of it (as
    recount_report_figures writes them)."""
    if counted:
        counts[group] = dict(counted)
    else:
        counts.pop(group, None)


def count_decision(*, decision: Decision) -> None:
    """A decision was logged: keep how long the stage it ends took, and count its day again."""
    if _later.get():
        return
    previous = (
        Decision.objects.filter(proposal_id=decision.proposal_id)
        .exclude(from_state=F("to_state"))
        .filter(
            Q(created_at__lt=decision.created_at)
            | Q(created_at=decision.created_at, pk__lt=decision.pk)
        )
        .order_by("-created_at", "-pk")
        .values_list(*COLUMNS)
        .first()
    )
    row = tuple(getattr(decision, column) for column in COLUMNS)
    time = _time_at_stage(previous, row) if previous is not None else None
    if time is not None:
        time.save(force_insert=True)
    _recount(["decisions", "stages"] if time else ["decisions"], decision.created_at)


def count_review(*, review) -> None:
    """A review was saved: once assessed, count the reviews of its day again."""
    if _later.get():
        return
    if review.assessed_at is not None:
        _recount(["reviews"], review.assessed_at)


def count_account(*, account, deleted=False) -> None:
    """An account was saved or deleted: count again the days of the reports' account groups
    whose count it changes (the day it went live, and the day it closed, as it was and as it
    is). A save that changes neither (most transitions, an edit) counts nothing, and takes no
    month's lock; the days are counted oldest first, so that two writers lock months in the
    same order."""
    if _later.get():
        return
    before = getattr(account, "_loaded_values", None)  # as read, before this save
    days = set()
    for group, counted_as in ACCOUNT_GROUPS.items():
        was = counted_as(before) if before is not None else None
        now = None if deleted else counted_as(vars(account))
        if was != now:
            days |= {(when[0], group) for when in (was, now) if when is not None}
    for day, group in sorted(days):
        _recount([group], figures.midnight(day))


def _went_live(values):
    day = values.get("went_live_on")
    return (day, values.get("kind")) if day is not None else None


def _closed(values):
    day = values.get("closed_on")
    closed = values.get("state") == "closed" and day is not None
    return (day, values.get("closure_reason")) if closed else None


# How an account is counted in each group (portal.figures.COUNTED): (day, key), or None.
ACCOUNT_GROUPS = {"went_live": _went_live, "closed": _closed}


@transaction.atomic
def recount_report_figures() -> tuple[int, int]:
    """Write every stage's time and every day's and month's counts again from the rows they
    count: after decisions or reviews were loaded in bulk, or decisions logged out of the order
    of their times. Returns how many times at a stage and how many days it wrote."""
    TimeAtStage.objects.all().delete()
    rows = (
        Decision.objects.exclude(from_state=F("to_state"))
        .order_by("proposal_id", "created_at", "pk")
        .values_list(*COLUMNS)
        .iterator(chunk_size=BATCH)
    )
    times = (time for pair in itertools.pairwise(rows) if (time := _time_at_stage(*pair)))
    written = 0
    while batch := list(itertools.islice(times, BATCH)):
        TimeAtStage.objects.bulk_create(batch)
        written += len(batch)
    DailyCount.objects.all().delete()
    MonthlyCount.objects.all().delete()
    days = defaultdict(dict)
    for group in figures.COUNTED:
        for day, counter in figures.count(group).items():
            days[day][group] = dict(counter)
    DailyCount.objects.bulk_create(
        [DailyCount(day=day, counts=counts) for day, counts in days.items()], batch_size=BATCH
    )
    months = defaultdict(lambda: defaultdict(Counter))
    for day, counts in days.items():
        figures.add(months[day.replace(day=1)], counts, counts)
    MonthlyCount.objects.bulk_create(
        [
            MonthlyCount(month=month, counts={group: dict(c) for group, c in counts.items()})
            for month, counts in months.items()
        ],
        batch_size=BATCH,
    )
    return written, len(days)
