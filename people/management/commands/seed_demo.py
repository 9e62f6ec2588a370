from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.services import load_platform_catalogue
from people.demo import DEFAULT_DEMO_PASSWORD, DEMO_SIGNINS, seed_people
from proposals.services import load_engagement_priorities


class Command(BaseCommand):
    help = "Load demo offices, people, roles and catalogues; a second run makes nothing twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_DEMO_PASSWORD,
            help=f"Password for the demo sign-ins (default: {DEFAULT_DEMO_PASSWORD}).",
        )

    def handle(self, *args, password, **options):
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError("seed_demo refuses to run with production settings.")
        today = timezone.localdate()
        platforms = load_platform_catalogue()
        priorities = load_engagement_priorities()
        people = seed_people(password=password, today=today)
        self.stdout.write(
            f"Created {people['offices']} offices, {people['people']} people, "
            f"{people['training']} training records, {platforms} platforms and "
            f"{priorities} engagement priorities."
        )
        self.stdout.write(self.style.SUCCESS(f"Demo sign-ins (password: {password}):"))
        for email, _, _, role in DEMO_SIGNINS:
            self.stdout.write(f"  {email:<22} {role}")
