"""manage.py benchmark (issue 13): it refuses where it cannot run, and on PostgreSQL, at a tiny
scale, prints a row for every page family, each answering 200 on each of its three data sets;
a young history is the same organisation and work in hand as a long one, with less history."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from evaluation.models import add_months
from portal.benchmark.generate import (
    ACCOUNT_STATES,
    ACCOUNTS_IN_HAND,
    PROPOSAL_STATES,
    PROPOSALS_IN_HAND,
    YEARS,
    YOUNG_YEARS,
    count_of,
    in_hand,
    months_after,
)
from portal.benchmark.measure import FAMILIES, select
from tests.races import on_postgresql


def test_refuses_sqlite(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("benchmark")


def test_refuses_production_settings(settings):
    settings.ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="production settings"):
        call_command("benchmark")


def test_only_names_families_or_the_start_of_their_keys():
    assert [family.key for family in select("home_dcct,queue")] == [
        "home_dcct",
        "queue",
        "queue_deep",
    ]
    assert len(select("home")) == 5
    with pytest.raises(ValueError, match="No page family nowhere"):
        select("nowhere")


def test_generator_months_are_add_months():
    start = datetime.date(2015, 12, 1)
    for offset in range(0, 800, 7):
        day = start + datetime.timedelta(days=offset)
        for months in (1, 3, 6, 12, 37):
            for anchor in (day.day, 29, 30, 31):
                assert months_after(day, months, anchor) == add_months(day, months, anchor)


def test_a_young_history_is_the_same_organisation_and_work_in_hand_with_less_history():
    for what in ("offices", "people"):
        assert count_of(what, 1, YOUNG_YEARS) == count_of(what, 1, YEARS)
    assert count_of("proposals", 1, YOUNG_YEARS) == count_of("proposals", 1) * YOUNG_YEARS // YEARS

    def in_hand_count(weights, states, years, total):
        shares = in_hand(weights, states, years)
        return total * sum(shares[state] for state in states) / sum(shares.values())

    for weights, states in (
        (PROPOSAL_STATES, PROPOSALS_IN_HAND),
        (ACCOUNT_STATES, ACCOUNTS_IN_HAND),
    ):
        young = in_hand_count(weights, states, YOUNG_YEARS, 10_000)
        old = in_hand_count(weights, states, YEARS, 50_000)
        assert 0.9 < young / old < 1.1, (states, young, old)


@on_postgresql
def test_times_every_page_family_on_every_size(django_db_blocker):
    out, err = StringIO(), StringIO()
    with django_db_blocker.unblock():
        try:
            call_command("benchmark", "--scale", "0.002", "--requests", "1", stdout=out, stderr=err)
        except CommandError as error:  # a page that did not answer 200: show what it said
            pytest.fail(f"{error}\n{out.getvalue()}\n{err.getvalue()}")
    printed = out.getvalue()
    missing = [
        family.key
        for family in FAMILIES
        if not re.search(rf"^{family.key} +200 ", printed, re.MULTILINE)
    ]
    assert not missing, f"no row with 200 for {missing}:\n{printed}\n{err.getvalue()}"
    counted = re.findall(r"^\w+ +200 +(\d+)/(\d+)/(\d+) ", printed, re.MULTILINE)
    assert len(counted) == len(FAMILIES)
    assert all(int(queries) > 0 for row in counted for queries in row), printed
    assert "raise_due_reviews first run" in printed
    # How fast the machine was, so that milliseconds are read against runs alike.
    assert re.search(
        r"^This machine: \d+ CPUs; a Python loop of ten million additions \d+\.\d\d s \(best "
        r"of three\); a round trip to the database \d+\.\d\d ms \(median of 200\)\.$",
        printed,
        re.MULTILINE,
    ), printed
    assert re.search(
        r"^Dropped \S+_bench_small, \S+_bench_young and \S+_bench_large\.$", printed, re.MULTILINE
    )


def test_a_deep_page_is_the_middle_of_the_persons_list():
    from portal.benchmark.measure import DEEP, _deepest

    class Pager:
        def __init__(self, html):
            self.html, self.asked = html, []

        def get(self, path):
            self.asked.append(path)
            return type("Response", (), {"content": self.html.encode()})()

    nine = Pager('<span class="page-link">Page 1 of 9</span>')
    assert _deepest(nine, f"/accounts/?page={DEEP}") == "/accounts/?page=5"
    assert nine.asked == ["/accounts/?page=1"]
    assert _deepest(Pager('<span class="page-link">Page 1 of 2</span>'), f"/?page={DEEP}") == (
        "/?page=1"
    )
    assert _deepest(Pager("<p>No pager: one page.</p>"), f"/?page={DEEP}") == "/?page=1"
