"""A person's "waiting for you" list across every workflow, read a page at a time.

Each app says what can wait for a person (a `Kind`: a model, what its page rows need, and how
one is shown) and, for a given person, which of its objects wait for them now (`Source`s:
querysets that hold exactly those objects, every rule applied in the database). `WaitingList`
merges the sources without reading them whole: one statement over a UNION ALL of their keys
counts the list (up to a cap) and gives the first page's keys; another page's keys come from
the same UNION ALL, each source read in its own order only as far as the page needs; and only
that page's objects are then read and shown.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import CharField, F, Model, QuerySet, Value
from django.utils import timezone

KINDS: dict[str, "Kind"] = {}  # every Kind by name, for keys read back from the cache


@dataclass(frozen=True)
class Kind:
    """One kind of object that can wait for somebody."""

    name: str  # unique among the kinds, e.g. "proposal"
    model: type[Model]
    show: Callable  # (object, user) -> the item's dict, as includes/work_items.html reads it
    related: tuple[str, ...] = ()  # select_related for a page's objects
    prefetch: tuple = ()  # prefetch_related for a page's objects

    def __post_init__(self):
        KINDS[self.name] = self


@dataclass(frozen=True)
class Source:
    """The objects of one kind that wait for a person for one reason: a queryset of exactly
    those objects, every rule already in its filter (a list that shows a page needs its
    count from the database, so no rule may be left to Python)."""

    kind: Kind
    objects: QuerySet
    since: str = "state_changed_at"  # the field that says since when it has waited

    def keys(self) -> QuerySet:
        """(kind, pk, since) of each object."""
        return (
            self.objects.order_by()
            .annotate(waiting_kind=Value(self.kind.name, output_field=CharField()))
            .annotate(waiting_since=F(self.since))
            .values_list("waiting_kind", "pk", "waiting_since")
        )


CACHE_VERSION_KEY = "waiting:version"
UNREAD_FIELDS = {"last_login"}
CACHE_SECONDS = 60


def changed(update_fields=None, action=None, **kwargs) -> None:
    """Something a list may turn on was saved or deleted: every cached list is stale. Marked at
    once, and again once the change is committed (a list read in between, from before it,
    would otherwise be kept as current), once however many rows the transaction changes. A
    save of fields no list reads (a person's last sign-in, which every sign-in writes), and
    the "pre_" half of a change of roles, change nothing."""
    if update_fields is not None and set(update_fields) <= UNREAD_FIELDS:
        return
    if action is not None and not action.startswith("post_"):
        return
    _next_version()
    already = any(func is _next_version for _, func, _ in connection.run_on_commit)
    if not already:
        transaction.on_commit(_next_version)


def _next_version() -> None:
    try:
        cache.incr(CACHE_VERSION_KEY)
    except ValueError:  # not there (new, or the cache was emptied): any number is new
        cache.set(CACHE_VERSION_KEY, 1, timeout=None)


def _version() -> int:
    version = cache.get(CACHE_VERSION_KEY)
    if version is None:
        cache.add(CACHE_VERSION_KEY, 1, timeout=None)
        version = cache.get(CACHE_VERSION_KEY, 1)
    return version


@dataclass
class WaitingList:
    """The items waiting for `user` from `sources`, oldest first, as a sequence a Paginator
    pages: `count()` and slices read the database, nothing else does.

    The sources must not overlap (each app's `waiting_for` keeps them apart, and a test holds
    them to it): they are joined with UNION ALL, so that each is read in its own order only as
    far as a page (or the count's cap) needs, where a UNION would read them whole to remove
    duplicates. The count stops at COUNT_CAP: past it a person is told "1,000+", and the list
    pages that far; DCCT's own queues list everything."""

    sources: list[Source] | Callable[[], list[Source]]  # or what makes them, when first needed
    user: object
    first: int = 10  # the first page's length: its keys are read with the count
    # Where set (the home page: "home:<person>"), the count and the first page's keys are kept
    # in the cache for CACHE_SECONDS at most: less when a model the sources read is saved or
    # deleted (`changed`, connected in portal.apps) or the day ends. Writes that send no
    # signal (the review job's bulk insert, a bulk update) show within that minute. The
    # objects shown are always read afresh, and each person's list is their own.
    cache_key: str = ""
    _count: int | None = field(default=None, repr=False)
    _first_keys: list | None = field(default=None, repr=False)

    COUNT_CAP: ClassVar[int] = 1000

    def _sources(self) -> list[Source]:
        if callable(self.sources):
            self.sources = self.sources()
        return self.sources

    def _keys(self, oldest=None):
        """The sources' keys as one UNION ALL; with `oldest`, only that many of each source's,
        its oldest, where the database allows a LIMIT inside a UNION (SQLite does not, and
        reads each whole, which its small data allows)."""
        parts = [source.keys() for source in self._sources()]
        compound = len(parts) > 1
        if (
            compound
            and oldest is not None
            and connection.features.supports_slicing_ordering_in_compound
        ):
            parts = [part.order_by("waiting_since", "pk")[:oldest] for part in parts]
        first, *rest = parts
        return first.union(*rest, all=True) if rest else first

    def _ordered_keys(self, start: int, stop: int) -> list:
        """(kind, pk) of the items from `start` to `stop`, oldest first."""
        keys = self._keys(stop).order_by("waiting_since", "waiting_kind", "pk")
        return [(kind, pk) for kind, pk, _since in keys[start:stop]]

    def _counted(self) -> int:
        """How many wait, counted up to one past COUNT_CAP, with the first page's keys."""
        if self._count is None:
            key = self._cached_as()
            kept = cache.get(key) if key else None
            if kept is not None:
                self._count, self._first_keys = kept
            elif not self._sources():
                self._count = 0
            else:
                self._count, self._first_keys = self._count_and_first_keys()
                if key:
                    cache.set(key, (self._count, self._first_keys), timeout=CACHE_SECONDS)
        return self._count

    def _count_and_first_keys(self) -> tuple[int, list | None]:
        """How many wait (up to one past COUNT_CAP) and the first page's keys with one more,
        in one statement: the UNION ALL is planned and read once, where a page of keys and a
        count would each plan and read it (half of a large office head's home page). Past the
        cap, the rows counted are not all the rows, so the first page is read in order later."""
        try:
            union, params = self._keys().query.sql_with_params()
        except EmptyResultSet:  # every source is one Django knows holds nothing
            return 0, []
        capped = self.COUNT_CAP + 1
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT waiting_kind, pk, COUNT(*) OVER () FROM "
                f"(SELECT * FROM ({union}) AS listed LIMIT {capped}) AS counted "
                f"ORDER BY waiting_since, waiting_kind, pk LIMIT {self.first + 1}",
                params,
            )
            rows = cursor.fetchall()
        count = rows[0][2] if rows else 0
        return count, ([(kind, pk) for kind, pk, _ in rows] if count < capped else None)

    def _cached_as(self) -> str:
        if not self.cache_key:
            return ""
        today = timezone.localdate().isoformat()  # what is overdue changes with the day
        return f"waiting:v2:{self.cache_key}:{self.first}:{_version()}:{today}"

    def count(self) -> int:
        """How many are listed (and paged): no more than COUNT_CAP."""
        return min(self._counted(), self.COUNT_CAP)

    @property
    def capped(self) -> bool:
        """More wait than are listed: the count reads "1,000+"."""
        return self._counted() > self.COUNT_CAP

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[0 : self.count()])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        if index.stop is not None and index.stop <= (index.start or 0):
            return []
        start = index.start or 0
        stop = min(self.COUNT_CAP if index.stop is None else index.stop, self.COUNT_CAP)
        first_keys = self._first_keys
        if first_keys is not None and (stop <= len(first_keys) or len(first_keys) <= self.first):
            rows = first_keys[start:stop]  # read with the count
        elif not self._sources():
            return []
        else:
            rows = self._ordered_keys(start, stop)
        wanted = defaultdict(list)
        for name, pk in rows:
            wanted[name].append(pk)
        found = {}
        for name, pks in wanted.items():
            kind = KINDS[name]
            objects = (
                kind.model.objects.filter(pk__in=pks)
                .select_related(*kind.related)
                .prefetch_related(*kind.prefetch)
            )
            found.update({(name, obj.pk): obj for obj in objects})
        return [
            KINDS[name].show(found[(name, pk)], self.user)
            for name, pk in rows
            if (name, pk) in found
        ]
