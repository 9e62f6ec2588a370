"""The page families the benchmark times, each as the busiest person of the role that uses it,
and the timing: request by request, each data set in turn, the cache emptied before each, so
that what is timed is the page's own work.

Two ratios, both of p95 on the large set: over the small set's (a hundredth of everything,
the organisation and its work in hand with it: a page listing what is in hand shows fewer rows
there), and over the young set's (the same organisation and work in hand with a fifth of the
history: what the large set adds is the years alone)."""

import gc
import math
import os
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, AccountMember
from evaluation.models import Review
from people.models import Office, User
from people.roles import Role
from proposals.models import Decision, Proposal

# A deep page: the list's middle one, where its whole page of rows is furthest from either end
# (KeysFirstPaginator reads a page past the middle from the end, so the last page is as cheap
# as the first). `_deepest` finds it for the person measured; its rows are a full page at
# either size, where the last page of the small set may hold one row against the large
# set's 25, which timed the rows rendered, not the depth.
DEEP = "deepest"
PAGES = re.compile(r"Page \d+ of (\d+)<")
SIZES = ("small", "young", "large")
GROWTH = 1.3  # p95 on the large set over p95 on a smaller one, beyond which a page is marked
# ... when it is also this much slower: a 6 ms page that takes 9 ms once is noise, not growth.
NOISE_MS = 5
LIMIT_MS = 75
REPORTS_LIMIT_MS = 150
# A private cache for the run: clearing it never touches the project's Redis (which may hold
# the Celery broker's queues).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _ten_years() -> str:
    today = timezone.localdate()
    return f"from={today.replace(year=today.year - 10, day=min(today.day, 28))}&to={today}"


@dataclass(frozen=True)
class Family:
    key: str
    label: str
    who: str  # a role of the cast, or "public"
    path: Callable[[dict], str]  # the address, from the cast of the database measured
    limit_ms: float = LIMIT_MS


FAMILIES = [
    Family("home_staff", "Home: staff with most proposals", "staff", lambda c: reverse("home")),
    Family("home_head", "Home: head of biggest office", "head", lambda c: reverse("home")),
    Family("home_dcct", "Home: DCCT", "dcct", lambda c: reverse("home")),
    Family("home_hec", "Home: HEC", "hec", lambda c: reverse("home")),
    Family("home_owner", "Home: owner of most accounts", "owner", lambda c: reverse("home")),
    Family("queue", "DCCT queue, first page", "dcct", lambda c: reverse("proposals:queue")),
    Family(
        "queue_deep",
        "DCCT queue, middle page",
        "dcct",
        lambda c: f"{reverse('proposals:queue')}?page={DEEP}",
    ),
    Family(
        "my_proposals_deep",
        "My proposals, middle page",
        "staff",
        lambda c: f"{reverse('proposals:mine')}?page={DEEP}",
    ),
    Family("awaiting", "Awaiting approval", "head", lambda c: reverse("proposals:awaiting")),
    Family("dcct_dashboard", "DCCT dashboard", "dcct", lambda c: reverse("dcct-dashboard")),
    Family("hec_inbox", "HEC inbox", "hec", lambda c: reverse("hec-inbox")),
    Family("office_view", "Office view", "head", lambda c: reverse("office-view")),
    Family(
        "reports",
        "Reports, ten years",
        "policy_owner",
        lambda c: f"{reverse('reports')}?{_ten_years()}",
        REPORTS_LIMIT_MS,
    ),
    Family(
        "register_deep",
        "Register of accounts, middle page",
        "dcct",
        lambda c: f"{reverse('accounts:register')}?page={DEEP}",
    ),
    Family(
        "reviews_overdue",
        "Reviews, overdue",
        "dcct",
        lambda c: f"{reverse('evaluation:reviews')}?show=overdue",
    ),
    Family(
        "recertifications",
        "Recertifications",
        "dcct",
        lambda c: reverse("evaluation:recertifications"),
    ),
    Family("impersonation", "Impersonation reports", "dcct", lambda c: reverse("accounts:reports")),
    Family(
        "proposal",
        "Proposal, longest history",
        "dcct",
        lambda c: reverse("proposals:detail", args=[c["proposal"]]),
    ),
    Family(
        "account",
        "Account, most reviews",
        "dcct",
        lambda c: reverse("accounts:detail", args=[c["account"]]),
    ),
    Family(
        "review",
        "Review of that account",
        "dcct",
        lambda c: reverse("evaluation:review", args=[c["review"]]),
    ),
    Family("public_register", "Public register", "public", lambda c: reverse("public-register")),
    Family(
        "public_register_deep",
        "Public register, middle page",
        "public",
        lambda c: f"{reverse('public-register')}?page={DEEP}",
    ),
    Family("api_list", "API: accounts", "public", lambda c: reverse("api-accounts")),
    Family(
        "api_verify",
        "API: verify",
        "public",
        lambda c: f"{reverse('api-verify')}?{urlencode({'url': c['verify']})}",
    ),
    Family("register_csv", "Register CSV", "public", lambda c: reverse("register-csv")),
    Family("register_feed", "Register feed", "public", lambda c: reverse("register-feed")),
]


def select(only: str) -> list[Family]:
    """The families `only` names ("home,reports"): a name is a family's key or the start of
    keys ("home" is every home page); empty: all of them."""
    if not only:
        return list(FAMILIES)
    names = [name.strip() for name in only.split(",") if name.strip()]
    unknown = [
        name
        for name in names
        if not any(f.key == name or f.key.startswith(f"{name}_") for f in FAMILIES)
    ]
    if unknown:
        raise ValueError(
            f"No page family {', '.join(unknown)}; choose from {', '.join(f.key for f in FAMILIES)}"
        )
    return [
        family
        for family in FAMILIES
        if any(family.key == name or family.key.startswith(f"{name}_") for name in names)
    ]


def _most(queryset, field_name):
    row = queryset.values(field_name).annotate(n=Count("pk")).order_by("-n", field_name).first()
    return row[field_name] if row else None


def cast() -> dict:
    """Who and what the families read, in the database the default connection points at: the
    busiest person of each role, and the objects with the longest histories."""
    role_holders = set(
        User.objects.filter(groups__name__in=[role.value for role in Role]).values_list(
            "pk", flat=True
        )
    )
    heads = set(Office.objects.exclude(head=None).values_list("head_id", flat=True))
    staff = _most(Proposal.objects.exclude(proposer__in=role_holders | heads), "proposer")
    biggest = Office.objects.annotate(size=Count("members")).order_by("-size", "pk").first()
    current_owners = AccountMember.objects.filter(role="owner", removed_on__isnull=True)
    account = _most(Review.objects.all(), "account")
    review = (
        Review.objects.filter(account=account)
        .order_by("state", "-period_end")  # the latest assessed one, where there is
        .values_list("pk", flat=True)
        .first()
    )
    verify = Account.objects.filter(state="live").exclude(url="").order_by("pk").first()

    def holder(role):
        return User.objects.filter(groups__name=role.value).order_by("pk").first()

    return {
        "staff": User.objects.get(pk=staff),
        "head": biggest.head,
        "dcct": holder(Role.DCCT),
        "hec": holder(Role.HEC),
        "policy_owner": holder(Role.POLICY_OWNER),
        "owner": User.objects.get(
            pk=_most(current_owners.exclude(person_id__in=role_holders | {staff}), "person")
            or staff
        ),
        "proposal": _most(Decision.objects.all(), "proposal"),
        "account": account,
        "review": review,
        "verify": verify.url,
    }


def yardstick(server_cursor) -> str:
    """How fast this machine seemed as the run began, in two figures that do not depend on
    the data: the best of three Python loops of ten million additions (a request's CPU is
    mostly Python), and the median of 200 round trips to the database server (`SELECT 1`, on
    `server_cursor()`: the configured database itself need not exist). A rough guide only:
    it tells a machine twice as slow from a fast one, not 10%, and a shared machine's speed
    changes during a run (on session 28's, the loop took 0.63 to 1.6 s within the hour while
    the pages kept their times). The ratios within one run are what compare."""
    loops = []
    for _ in range(3):
        started, total = time.perf_counter(), 0
        for number in range(10_000_000):
            total += number
        loops.append(time.perf_counter() - started)
    trips = []
    with server_cursor() as cursor:
        for _ in range(200):
            started = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            trips.append((time.perf_counter() - started) * 1000)
    return (
        f"This machine: {os.cpu_count()} CPUs; a Python loop of ten million additions "
        f"{min(loops):.2f} s (best of three); a round trip to the database "
        f"{statistics.median(trips):.2f} ms (median of 200)."
    )


def _p95(samples: list[float]) -> float:
    """The nearest-rank 95th percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass
class Result:
    family: Family
    paths: dict = field(default_factory=dict)  # size: address
    who: dict = field(default_factory=dict)  # size: the person's name
    statuses: dict = field(default_factory=dict)  # size: the statuses answered
    queries: dict = field(default_factory=dict)  # size: queries of one request
    ms: dict = field(default_factory=dict)  # size: the timed requests, in ms
    kilobytes: dict = field(default_factory=dict)  # size: what one request answered
    error: str = ""  # what the first failing request raised

    def median(self, size):
        return statistics.median(self.ms[size])

    def p95(self, size):
        return _p95(self.ms[size])

    def ratio_to(self, size) -> float:
        return self.p95("large") / self.p95(size) if self.p95(size) else math.inf

    @property
    def ratio(self) -> float:
        """Large over small: the organisation a hundred times the size, and its history."""
        return self.ratio_to("small")

    @property
    def history_ratio(self) -> float:
        """Large over young: the same organisation, five times the history."""
        return self.ratio_to("young")

    @property
    def ok(self) -> bool:
        return all(statuses == {200} for statuses in self.statuses.values())

    def _grows_from(self, size) -> bool:
        """Over GROWTH times that set's p95, by more than the timing's noise (NOISE_MS)."""
        return self.ratio_to(size) > GROWTH and self.p95("large") - self.p95(size) > NOISE_MS

    @property
    def grows(self) -> bool:
        return self._grows_from("small")

    @property
    def ages(self) -> bool:
        return self._grows_from("young")

    @property
    def flags(self) -> list[str]:
        marks = []
        if self.ages:
            marks.append(f"grows with history >{GROWTH:g}x")
        if self.grows:
            marks.append(f"grows from small >{GROWTH:g}x")
        if self.p95("large") > self.family.limit_ms:
            marks.append(f">{self.family.limit_ms:g} ms")
        if not self.ok:
            marks.append("NOT 200")
        return marks


def _get(client, path, result) -> tuple[int, float, int]:
    """One request, read to its last byte; returns its status, milliseconds and size."""
    started = time.perf_counter()
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    elapsed = (time.perf_counter() - started) * 1000
    # Not response.close(): the test client has closed it, and closing again would let
    # request_finished close the database connection, which the next timed request reopens.
    if response.exc_info and not result.error:
        result.error = repr(response.exc_info[1])
    return response.status_code, elapsed, len(body)


def _deepest(client, path: str) -> str:
    """The address of the list's middle page for this person (its first, for a list of one
    page), read from the pager its first page shows."""
    first = client.get(path.replace(f"page={DEEP}", "page=1"))
    found = PAGES.search(first.content.decode())
    pages = int(found.group(1)) if found else 1
    return path.replace(f"page={DEEP}", f"page={(pages + 1) // 2}")


def measure(databases, families: list[Family], *, requests: int):
    """Time every family `requests` times at each size, interleaved: request by request, each
    size in turn (which goes first rotates), each on its own database connection kept open
    between requests; the switch is not timed. First, one untimed request per family and
    size counts its queries and warms the templates."""
    results = {family.key: Result(family) for family in families}
    clients = {}
    # The test client's host, as the test runner allows it.
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    # DEBUG off, as served: with it on, every query is also formatted and kept.
    with override_settings(CACHES=CACHES, ALLOWED_HOSTS=hosts, DEBUG=False):
        for size in SIZES:
            with databases.using(databases[size]):
                people = cast()
                for family in families:
                    result = results[family.key]
                    result.paths[size] = family.path(people)
                    client = Client(raise_request_exception=False)
                    if family.who != "public":
                        client.force_login(people[family.who])
                        result.who[size] = str(people[family.who])
                    else:
                        result.who[size] = "(public)"
                    clients[(size, family.key)] = client
                    if f"page={DEEP}" in result.paths[size]:
                        result.paths[size] = _deepest(client, result.paths[size])
                    cache.clear()
                    queries = []  # counted as they run, whatever DEBUG says

                    def count(execute, sql, params, many, context, queries=queries):
                        queries.append(sql)
                        return execute(sql, params, many, context)

                    with connection.execute_wrapper(count):
                        status, _, size_in_bytes = _get(client, result.paths[size], result)
                    _get(client, result.paths[size], result)  # a second warm-up, untimed
                    result.queries[size] = len(queries)
                    result.kilobytes[size] = size_in_bytes / 1024
                    result.statuses[size] = {status}
                    result.ms[size] = []
        gc.collect()  # the warm-ups' garbage is not collected during the timed requests
        for number in range(requests):
            turn = number % len(SIZES)
            order = SIZES[turn:] + SIZES[:turn]
            for family in families:
                result = results[family.key]
                for size in order:
                    databases.switch(databases[size])
                    cache.clear()
                    status, ms, _ = _get(clients[(size, family.key)], result.paths[size], result)
                    result.statuses[size].add(status)
                    result.ms[size].append(ms)
    return list(results.values())


def table(results: list[Result]) -> list[str]:
    """The results as lines of a table (S, Y and L: the small, young and large sets), and the
    addresses under it."""

    def each(values, spec):
        return "/".join(format(value, spec) for value in values)

    rows = []
    for result in results:
        statuses = set().union(*result.statuses.values())
        rows.append(
            (
                result.family.key,
                "200" if result.ok else "/".join(str(code) for code in sorted(statuses)),
                each((result.queries[size] for size in SIZES), "d"),
                each((result.kilobytes[size] for size in SIZES), ".0f"),
                each((result.median(size) for size in SIZES), ".1f"),
                each((result.p95(size) for size in SIZES), ".1f"),
                f"{result.ratio:.2f}",
                f"{result.history_ratio:.2f}",
                ", ".join(result.flags),
            )
        )
    header = ("family", "status", "queries S/Y/L", "KB S/Y/L", "median ms S/Y/L", "p95 ms S/Y/L")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    header += ("p95 L/S", "p95 L/Y", "marks")

    def line(row):
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:6], widths[1:], strict=True)]
        cells += [row[6].rjust(7), row[7].rjust(7)]
        marks = f"!! {row[8]}" if row[8] and row is not header else row[8]
        return " ".join(cells) + "  " + marks

    lines = [line(header)]
    lines.append("-" * len(lines[0]))
    lines.extend(line(row) for row in rows)
    lines.append("")
    lines.append("Pages (as the large set's busiest users see them):")
    for result in results:
        lines.append(
            f"  {result.family.key:<22} {result.family.label}; {result.who['large']}: "
            f"{result.paths['large']}"
        )
    return lines
