"""How long raise_due_reviews takes, and how many queries it runs, for many live accounts.

Prints figures; asserts nothing (-v 2 adds each query's time). Everything it creates is
rolled back at the end, and the tables it wrote to are vacuumed. The baseline is inserting the
same number of accounts in bulk, measured in the same run, so the ratio is comparable across
machines. Both include the foreign-key checks their commit would run (deferred to it, so
never run by a rollback): two `SET CONSTRAINTS` among the job's queries."""

import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Account, AccountState, Platform
from evaluation.models import Review, ReviewSchedule
from evaluation.services import raise_due_reviews
from people.models import Office


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Measure raise_due_reviews on N live accounts (default 100,000); changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--accounts", type=int, default=100_000)

    def handle(self, *args, accounts, verbosity, **options):
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError("The benchmark refuses to run with production settings.")
        self.verbosity = verbosity
        try:
            with transaction.atomic():
                self._run(accounts)
                raise Rollback
        except Rollback:
            self.stdout.write("Rolled back: the database is as it was.")
        self._vacuum()

    def _vacuum(self):
        """The rolled-back rows are still in the tables until VACUUM, and ANALYZE may have
        counted them: a hundred thousand accounts that are not there made the planner hash
        every account for DCCT's home page (16 ms for what takes 4). Vacuum and analyse what
        was written, unless a caller's transaction is open (a test's), where VACUUM cannot
        run and nothing was committed anyway."""
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return
        tables = [model._meta.db_table for model in (Office, Account, ReviewSchedule, Review)]
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM (ANALYZE) " + ", ".join(connection.ops.quote_name(t) for t in tables)
            )
        self.stdout.write(f"Vacuumed and analysed {', '.join(tables)}.")

    def _run(self, count):
        today = datetime.date(2026, 6, 30)
        platform = Platform.objects.filter(internal=False).first()
        if platform is None:
            raise CommandError("Load the platform catalogue first (manage.py load_catalogues).")
        office = Office.objects.create(name="Benchmark office (rolled back)")

        started = time.perf_counter()
        created = Account.objects.bulk_create(
            (
                Account(
                    platform=platform,
                    handle=f"bench{n}",
                    display_name=f"Bench {n}",
                    office=office,
                    state=AccountState.LIVE,
                    went_live_on=datetime.date(2026, 3, 31),
                )
                for n in range(count)
            ),
            batch_size=2000,
        )
        self._check_deferred_constraints()  # as the job's own are: like for like
        baseline = time.perf_counter() - started
        ids = (
            [account.pk for account in created]
            if created[0].pk
            else list(Account.objects.filter(office=office).values_list("pk", flat=True))
        )
        ReviewSchedule.objects.bulk_create(
            (
                ReviewSchedule(
                    account_id=pk,
                    frequency=("monthly", "quarterly")[pk % 2],
                    period_start=datetime.date(2026, 3, 31),
                    next_due_on=datetime.date(2026, 6, 30),
                    anchor_day=31,
                )
                for pk in ids
            ),
            batch_size=2000,
        )

        self._check_deferred_constraints()  # the set-up's own, not timed

        runs, captured = [], {}
        for label in ("first run", "second run"):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                raised, _ = raise_due_reviews(today=today)
                self._check_deferred_constraints()
                runs.append((time.perf_counter() - started, len(queries), raised))
            captured[label] = queries.captured_queries

        reviews = Review.objects.filter(account__office=office).count()
        self.stdout.write(f"database: {connection.vendor}")
        self.stdout.write(f"live accounts: {count:,}")
        self.stdout.write(f"baseline, bulk insert of the accounts: {baseline:.2f} s")
        for label, (seconds, queries, raised) in zip(
            ("first run", "second run"), runs, strict=True
        ):
            self.stdout.write(
                f"raise_due_reviews {label}: {seconds:.2f} s, {queries} queries, "
                f"{raised:,} reviews raised ({seconds / baseline:.2f} x baseline)"
            )
            # -v 2: where the time went, query by query (-v 3: each query whole).
            if self.verbosity >= 2:
                for query in captured[label]:
                    sql = " ".join(query["sql"].split())
                    sql = sql if self.verbosity >= 3 else sql[:110]
                    self.stdout.write(f"  {float(query['time']) * 1000:9.1f} ms  {sql}")
        self.stdout.write(f"reviews in the database: {reviews:,} (one per account and period)")

    def _check_deferred_constraints(self):
        """Check now what the job's commit would check: its reviews' foreign keys are deferred
        to the end of the transaction, which this command rolls back, so without this their
        checks (a lookup of each review's account) would never be timed."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
