from django.core.management.base import BaseCommand

from portal.services import recount_report_figures


class Command(BaseCommand):
    help = (
        "Count the reports' figures again from the decision log and the reviews: the time each "
        "proposal's stage took, and each day's and month's counts, after a bulk load"
    )

    def handle(self, *args, **options):
        times, days = recount_report_figures()
        self.stdout.write(self.style.SUCCESS(f"{times} times at a stage, {days} days counted."))
