"""How every page family's time grows with history (issue 13): each family timed on three data
sets (a hundredth of the large one; the large one's organisation two years in; and ten years
in), as the busiest person of the role that uses it, and raise_due_reviews on
100,000 accounts (benchmark_reviews). Prints figures, failing only where a page does not answer
200. Runs in databases of its own beside the configured one (portal/benchmark/databases.py), on
PostgreSQL only."""

import resource
import time
import tracemalloc

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal.benchmark import databases, generate, measure

REVIEWS_JOB = "raise_due_reviews"


def _megabytes(kilobytes: int) -> str:
    return f"{kilobytes / 1024:,.0f} MB"


def _compact() -> None:
    """REINDEX, then VACUUM ANALYZE: the tables and their indexes as a restored database (or
    one autovacuum has long kept) has them. A bulk load's recounts rewrite every account, and
    the review job's rolled-back 100,000 accounts leave their entries in every index: VACUUM
    frees those pages but does not give them back, and an index seven times its size (the
    partial index of live accounts, 316 pages for 45 pages' worth) makes the planner choose a
    sequential scan over it (DCCT's dashboard: 9.5 ms for a count that takes 3)."""
    with connection.cursor() as cursor:
        cursor.execute("REINDEX SCHEMA public")
        cursor.execute("VACUUM (ANALYZE)")


class Command(BaseCommand):
    help = (
        "Time every page family on a small, a young and a large history (PostgreSQL, in "
        "databases of its own), and raise_due_reviews on 100,000 accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="The large data set's size as a fraction of the full one (50,000 proposals, "
            "20,000 accounts); the small one is a hundredth of it, the young one its "
            "organisation with a fifth of its history. Default 1.",
        )
        parser.add_argument(
            "--requests", type=int, default=30, help="Timed requests per page and size."
        )
        parser.add_argument(
            "--only",
            default="",
            metavar="FAMILY[,FAMILY]",
            help="Time only these page families (a key, or the start of keys: home, queue); "
            "raise_due_reviews names the benchmark_reviews step.",
        )
        parser.add_argument(
            "--keep", action="store_true", help="Leave the three databases for another run."
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Use the databases a run with --keep left, when they hold data of this scale.",
        )
        parser.add_argument(
            "--trace-memory",
            action="store_true",
            help="Trace the generation's Python memory with tracemalloc (about ten times slower).",
        )

    def handle(self, *args, scale, requests, only, keep, reuse, trace_memory, **options):
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError("The benchmark refuses to run with production settings.")
        if connection.vendor != "postgresql":
            raise CommandError(
                "The benchmark runs on PostgreSQL only: set DATABASE_URL to a PostgreSQL "
                "database; it makes its own three databases beside it and leaves that one alone."
            )
        if scale <= 0 or requests < 1:
            raise CommandError("--scale must be above 0 and --requests at least 1.")
        names = {name.strip() for name in only.split(",") if name.strip()}
        reviews_job = not names or REVIEWS_JOB in names
        pages = names - {REVIEWS_JOB}
        try:
            families = measure.select(",".join(sorted(pages))) if pages or not names else []
        except ValueError as error:
            raise CommandError(str(error)) from None
        bench = databases.Databases(scale=scale)
        try:
            self._prepare(bench, reuse=reuse, trace_memory=trace_memory)
            broken = self._measure(bench, families, requests) if families else 0
            if reviews_job:
                self._raise_due_reviews(bench, scale)
        finally:
            bench.restore()
            *others, last = (bench[size].name for size in measure.SIZES)
            names = f"{', '.join(others)} and {last}"
            if keep:
                self.stdout.write(f"Kept {names} (--reuse uses them again).")
            else:
                for size in measure.SIZES:
                    bench.drop(bench[size])
                self.stdout.write(f"Dropped {names}.")
        self.stdout.write(
            f"Peak memory of this process (maxrss): "
            f"{_megabytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)}"
        )
        if broken:
            raise CommandError(f"{broken} page families did not answer 200: a benchmark bug.")

    # --- The data -----------------------------------------------------------------------------

    def _prepare(self, bench, *, reuse, trace_memory):
        wanted = []
        for size in measure.SIZES:
            database = bench[size]
            if reuse and bench.finished(database):
                self.stdout.write(f"Reusing {database.name} ({database.comment}).")
                self._bring_up_to_date(bench, database)
            else:
                wanted.append(database)
        if not wanted:
            return
        first, *others = wanted
        bench.create(first)
        self.stdout.write(f"Migrated {first.name} in {bench.migrate(first):.1f} s.")
        for database in others:  # a copy of the migrated, still empty, database
            bench.create(database, template=first)
        written = {}
        for database in wanted:
            written[database.size] = self._generate(bench, database, trace_memory=trace_memory)
            bench.mark_finished(database)
        self._counts(written)

    def _generate(self, bench, database, *, trace_memory):
        with bench.using(database):
            if trace_memory:
                tracemalloc.start()
            started = time.perf_counter()
            cpu = time.process_time()
            written = generate.History(scale=database.scale, years=database.years).run()
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            traced = ""
            if trace_memory:
                traced = f", tracemalloc peak {tracemalloc.get_traced_memory()[1] / 2**20:,.0f} MB"
                tracemalloc.stop()
            settled = self._settle()
        bench.disconnect(database)
        self.stdout.write(
            f"Generated {database.name}: {sum(written.values()):,} rows in {seconds:.1f} s "
            f"({cpu:.1f} s of this process's CPU{traced}); {settled}; maxrss so far "
            f"{_megabytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)}."
        )
        return written

    def _settle(self) -> str:
        """The project's recounts after a bulk load, then the tables compacted (`_compact`);
        says what it did and how long it took."""
        started = time.perf_counter()
        recounted = generate.recount()
        counted = time.perf_counter() - started
        started = time.perf_counter()
        _compact()
        compacted = time.perf_counter() - started
        names = ", ".join(recounted) or "no recount"
        return f"{names} {counted:.1f} s, REINDEX and VACUUM ANALYZE {compacted:.1f} s"

    def _bring_up_to_date(self, bench, database):
        """A kept database gets the migrations added since (and the recounts, after them)."""
        with bench.using(database):
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
            if pending:
                call_command("migrate", verbosity=0, interactive=False)
                self.stdout.write(
                    f"Applied {len(pending)} new migrations to {database.name}; {self._settle()}."
                )
        bench.disconnect(database)

    def _counts(self, written):
        sizes = [size for size in measure.SIZES if size in written]
        tables = sorted(
            {table for counts in written.values() for table in counts},
            key=lambda table: -max(counts.get(table, 0) for counts in written.values()),
        )
        self.stdout.write("")
        self.stdout.write(f"{'rows written':<40}" + "".join(f"{size:>12}" for size in sizes))
        for table in tables:
            self.stdout.write(
                f"{table:<40}" + "".join(f"{written[size].get(table, 0):>12,}" for size in sizes)
            )
        self.stdout.write("")

    # --- The pages ----------------------------------------------------------------------------

    def _measure(self, bench, families, requests) -> int:
        """Time the families and print the table; returns how many did not answer 200."""
        self.stdout.write(measure.yardstick(bench.base._nodb_cursor))
        self.stdout.write(
            f"Timing {len(families)} page families, {requests} requests each at each size, "
            + ", ".join(f"{size} ({bench[size].name})" for size in measure.SIZES)
            + " in turn…"
        )
        results = measure.measure(bench, families, requests=requests)
        self.stdout.write("")
        for line in measure.table(results):
            self.stdout.write(line)
        self.stdout.write(
            f"\nS, Y, L: small (a hundredth of everything, the organisation with it), young (the "
            f"large set's organisation and work in hand, {generate.YOUNG_YEARS} years in), large "
            f"({generate.YEARS} years in). KB: the size of the page each answered (a page that "
            "lists what is in hand is longer where there is more in hand).\nMarks (!!): p95 on "
            "the large set over "
            f"{measure.GROWTH:g}x the young set's (grows with history) or the small set's (and "
            f"over {measure.NOISE_MS} ms more), or over {measure.LIMIT_MS} ms "
            f"({measure.REPORTS_LIMIT_MS} ms for reports). Each request ran with the cache "
            "emptied; the database connections stayed open."
        )
        broken = [result for result in results if not result.ok]
        for result in broken:
            answered = ", ".join(
                f"{sorted(result.statuses[size])} ({size})" for size in measure.SIZES
            )
            self.stderr.write(
                f"BENCHMARK BUG: {result.family.key} answered {answered}, not 200: "
                f"{result.paths['large']} {result.error}"
            )
        return len(broken)

    def _raise_due_reviews(self, bench, scale):
        """benchmark_reviews, in the large database: its 100,000 accounts are rolled back, and
        what they leave in the tables and indexes compacted away, so that a later --reuse
        measures the pages on tables the size of their data (and with statistics that say so)."""
        accounts = max(1_000, round(100_000 * scale))
        self.stdout.write(f"\nraise_due_reviews on {accounts:,} live accounts (benchmark_reviews):")
        with bench.using(bench["large"]):
            call_command("benchmark_reviews", accounts=accounts, stdout=self.stdout)
            _compact()
