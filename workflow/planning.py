"""One object and what its page shows, read without PostgreSQL weighing every order of its
joins.

A detail page reads its object by primary key with its foreign keys joined (the review page:
eight tables). The planner tries every order of up to `join_collapse_limit` (8) joined tables,
and with the indexes these tables carry that took 5 to 9 ms to plan a query that runs in 0.5 ms
(session 28, large benchmark set). For one row found by its key, the order Django writes the
joins in (the row first, then each related row by its key) is already the best one, so
`joins_as_written` has PostgreSQL keep it (`join_collapse_limit = 1`) for the statements inside
it: the object's query and its prefetches.

The setting is made with SET LOCAL in a transaction of its own, so it ends with it and cannot
reach another statement. Inside a transaction already open (a service, a test) there is none
to end it with, and the statements are planned as usual. Elsewhere than PostgreSQL it does
nothing."""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextmanager
def joins_as_written(using=DEFAULT_DB_ALIAS):
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL join_collapse_limit = 1")
        yield
