"""The reports' figures come from counts kept a month at a time (portal.models.MonthlyCount) and
from times at a stage sorted by the database (TimeAtStage), not from every row read into
Python: the same figures as working them out from the rows, as the page once did, whatever the
range (a day, months cut at either end, the clocks changing, ten years), for a fixed number of
queries however long the history."""

import datetime
import importlib
import io
import random
import statistics
from collections import Counter, defaultdict

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from evaluation.models import Outcome, Review
from portal import reports, services
from portal.models import STAGES, DailyCount, MonthlyCount, TimeAtStage
from proposals.models import Decision
from tests.factories import AccountFactory, ProposalFactory
from tests.races import at_once, meet_before, on_postgresql

pytestmark = pytest.mark.django_db


def local(*args):
    """A moment on the site's clock (Europe/London)."""
    return timezone.make_aware(datetime.datetime(*args))


def log(proposal, actor, steps):
    for action, from_state, to_state, moment in steps:
        Decision.objects.create(
            proposal=proposal,
            actor=actor,
            actor_role="r",
            action=action,
            from_state=from_state,
            to_state=to_state,
            created_at=moment,
        )


def assessed(account, moment, outcome="effective"):
    period_end = moment.date() - datetime.timedelta(days=20)
    Review.objects.create(
        account=account,
        period_start=period_end - datetime.timedelta(days=90),
        period_end=period_end,
        due_on=period_end + datetime.timedelta(days=14),
        state="assessed",
        outcome=outcome,
        assessed_at=moment,
    )


def figures(start, end):
    """The tables the page shows for the range, by key."""
    period = reports.Period(start, end)
    return {key: build(period)["rows"] for key, build in reports.TABLES.items()}


# --- The figures from every row, as the page worked them out before ---------------------------


def from_every_row(start, end):
    low, high = reports._aware(start), reports._aware(end, end=True)
    decisions = list(
        Decision.objects.order_by("proposal_id", "created_at", "pk").values_list(
            "proposal_id", "action", "from_state", "to_state", "created_at"
        )
    )
    within = [row for row in decisions if low <= row[4] <= high]
    actions = Counter(row[1] for row in within)
    entered, durations = {}, defaultdict(list)
    for proposal, action, from_state, to_state, moment in decisions:
        began = entered.pop((proposal, from_state), None)
        if began is not None and action != "withdraw" and low <= moment <= high:
            durations[from_state].append((moment - began).total_seconds() / 86400)
        entered[(proposal, to_state)] = moment
    reviews = list(
        Review.objects.filter(assessed_at__gte=low, assessed_at__lte=high).values_list(
            "outcome", "assessed_at"
        )
    )
    submitted = Counter(
        f"{timezone.localtime(row[4]):%b %Y}" for row in within if row[1] == "submit"
    )
    per_month = Counter(f"{timezone.localtime(moment):%b %Y}" for _, moment in reviews)
    outcomes = Counter(outcome for outcome, _ in reviews)
    return {
        "outcomes": [actions[action] for action in reports.OUTCOME_ACTIONS],
        "decision_time": [
            [len(durations[stage]), round(statistics.median(durations[stage]), 1)]
            if durations[stage]
            else [0, "–"]
            for stage, _ in STAGES
        ],
        "reviews": [outcomes[value] for value, _ in Outcome.choices],
        "trend": [
            [f"{month:%b %Y}", submitted[f"{month:%b %Y}"], per_month[f"{month:%b %Y}"]]
            for month in reports._months(start, end)
        ],
    }


def shown(start, end):
    """What the page shows of the same figures."""
    tables = figures(start, end)
    return {
        "outcomes": [row[1] for row in tables["outcomes"]],
        "decision_time": [row[1:] for row in tables["decision_time"]],
        "reviews": [row[1] for row in tables["reviews"]],
        "trend": [[row[0], row[1], row[4]] for row in tables["trend"]],
    }


# Moments where a month or a day turns on the site's clock, and where the clocks change.
EDGES = [
    local(2026, 6, 30, 23, 59, 59, 999999),
    local(2026, 7, 1, 0, 0),
    local(2026, 3, 29, 0, 30),
    local(2026, 3, 29, 2, 30),
    local(2025, 10, 26, 1, 30),
    local(2025, 10, 31, 23, 30),
    local(2025, 11, 1, 0, 30),
    local(2016, 12, 31, 23, 59),
    local(2017, 1, 1, 0, 0),
]
WALK = {
    "draft": [("submit", "with_office_head"), ("withdraw", "withdrawn")],
    "with_office_head": [
        ("approve_in_principle", "with_dcct"),
        ("return_to_proposer", "draft"),
        ("decline", "declined"),
        ("withdraw", "withdrawn"),
    ],
    "with_dcct": [
        ("endorse", "approved"),
        ("request_changes", "revising"),
        ("advise_against", "alternative_offered"),
        ("escalate", "escalated"),
    ],
    "revising": [("resubmit", "with_dcct"), ("withdraw", "withdrawn")],
    "alternative_offered": [("accept_alternative", "approved"), ("disagree", "contested")],
    "contested": [("revise_advice", "with_dcct"), ("escalate", "escalated")],
    "escalated": [
        ("approve_as_proposed", "approved"),
        ("approve_alternative", "approved"),
        ("reject", "rejected"),
        ("refer_back", "with_dcct"),
    ],
}


@pytest.fixture
def history(staff):
    """Ten years of proposals and reviews, many of their steps on the edges of months and days
    and around the clocks changing, some whole hours or days apart (medians of two values
    that meet half-way), the rest at any microsecond."""
    rng = random.Random(13)
    first = local(2016, 12, 1)
    span = (local(2026, 10, 31) - first).total_seconds()
    for _ in range(60):
        moment = (
            rng.choice(EDGES)
            if rng.random() < 0.3
            else first + datetime.timedelta(seconds=rng.uniform(0, span))
        )
        state, steps = "draft", []
        while state in WALK and len(steps) < 12:
            action, target = rng.choice(WALK[state])
            steps.append((action, state, target, moment))
            state = target
            moment += rng.choice(
                [
                    datetime.timedelta(hours=rng.randint(1, 24 * 40)),
                    datetime.timedelta(days=rng.randint(0, 9), hours=12),
                    datetime.timedelta(seconds=rng.uniform(0, 86400 * 30)),
                ]
            )
            if rng.random() < 0.1:
                moment = rng.choice(EDGES) + datetime.timedelta(microseconds=len(steps))
                moment = max(moment, steps[-1][3])
        log(ProposalFactory(proposer=staff), staff, steps)
    for number in range(40):
        moment = (
            EDGES[number % len(EDGES)]
            if number % 3 == 0
            else first + datetime.timedelta(seconds=rng.uniform(0, span))
        )
        moment += datetime.timedelta(microseconds=number)
        assessed(AccountFactory(), moment, rng.choice(Outcome.values))


RANGES = [
    (datetime.date(2016, 11, 30), datetime.date(2026, 11, 26)),  # ten years, cut at both ends
    (datetime.date(2016, 12, 1), datetime.date(2026, 10, 31)),  # whole months only
    (datetime.date(2026, 6, 15), datetime.date(2026, 7, 15)),  # two part months
    (datetime.date(2026, 6, 1), datetime.date(2026, 7, 31)),  # two whole months
    (datetime.date(2026, 7, 1), datetime.date(2026, 7, 1)),  # one day
    (datetime.date(2026, 3, 29), datetime.date(2026, 3, 29)),  # clocks go forward
    (datetime.date(2025, 10, 26), datetime.date(2025, 10, 26)),  # clocks go back
    (datetime.date(2025, 10, 2), datetime.date(2025, 11, 1)),
    (datetime.date(2021, 1, 1), datetime.date(2022, 6, 30)),
    (datetime.date(2000, 1, 1), datetime.date(2000, 12, 31)),  # nothing recorded
]


@pytest.mark.parametrize(("start", "end"), RANGES)
def test_figures_are_those_of_every_row(history, start, end):
    assert shown(start, end) == from_every_row(start, end)


def test_a_month_is_a_month_on_the_sites_clock(staff):
    """In summer 00:30 on 1 July is 23:30 on 30 June in UTC: it counts in July, whether the
    month is read whole or cut."""
    for moment in [local(2026, 6, 30, 23, 30), local(2026, 7, 1, 0, 30)]:
        log(
            ProposalFactory(proposer=staff),
            staff,
            [("submit", "draft", "with_office_head", moment)],
        )
    assessed(AccountFactory(), local(2026, 7, 1, 0, 15))

    whole = figures(datetime.date(2026, 6, 1), datetime.date(2026, 7, 31))["trend"]
    cut = figures(datetime.date(2026, 6, 30), datetime.date(2026, 7, 1))["trend"]
    day = figures(datetime.date(2026, 7, 1), datetime.date(2026, 7, 1))["trend"]

    assert whole == cut == [["Jun 2026", 1, 0, 0, 0], ["Jul 2026", 1, 0, 0, 1]]
    assert day == [["Jul 2026", 1, 0, 0, 1]]


@pytest.mark.parametrize(
    ("entered", "decided", "median"),
    [
        # 25 hours as the clocks go forward (26 on the clock's face: 1.1).
        (local(2026, 3, 28, 12), local(2026, 3, 29, 14), 1.0),
        # 25.5 hours as they go back (24.5 on the clock's face: 1.0).
        (local(2025, 10, 25, 12), local(2025, 10, 26, 12, 30), 1.1),
    ],
)
def test_time_at_a_stage_is_time_passed_when_the_clocks_change(staff, entered, decided, median):
    log(
        ProposalFactory(proposer=staff),
        staff,
        [
            ("submit", "draft", "with_office_head", entered),
            ("decline", "with_office_head", "declined", decided),
        ],
    )

    rows = figures(entered.date(), decided.date())["decision_time"]

    assert rows[0] == ["Office head: approval in principle", 1, median]


def test_an_empty_range_shows_noughts(staff):
    log(
        ProposalFactory(proposer=staff),
        staff,
        [("submit", "draft", "with_office_head", local(2026, 3, 2, 9))],
    )

    tables = figures(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))

    assert [row[1] for row in tables["outcomes"]] == [0] * len(reports.OUTCOME_ACTIONS)
    assert [row[1:] for row in tables["decision_time"]] == [[0, "–"]] * len(STAGES)
    assert [row[1] for row in tables["reviews"]] == [0] * len(Outcome.choices)
    assert len(tables["trend"]) == 12
    assert {tuple(row[1:]) for row in tables["trend"]} == {(0, 0, 0, 0)}


def test_the_median_of_an_even_count_is_half_way_between_the_middle_two(staff):
    for days in [1, 2, 4, 9]:
        log(
            ProposalFactory(proposer=staff),
            staff,
            [
                ("submit", "draft", "with_office_head", local(2026, 3, 1, 9)),
                ("decline", "with_office_head", "declined", local(2026, 3, 1 + days, 9)),
            ],
        )

    rows = figures(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))["decision_time"]

    assert rows[0][1:] == [4, 3.0]


def test_the_page_runs_the_same_queries_whatever_the_history(
    client, staff, policy_owner, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(reports.timezone, "localdate", lambda: datetime.date(2026, 11, 26))
    ten_years = {"from": "2016-11-28", "to": "2026-11-26"}
    steps = [
        ("submit", "draft", "with_office_head", local(2020, 1, 1, 9)),
        ("approve_in_principle", "with_office_head", "with_dcct", local(2020, 1, 3, 9)),
        ("endorse", "with_dcct", "approved", local(2020, 1, 9, 9)),
    ]
    log(ProposalFactory(proposer=staff), staff, steps)
    client.force_login(policy_owner)
    client.get("/reports/", ten_years)
    cache.clear()  # each measured request reads the offices' names afresh
    with django_assert_max_num_queries(30) as few:
        client.get("/reports/", ten_years)
    for year in range(2017, 2027):
        for _ in range(3):
            moved = [(*step[:3], step[3].replace(year=year)) for step in steps]
            log(ProposalFactory(proposer=staff), staff, moved)
    assessed(AccountFactory(), local(2026, 11, 2, 9))

    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/reports/", ten_years)

    decided = {table["key"]: table for table in page.context["tables"]}["decision_time"]
    assert decided["rows"][0] == ["Office head: approval in principle", 31, 2.0]


# --- Kept as things are recorded, and counted again on demand ----------------------------------


def kept():
    """The times at a stage, and the days and months with something counted."""

    def counted(model):
        return {
            pk: counts
            for pk, counts in model.objects.values_list("pk", "counts")
            if any(counts.values())
        }

    return (
        sorted(
            TimeAtStage.objects.values_list("decision_id", "stage", "decided_at", "microseconds")
        ),
        counted(DailyCount),
        counted(MonthlyCount),
    )


def test_counting_again_finds_what_was_kept_as_recorded(history):
    as_recorded = kept()

    call_command("recount_report_figures")

    assert kept() == as_recorded
    assert len(as_recorded[0]) > 20 and len(as_recorded[2]) > 20


def test_the_migration_counts_what_is_already_recorded(history):
    as_recorded = kept()
    for model in (TimeAtStage, DailyCount, MonthlyCount):
        model.objects.all().delete()
    migration = importlib.import_module("portal.migrations.0001_report_figures")

    migration.count_what_is_there(apps, None)

    assert kept() == as_recorded


def test_decisions_loaded_in_bulk_are_counted_by_the_command(staff):
    proposal = ProposalFactory(proposer=staff)
    Decision.objects.bulk_create(
        [
            Decision(
                proposal=proposal,
                actor=staff,
                actor_role="r",
                action=action,
                from_state=from_state,
                to_state=to_state,
                created_at=moment,
            )
            for action, from_state, to_state, moment in [
                ("submit", "draft", "with_office_head", local(2026, 3, 2, 9)),
                ("decline", "with_office_head", "declined", local(2026, 3, 5, 9)),
            ]
        ]
    )
    march = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert figures(*march)["decision_time"][0][1] == 0

    services.recount_report_figures()

    assert figures(*march)["decision_time"][0][1:] == [1, 3.0]
    assert shown(*march) == from_every_row(*march)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_decisions_logged_at_once_are_all_counted(monkeypatch, staff):
    """Each writer counts its month again behind the month's row lock: the last to count has
    seen the others' decisions committed, so none is lost."""
    proposals = [ProposalFactory(proposer=staff) for _ in range(3)]
    meet_before(monkeypatch, (services, "_recount"), parties=3)

    def submit(proposal):
        with transaction.atomic():
            log(proposal, staff, [("submit", "draft", "with_office_head", timezone.now())])

    results = at_once(*(lambda proposal=proposal: submit(proposal) for proposal in proposals))

    assert results == [None, None, None]
    month = timezone.localdate().replace(day=1)
    assert MonthlyCount.objects.get(month=month).counts["decisions"] == {"submit": 3}


def test_counting_later_counts_nothing_until_the_end_and_then_everything(staff, dcct):
    proposal = ProposalFactory(proposer=staff)

    with services.counting_later():
        log(proposal, staff, [("submit", "draft", "with_office_head", timezone.now())])
        assert not DailyCount.objects.exists()

    assert sum(count.counts["decisions"].get("submit", 0) for count in DailyCount.objects.all())
    as_counted = kept()
    call_command("recount_report_figures")
    assert kept() == as_counted


def test_the_demo_is_counted_for_the_reports_once_it_is_loaded():
    call_command("seed_demo", stdout=io.StringIO())

    times, days, _ = kept()
    counted = Counter()
    for counts in days.values():
        counted.update(group for group, figures in counts.items() if figures)
    assert len(times) > 5  # the stages the demo's proposals went through
    assert counted["decisions"] > 5 and counted["reviews"] > 5


def test_accounts_are_counted_on_the_days_they_go_live_and_close():
    live = AccountFactory(went_live_on=datetime.date(2026, 3, 2))
    AccountFactory(went_live_on=datetime.date(2026, 3, 2), kind="corporate")
    closed = AccountFactory(
        state="closed",
        went_live_on=datetime.date(2025, 1, 6),
        closed_on=datetime.date(2026, 3, 20),
        closure_reason="not_effective",
    )

    days = dict(DailyCount.objects.values_list("day", "counts"))
    assert sum(days[datetime.date(2026, 3, 2)]["went_live"].values()) == 2
    assert days[datetime.date(2026, 3, 20)]["closed"] == {"not_effective": 1}
    march = MonthlyCount.objects.get(month=datetime.date(2026, 3, 1)).counts
    assert sum(march["went_live"].values()) == 2 and march["closed"] == {"not_effective": 1}

    closed.delete()
    live.display_name = "Renamed"
    live.save(update_fields=["display_name"])  # counts nothing again

    march = MonthlyCount.objects.get(month=datetime.date(2026, 3, 1)).counts
    assert "closed" not in march and sum(march["went_live"].values()) == 2
    as_kept = kept()
    call_command("recount_report_figures")
    assert kept() == as_kept


def test_saving_what_the_reports_do_not_count_counts_nothing_again(django_assert_num_queries):
    account = AccountFactory(went_live_on=datetime.date(2026, 3, 2))
    account = Account.objects.get(pk=account.pk)
    account.display_name = "Renamed"

    with django_assert_num_queries(1):  # the UPDATE alone: no day counted, no month locked
        account.save(update_fields=["display_name"])
    Account.objects.filter(pk=account.pk).update(state="closure_proposed")
    account = Account.objects.get(pk=account.pk)  # as a transition leaves it, the whole row
    with django_assert_num_queries(1):
        account.save()


def test_a_changed_day_is_counted_again_on_both_days():
    account = AccountFactory(went_live_on=datetime.date(2026, 3, 2))
    account = Account.objects.get(pk=account.pk)

    account.went_live_on = datetime.date(2026, 4, 7)
    account.save()

    days = dict(DailyCount.objects.values_list("day", "counts"))
    assert "went_live" not in days[datetime.date(2026, 3, 2)]
    assert sum(days[datetime.date(2026, 4, 7)]["went_live"].values()) == 1
    assert "went_live" not in MonthlyCount.objects.get(month=datetime.date(2026, 3, 1)).counts


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_the_accounts_already_live_and_closed():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = ("portal", "0001_report_figures"), ("portal", "0002_accounts_counted_by_day")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    with services.counting_later():  # no counting as they are made; the migration counts them
        AccountFactory(went_live_on=datetime.date(2026, 3, 2), kind="corporate")
        AccountFactory(
            state="closed",
            went_live_on=datetime.date(2025, 1, 6),
            closed_on=datetime.date(2026, 3, 20),
            closure_reason="not_effective",
        )
    DailyCount.objects.all().delete()
    MonthlyCount.objects.all().delete()
    DailyCount.objects.create(day=datetime.date(2026, 3, 2), counts={"decisions": {"submit": 4}})

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([after])

    days = dict(DailyCount.objects.values_list("day", "counts"))
    assert days[datetime.date(2026, 3, 2)] == {
        "decisions": {"submit": 4},
        "went_live": {"corporate": 1},
    }
    assert days[datetime.date(2026, 3, 20)] == {"closed": {"not_effective": 1}}
    assert days[datetime.date(2025, 1, 6)] == {"went_live": {"corporate": 1}}
    march = MonthlyCount.objects.get(month=datetime.date(2026, 3, 1)).counts
    assert march == {"went_live": {"corporate": 1}, "closed": {"not_effective": 1}}
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())  # the schema the other tests expect
