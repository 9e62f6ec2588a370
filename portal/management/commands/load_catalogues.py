from django.core.management.base import BaseCommand

from accounts.services import load_platform_catalogue
from proposals.services import load_engagement_priorities


class Command(BaseCommand):
    help = "Create or update the platform and engagement-priority catalogues (safe to re-run)."

    def handle(self, *args, **options):
        platforms = load_platform_catalogue()
        priorities = load_engagement_priorities()
        self.stdout.write(
            f"Catalogues loaded: {platforms} new platforms, {priorities} new priorities."
        )
