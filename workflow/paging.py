"""Paging long lists without reading every row of them for a deep page."""

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection


class KeysFirstPaginator(Paginator):
    """A Paginator for querysets that reads a page in two steps: the keys of the page's rows,
    in the list's order (narrow rows, which the list's index can serve), then those rows, with
    what the list joins and prefetches. A deep page (an OFFSET of thousands) otherwise sorts
    every whole row of the list, joins included, to keep a page of them; a page past the middle
    is read from the end."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom > self.count - top and _ordered_to_the_key(self.object_list):
            # Nearer the end: read from the end in the reverse order, so that the last page
            # skips as few rows as the first. Only for an order that ends with the key: with
            # ties left to the database, the reverse order need not mirror the forward one.
            from_end = self.object_list.reverse().values_list("pk", flat=True)
            keys = list(from_end[self.count - top : self.count - bottom])[::-1]
        else:
            keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(_in_order(self.object_list, keys), number, self)


KEYS = {"pk", "-pk", "id", "-id"}


def _ordered_to_the_key(queryset) -> bool:
    """The queryset's order is total: its last term is the key (so ties never reach the
    database's whim)."""
    order = list(queryset.query.order_by) or (
        list(queryset.model._meta.ordering) if queryset.query.default_ordering else []
    )
    return bool(order) and isinstance(order[-1], str) and order[-1] in KEYS


def first_rows(queryset, count: int, *, any_of=None) -> list:
    """The first `count` rows of a list, read as KeysFirstPaginator reads a page: their keys
    in the list's order, then those rows with what the list joins. For the short lists of a
    page (a home page's "your accounts"), whose join the planner would otherwise make for
    every row of the list before keeping a few.

    With `any_of` (filters), the list is the rows that match any of them, and its keys come
    from a UNION of each filter's first `count` in the list's order (which must be by plain
    fields, ending with a unique one): each read through its own index, where an OR of them
    would sort every row that matches either."""
    if any_of:
        order = queryset.query.order_by
        if not _ordered_to_the_key(queryset) or not all(isinstance(term, str) for term in order):
            raise ValueError("first_rows(any_of=...) needs an order of field names ending with pk")
        parts = [
            queryset.filter(condition).order_by().values_list("pk", *_fields(order))
            for condition in any_of
        ]
        if connection.features.supports_slicing_ordering_in_compound:  # not SQLite
            parts = [part.order_by(*order)[:count] for part in parts]
        first, *rest = parts
        keys = [row[0] for row in first.union(*rest).order_by(*order)[:count]]
    else:
        keys = list(queryset.values_list("pk", flat=True)[:count])
    return _in_order(queryset, keys)


def _in_order(queryset, keys) -> list:
    """The queryset's rows with these keys, in the keys' order (with what it joins and
    prefetches), read without sorting: the keys came in the list's order."""
    rows = {row.pk: row for row in queryset.filter(pk__in=keys).order_by()}
    return [rows[key] for key in keys if key in rows]


def _fields(order) -> list[str]:
    """The fields an order_by names ("-name" is "name"), but the key, which is selected first."""
    fields = [name.removeprefix("-") for name in order]
    return [name for name in fields if name not in ("pk", "id")]


def counts(querysets) -> list[int]:
    """How many rows each queryset holds, in one statement: a dashboard of many queues asks
    once, not once a queue (each query costs its round trip and Django's own work besides)."""
    selects, params, empty = [], [], set()
    for number, queryset in enumerate(querysets):
        try:
            sql, query_params = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # .none(), or a filter Django knows matches nothing
            empty.add(number)
            continue
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{number})")
        params.extend(query_params)
    found = []
    if selects:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(selects)}", params)
            found = list(cursor.fetchone())
    found.reverse()
    return [0 if number in empty else found.pop() for number in range(len(querysets))]
