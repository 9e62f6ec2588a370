"""Check that the database holds together (portal/integrity.py), as after restoring a backup:
prints each check and its problems, and fails when there are any."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal import integrity


class Command(BaseCommand):
    help = (
        "Check a (restored) database: every object's state agrees with its log, every live "
        "account has its schedules, attachments and stored files match. Fails on a problem."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-files",
            action="store_true",
            help="Leave out the check of the stored files (a database restored without them).",
        )

    def handle(self, *args, skip_files, **options):
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if unapplied:
            # A restore into an empty database, or of an older release's backup: the checks
            # would only say "no such table".
            raise CommandError(
                f"The database lacks {len(unapplied)} migration(s) of this release (the first: "
                f"{unapplied[0][0].app_label}.{unapplied[0][0].name}): run `manage.py migrate` "
                "first, then check it."
            )
        checks = integrity.run(files=not skip_files)
        for check in checks:
            mark = "ok" if not check.count else f"{check.count} problem(s)"
            self.stdout.write(f"{check.name}: {mark}")
            for problem in check.problems:
                self.stdout.write(f"  - {problem}")
            if check.count > len(check.problems):
                self.stdout.write(f"  … and {check.count - len(check.problems)} more")
        failed = sum(check.count for check in checks)
        if failed:
            raise CommandError(f"{failed} integrity problem(s) found.")
        self.stdout.write(self.style.SUCCESS("The database holds together."))
