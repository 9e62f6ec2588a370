"""Reports for the policy owner, DCCT and HEC (DESIGN.md section 5): each a table of figures
with a chart beside it and a CSV download. Date-ranged figures count what happened within the
range; the account tables are as of today."""

import csv
import datetime
import heapq
import statistics
from collections import Counter, defaultdict
from functools import cached_property

from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import Account, AccountEvent, AccountState, ClosureReason, Platform
from accounts.register import OFFICIAL_STATES
from evaluation.models import Outcome, ReviewEvent
from people.models import Office
from people.selectors import office_choices
from portal import figures, permissions
from portal.models import STAGES, TimeAtStage
from proposals.models import Decision, Proposal
from workflow import transitions
from workflow.csv_import import spreadsheet_safe
from workflow.exports import LOG_COLUMNS, csv_download, log_row
from workflow.permissions import require

OUTCOME_ACTIONS = [
    "endorse",
    "accept_alternative",
    "approve_as_proposed",
    "approve_alternative",
    "escalate",
    "decline",
    "reject",
    "withdraw",
]


MAX_YEARS = 10
# Nothing the reports count is older: an earlier date is read as this one, so that no date
# typed in the address (0001-01-01, 9999-12-31) reaches the arithmetic or the database.
EARLIEST = datetime.date(2000, 1, 1)


def _day(text, default):
    try:
        return datetime.date.fromisoformat(text or "")
    except ValueError:
        return default


def _range(request):
    """The date range asked for: a year to today by default; each date kept between EARLIEST
    and today, either way round, and the range at most ten years."""
    today = timezone.localdate()

    def within(day):
        return min(max(day, EARLIEST), today)

    end = within(_day(request.GET.get("to"), today))
    start = within(_day(request.GET.get("from"), end - datetime.timedelta(days=365)))
    start, end = sorted((start, end))
    return max(start, end - datetime.timedelta(days=365 * MAX_YEARS)), end


def _aware(day, end=False):
    moment = datetime.datetime.combine(day, datetime.time.max if end else datetime.time.min)
    return timezone.make_aware(moment)


# The account tables' columns: official (live, or closing but not yet closed), being set up,
# closed.
COLUMNS = ["Official", "Being set up", "Closed"]


def _column(state) -> int:
    if state == AccountState.CLOSED:
        return 2
    return 0 if state in OFFICIAL_STATES else 1


def accounts_by(counted, label):
    """Accounts by platform or by office (`counted`: {name-and-key: [official, being set up,
    closed]}), the most official accounts first."""
    return {
        "title": f"Accounts by {label}",
        "columns": [label.capitalize(), *COLUMNS],
        "rows": sorted(
            ([name, *columns] for (_, name), columns in counted.items()),
            key=lambda row: (-row[1], row[0]),
        ),
    }


def accounts_by_state(counted):
    return {
        "title": "Accounts by state",
        "columns": ["State", "Accounts"],
        "rows": [[label, counted.get(value, 0)] for value, label in AccountState.choices],
    }


class Period:
    """The dates a report covers, both included, and what the months between them count: read
    once, however many tables use them."""

    def __init__(self, start, end):
        self.start, self.end = start, end

    @cached_property
    def months(self):
        return figures.in_range(self.start, self.end)

    def total(self, group):
        return figures.total(self.months, group)

    @cached_property
    def accounts(self) -> dict:
        """Every account (whatever the dates), counted for the three tables that count them:
        {"platform": {(key, name): [official, being set up, closed]}, "office": the same,
        "state": {state: accounts}}. Two groupings, each read in the order of its own index
        (by platform and state, by office and state), where one by all three returned a row
        for each platform, office and state that has an account, five times as many rows to
        add up in Python on ten years of accounts. The names come from the short lists of
        platforms and offices (a join would read each account's platform and office rows)."""
        by_platform_state, by_office_state = (
            # COUNT(*), not COUNT(id): the id is not in the index, and asking for it made
            # PostgreSQL read the whole table (20 ms for 20,000 accounts, against 5).
            list(Account.objects.values_list(key, "state").annotate(n=Count("*")).order_by())
            for key in ("platform_id", "office_id")
        )
        platforms = dict(Platform.objects.values_list("pk", "name"))
        offices = dict(office_choices())
        if missing := {office for office, _, _ in by_office_state} - offices.keys():  # just added
            offices.update(Office.objects.filter(pk__in=missing).values_list("pk", "name"))
        by_platform, by_office = defaultdict(lambda: [0, 0, 0]), defaultdict(lambda: [0, 0, 0])
        by_state = Counter()
        columns = {state: _column(state) for state in AccountState.values}
        for platform, state, count in by_platform_state:
            by_platform[platform][columns[state]] += count
            by_state[state] += count
        for office, state, count in by_office_state:
            by_office[office][columns[state]] += count
        return {
            "platform": {(key, platforms.get(key)): row for key, row in by_platform.items()},
            "office": {(key, offices[key]): row for key, row in by_office.items()},
            "state": by_state,
        }


def proposal_outcomes(period):
    counts = period.total("decisions")
    return {
        "title": "Proposal decisions",
        "columns": ["Decision", "Proposals"],
        "rows": [
            [transitions.action_label(Proposal, action), counts[action]]
            for action in OUTCOME_ACTIONS
        ],
    }


def _days(microseconds):
    return datetime.timedelta(microseconds=microseconds).total_seconds() / 86400


def _middle(stage, days_taken, within):
    """The middle value of a stage's times (the two middle ones, for an even count), in
    microseconds: from the count of each whole number of days taken, the day in which the lower
    middle one lies; from the first time of that day on, walked to in the database."""
    count = days_taken.total()
    lower = (count - 1) // 2
    below = 0
    for days in sorted(days_taken):
        if below + days_taken[days] > lower:
            break
        below += days_taken[days]
    return list(
        TimeAtStage.objects.filter(stage=stage, microseconds__gte=days * figures.DAY, **within)
        .order_by("microseconds")
        .values_list("microseconds", flat=True)[lower - below : count // 2 - below + 1]
    )


def time_to_decision(period):
    """The median days a proposal spent at each stage, for stages left within the range."""
    days_taken = defaultdict(Counter)
    for key, count in period.total("stages").items():
        stage, days = key.split(":")
        days_taken[stage][int(days)] += count
    within = {
        "decided_at__gte": _aware(period.start),
        "decided_at__lte": _aware(period.end, end=True),
    }
    rows = []
    for stage, label in STAGES:
        count = days_taken[stage].total()
        middle = (
            [_days(value) for value in _middle(stage, days_taken[stage], within)] if count else []
        )
        # One middle value, or two: the median is half-way between them.
        median = round(statistics.median([middle[0], middle[-1]]), 1) if middle else "–"
        rows.append([label, count, median])
    return {
        "title": "Time to decision",
        "columns": ["Stage", "Decisions", "Median days"],
        "rows": rows,
    }


def review_outcomes(period):
    counts = period.total("reviews")
    return {
        "title": "Review outcomes",
        "columns": ["Outcome", "Reviews"],
        "rows": [[label, counts[value]] for value, label in Outcome.choices],
    }


def closures(period):
    counts = period.total("closed")
    return {
        "title": "Closures and their reasons",
        "columns": ["Reason", "Accounts closed"],
        "rows": [[label, counts[value]] for value, label in ClosureReason.choices],
    }


def _months(start, end):
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def trend(period):
    start, end, months = period.start, period.end, period.months
    rows = [
        [
            f"{month:%b %Y}",
            months[month]["decisions"]["submit"],
            months[month]["went_live"].total(),
            months[month]["closed"].total(),
            months[month]["reviews"].total(),
        ]
        for month in _months(start, end)
    ]
    return {
        "title": "Trend by month",
        "columns": [
            "Month",
            "Proposals submitted",
            "Accounts gone live",
            "Accounts closed",
            "Reviews assessed",
        ],
        "rows": rows,
    }


TABLES = {
    "platform": lambda period: accounts_by(period.accounts["platform"], "platform"),
    "office": lambda period: accounts_by(period.accounts["office"], "office"),
    "state": lambda period: accounts_by_state(period.accounts["state"]),
    "outcomes": proposal_outcomes,
    "decision_time": time_to_decision,
    "reviews": review_outcomes,
    "closures": closures,
    "trend": trend,
}


AUDIT_COLUMNS = ["When", "Kind", "Subject", *LOG_COLUMNS[1:]]


def _stamped(kind, entries, subject):
    for entry in entries.order_by("created_at", "pk").iterator(chunk_size=1000):
        yield entry.created_at, kind, entry, getattr(entry, subject)


def _audit_rows(start, end):
    """Every step of every proposal, account and review between the dates, oldest first: the
    three append-only logs merged by time, each row as its own log has it."""
    window = {"created_at__gte": _aware(start), "created_at__lte": _aware(end, end=True)}
    logs = [
        ("Proposal", Decision.objects.select_related("proposal", "actor"), "proposal"),
        ("Account", AccountEvent.objects.select_related("account__platform", "actor"), "account"),
        (
            "Review",
            ReviewEvent.objects.select_related("review__account__platform", "actor"),
            "review",
        ),
    ]
    merged = heapq.merge(
        *(_stamped(kind, queryset.filter(**window), subject) for kind, queryset, subject in logs),
        key=lambda item: item[0],
    )
    for _, kind, entry, subject in merged:
        row = log_row(entry)
        yield [row[0], kind, str(subject), *row[1:]]


def reports(request):
    user = request.user
    require(permissions.may_see_reports, user)
    start, end = _range(request)
    export = request.GET.get("export")
    if export == "decisions":
        return csv_download(
            filename=f"decisions-{start:%Y%m%d}-{end:%Y%m%d}.csv",
            columns=AUDIT_COLUMNS,
            rows=_audit_rows(start, end),
            user=user,
            what=f"Every decision from {start:%-d %b %Y} to {end:%-d %b %Y} (CSV)",
        )
    if export in TABLES:
        table = TABLES[export](Period(start, end))
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{export}-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
        )
        response.write("\ufeff")  # so that spreadsheets read the file as UTF-8
        writer = csv.writer(response)
        writer.writerow(table["columns"])
        writer.writerows([spreadsheet_safe(cell) for cell in row] for row in table["rows"])
        return response
    period = Period(start, end)
    tables = {key: build(period) for key, build in TABLES.items()}
    for key, table in tables.items():
        table["key"] = key
        table["chart_id"] = f"chart-{key}"
        table["chart"] = {
            "labels": [str(row[0]) for row in table["rows"]],
            "datasets": [
                {
                    "label": column,
                    "data": [
                        row[index] if isinstance(row[index], int | float) else 0
                        for row in table["rows"]
                    ],
                }
                for index, column in enumerate(table["columns"][1:], start=1)
            ],
        }
    return render(
        request,
        "portal/reports.html",
        {
            "tables": tables.values(),
            "start": start,
            "end": end,
        },
    )
