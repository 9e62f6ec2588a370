"""Read live accounts' activity from their platforms now (the daily job does it too, where
ACTIVITY_ENABLED): `--account ID` for one, `--dry-run` to read and keep nothing."""

from django.core.management.base import BaseCommand

from evaluation import activity


class Command(BaseCommand):
    help = "Read live accounts' followers, posts and latest post from their platforms."

    def add_arguments(self, parser):
        parser.add_argument("--account", type=int, help="Only this account (its id).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Read, and say what was read; keep nothing."
        )

    def handle(self, *args, account, dry_run, **options):
        done = activity.collect_activity(account_id=account, dry_run=dry_run)
        kept = "nothing kept (dry run)" if dry_run else f"{done['stored']} figures kept"
        self.stdout.write(
            f"{done['read']} accounts read, {done['not_available']} not available, "
            f"{done['failed']} failed, {done['skipped']} skipped (platform failing); {kept}."
        )
