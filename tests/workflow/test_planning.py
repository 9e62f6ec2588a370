"""A detail page's object is read with its joins planned in the order written (workflow.planning):
on PostgreSQL, in a transaction of its own whose end ends the setting; inside a transaction
already open, and elsewhere than PostgreSQL, planned as usual."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.races import on_postgresql
from workflow.planning import joins_as_written

SET = "SET LOCAL join_collapse_limit = 1"


def _join_collapse_limit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return cursor.fetchone()[0]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_setting_holds_inside_and_ends_with_its_own_transaction():
    default = _join_collapse_limit()
    assert default != "1"
    with joins_as_written():
        assert connection.in_atomic_block
        assert _join_collapse_limit() == "1"
    assert not connection.in_atomic_block
    assert _join_collapse_limit() == default


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_failure_inside_leaves_the_connection_as_it_was():
    default = _join_collapse_limit()
    with pytest.raises(ZeroDivisionError), joins_as_written():
        _ = 1 / 0
    assert _join_collapse_limit() == default
    with connection.cursor() as cursor:  # the connection is usable: nothing was left aborted
        cursor.execute("SELECT 1")


@pytest.mark.django_db
def test_inside_a_transaction_already_open_nothing_is_set():
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), joins_as_written():
        pass
    assert not [query for query in queries if "join_collapse_limit" in query["sql"]]
