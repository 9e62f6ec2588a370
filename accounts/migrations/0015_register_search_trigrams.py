"""Trigram indexes for the register's search (a name or handle containing the words typed): on
PostgreSQL only, where `icontains` becomes UPPER(column) LIKE '%…%', which no b-tree serves and
which read every account on each search. SQLite (the embedded default) keeps its plain scan."""

from django.db import migrations

INDEXES = {
    "account_name_trigram": "display_name",
    "account_handle_trigram": "handle",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON accounts_account "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0014_waiting_for_you_in_order")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
