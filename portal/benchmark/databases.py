"""The benchmark's three databases, beside the configured one and never it:
`<name>_bench_small`, `<name>_bench_young` and `<name>_bench_large`, on the same PostgreSQL
server. The first is migrated, the others copied from it while still empty (CREATE DATABASE
... TEMPLATE), and each filled. A database holds a finished data set once its comment says so,
with the scale and years it was made at, so that `--reuse` never measures a half-made one.

- small: a hundredth of the large one, organisation and all;
- young: the large one's organisation, with the same work in hand, generate.YOUNG_YEARS into
  using the system;
- large: that organisation generate.YEARS in."""

import contextlib
import time
from dataclasses import dataclass

from django.core.management import call_command
from django.db import connections

from portal.benchmark.generate import SMALL_FRACTION, YEARS, YOUNG_YEARS

MARK = "socialgov benchmark data"


@dataclass
class Database:
    size: str  # "small", "young" or "large"
    name: str
    scale: float
    years: int = YEARS
    wrapper: object = None  # the connection that reads and writes it

    @property
    def comment(self) -> str:
        return f"{MARK}, scale {self.scale:g}, {self.years} years"


class Databases:
    """Creates, fills, switches to and drops the benchmark's databases. The switch swaps the
    default connection for one of the database's own (each stays open, as a web process's
    persistent connection would), and back."""

    def __init__(self, *, scale: float):
        self.base = connections["default"]
        name = self.base.settings_dict["NAME"]
        self.all = {
            "small": Database("small", f"{name}_bench_small", scale * SMALL_FRACTION),
            "young": Database("young", f"{name}_bench_young", scale, YOUNG_YEARS),
            "large": Database("large", f"{name}_bench_large", scale),
        }

    def __getitem__(self, size: str) -> Database:
        return self.all[size]

    # --- The server ---------------------------------------------------------------------------

    def _server(self, sql: str, params=None):
        """Run one statement outside any database of ours (on the server's maintenance
        database, as Django's test runner does to create its own)."""
        with self.base._nodb_cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    def _quoted(self, database: Database) -> str:
        return self.base.ops.quote_name(database.name)

    def exists(self, database: Database) -> bool:
        return bool(self._server("SELECT 1 FROM pg_database WHERE datname = %s", [database.name]))

    def finished(self, database: Database) -> bool:
        """It exists and holds a whole data set made at its scale."""
        rows = self._server(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [database.name],
        )
        return bool(rows) and rows[0][0] == database.comment

    def drop(self, database: Database) -> None:
        self.disconnect(database)
        self._server(f"DROP DATABASE IF EXISTS {self._quoted(database)} WITH (FORCE)")

    def create(self, database: Database, *, template: Database | None = None) -> None:
        """A new, empty database; from `template` (empty and migrated) if given."""
        self.drop(database)
        copied = f" TEMPLATE {self._quoted(template)}" if template else ""
        if template:
            self.disconnect(template)
        self._server(f"CREATE DATABASE {self._quoted(database)}{copied}")

    def mark_finished(self, database: Database) -> None:
        self._server(f"COMMENT ON DATABASE {self._quoted(database)} IS %s", [database.comment])

    # --- The connection -----------------------------------------------------------------------

    def wrapper(self, database: Database):
        if database.wrapper is None:
            settings = {**self.base.settings_dict, "NAME": database.name}
            database.wrapper = self.base.__class__(settings, alias=self.base.alias)
        return database.wrapper

    def disconnect(self, database: Database) -> None:
        if database.wrapper is not None:
            database.wrapper.close()

    def switch(self, database: Database):
        """Make `database` the default connection's, connected (the switch is not timed)."""
        wrapper = self.wrapper(database)
        connections[self.base.alias] = wrapper
        wrapper.ensure_connection()
        return wrapper

    @contextlib.contextmanager
    def using(self, database: Database):
        previous = connections[self.base.alias]
        try:
            yield self.switch(database)
        finally:
            connections[self.base.alias] = previous

    def restore(self) -> None:
        """The default connection as it was; the benchmark's closed."""
        connections[self.base.alias] = self.base
        for database in self.all.values():
            self.disconnect(database)

    # --- Making them --------------------------------------------------------------------------

    def migrate(self, database: Database) -> float:
        started = time.perf_counter()
        with self.using(database):
            call_command("migrate", verbosity=0, interactive=False)
        self.disconnect(database)
        return time.perf_counter() - started
