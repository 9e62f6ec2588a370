from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.demo import (
    seed_business_area_accounts,
    seed_corporate_accounts,
    seed_impersonation_reports,
    seed_leaver,
)
from accounts.services import load_platform_catalogue, refresh_all_team_training
from evaluation.demo import seed_readings, seed_recertifications, seed_reviews
from evaluation.services import refresh_last_activity
from people.demo import DCCT_OFFICE, DEFAULT_DEMO_PASSWORD, DEMO_SIGNINS, seed_people
from people.models import User
from portal.services import counting_later
from proposals.demo import seed_proposals
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
        cast = {
            "dcct": User.objects.get(email="dcct@example.org"),
            "hec": User.objects.get(email="hec@example.org"),
        }
        dcct_team = [cast["dcct"], User.objects.get(email="dcct2@example.org")]
        accounts = seed_corporate_accounts(office_name=DCCT_OFFICE, team=dcct_team)
        with counting_later():  # the reports' figures, once at the end
            proposals = seed_proposals(cast=cast)
            accounts += seed_business_area_accounts(**cast)
            reports = seed_impersonation_reports(dcct=cast["dcct"])
            reviews = seed_reviews(dcct=cast["dcct"], today=today)
            recertifications = seed_recertifications(dcct=cast["dcct"], today=today)
        # The demo writes teams, reviews and figures as they stand, past the services: count
        # what the dashboards read from each account as the services would have kept it.
        refresh_all_team_training(today=today)
        leaver = seed_leaver()  # after: what they leave behind is read from the teams' training
        refresh_last_activity()
        seed_readings(today=today)  # after: which accounts are dormant decides which are read
        self.stdout.write(
            f"Created {people['offices']} offices, {people['people']} people, "
            f"{people['training']} training records, {platforms} platforms, "
            f"{priorities} engagement priorities, {accounts} accounts, "
            f"{proposals} proposals, {reviews} reviews and {recertifications} recertifications."
        )
        self.stdout.write(f"Created {reports} reports of impersonation.")
        if leaver:
            self.stdout.write(f"{leaver} has left: the accounts they ran show what followed.")
        self.stdout.write(self.style.SUCCESS(f"Demo sign-ins (password: {password}):"))
        for email, _, _, role in DEMO_SIGNINS:
            self.stdout.write(f"  {email:<22} {role}")
