"""The register's search reads trigram indexes on PostgreSQL (accounts migration 0015)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pg_trgm")
def test_names_and_handles_have_trigram_indexes_for_contains_searches():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'accounts_account'"
        )
        indexes = dict(cursor.fetchall())

    for name, column in [
        ("account_name_trigram", "display_name"),
        ("account_handle_trigram", "handle"),
    ]:
        assert "gin_trgm_ops" in indexes[name] and f"upper(({column})::text)" in indexes[name]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index-only scans")
@pytest.mark.parametrize("reverse", [False, True], ids=["from the start", "from the end"])
def test_a_register_pages_keys_are_read_from_its_index_alone(reverse):
    """The register's keys, in its order, and the public register's (which leaves some states
    out), from the index without a visit to the table: were the index to lose the columns it
    carries, a page 10,000 accounts deep would visit the table 10,000 times (21 ms, against 2).
    The planner is left no other way, so that a plan it cannot make shows as a sequential
    scan."""
    from accounts.models import Account
    from accounts.register import public_accounts

    for accounts in (Account.objects.all(), public_accounts()):
        keys = accounts.reverse() if reverse else accounts
        sql, params = keys.values_list("pk", flat=True)[100:125].query.sql_with_params()
        with connection.cursor() as cursor:
            for setting in ("enable_seqscan", "enable_indexscan", "enable_bitmapscan"):
                cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Index Only Scan" in plan and "account_register_order" in plan, plan
