"""Apply the retention schedule now (the nightly job does it too): `--dry-run` says what it
would minimise and changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand

from portal import retention


class Command(BaseCommand):
    help = (
        "Minimise ended proposals, long-closed accounts and dealt-with reporters' addresses "
        "past their retention periods (portal/retention.py); --dry-run only counts them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be minimised; change nothing."
        )

    def handle(self, *args, dry_run, **options):
        self.stdout.write(
            "Retention periods: ended proposals "
            f"{settings.RETENTION_ENDED_PROPOSAL_YEARS} years, closed accounts "
            f"{settings.RETENTION_CLOSED_ACCOUNT_YEARS} years, reporters' email addresses "
            f"{settings.RETENTION_REPORTER_EMAIL_DAYS} days after their report was dealt with."
        )
        done = retention.apply_retention(dry_run=dry_run)
        self.stdout.write(retention.describe(done, dry_run=dry_run))
