"""The reports' counts: what each group counts, counted from the rows a day at a time, and a
range's counts read from the months it holds whole (MonthlyCount) and the days of the part
months at either end (DailyCount). Days and months are the site's time zone's."""

import datetime
from collections import Counter, defaultdict

from django.db.models import Count, DateTimeField, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import Account, AccountState
from evaluation.models import Review
from portal.models import STAGES, DailyCount, MonthlyCount, TimeAtStage
from proposals.models import Decision

DAY = 86_400_000_000  # in microseconds

# group: (its rows, the moment that places a row on a day, what a row is counted by). A time
# at a stage is counted by its stage and the whole days it took, "with_dcct:3": the reports
# find in which day its median lies, and walk to it from there.
COUNTED = {
    "decisions": (Decision.objects.all, "created_at", ["action"]),
    "stages": (
        lambda: TimeAtStage.objects.filter(stage__in=[stage for stage, _ in STAGES]),
        "decided_at",
        ["stage", F("microseconds") / DAY],
    ),
    "reviews": (Review.objects.all, "assessed_at", ["outcome"]),
    # Accounts by the day they went live, and closed ones by the day and reason they closed
    # (dates, not moments: the day is the site's already).
    "went_live": (Account.objects.all, "went_live_on", ["kind"]),
    "closed": (
        lambda: Account.objects.filter(state=AccountState.CLOSED),
        "closed_on",
        ["closure_reason"],
    ),
}


def midnight(day):
    """The moment `day` begins in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def next_month(day):
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def count(group, first=None, after=None):
    """{day: Counter(key: rows)} of the rows of `group` from the day `first` to the day before
    `after`, or of them all."""
    rows, moment, keys = COUNTED[group]
    rows = rows().filter(**{f"{moment}__isnull": False})
    at_a_moment = isinstance(rows.model._meta.get_field(moment), DateTimeField)
    if first is not None:
        bounds = (midnight(first), midnight(after)) if at_a_moment else (first, after)
        rows = rows.filter(**{f"{moment}__gte": bounds[0], f"{moment}__lt": bounds[1]})
    day_of = TruncDate(moment) if at_a_moment else F(moment)
    counted = rows.values_list(*keys, day_of).annotate(n=Count("*")).order_by()
    counts = defaultdict(Counter)
    for *key, day, rows_counted in counted:
        counts[day][":".join(map(str, key))] += rows_counted
    return counts


def add(total, counts, groups):
    for group in groups:
        total[group].update(counts.get(group, {}))


def in_range(start, end):
    """{month: {group: Counter(key: rows)}} for the days from `start` to `end`, both included:
    the months it holds whole as kept, the days of the others one by one."""
    day_after = end + datetime.timedelta(days=1)
    first_whole = start if start.day == 1 else next_month(start)
    after_whole = day_after if day_after.day == 1 else end.replace(day=1)
    if first_whole < after_whole:
        whole = MonthlyCount.objects.filter(month__gte=first_whole, month__lt=after_whole)
        days = Q(day__gte=start, day__lt=first_whole) | Q(day__gte=after_whole, day__lt=day_after)
    else:
        whole = MonthlyCount.objects.none()
        days = Q(day__gte=start, day__lt=day_after)
    months = defaultdict(lambda: defaultdict(Counter))
    for month, counts in whole.values_list("month", "counts"):
        add(months[month], counts, COUNTED)
    for day, counts in DailyCount.objects.filter(days).values_list("day", "counts"):
        add(months[day.replace(day=1)], counts, COUNTED)
    return months


def total(months, group):
    """The counts of `group` over all the months of `in_range`."""
    counter = Counter()
    for groups in months.values():
        counter.update(groups[group])
    return counter
