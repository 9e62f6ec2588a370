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
