"""Run the leaver process again for everyone already inactive: for people deactivated by a bulk
update (which sends nothing), or before a part of the process existed (a leaver's own proposals
were carried on only from 2026-11-27). Each part moves only what still waits for the person, so
running it again changes nothing more."""

from django.core.management.base import BaseCommand

from people.models import User
from people.services import person_left


class Command(BaseCommand):
    help = (
        "Run the leaver process (offices, reports, approvals, proposals, teams) for every "
        "inactive person, as if they had just left; what has already moved stays as it is."
    )

    def handle(self, *args, verbosity, **options):
        self.verbosity = verbosity
        people = User.objects.filter(is_active=False).order_by("pk")
        for person in people.iterator():
            leaver = person_left(person=person)
            moved = len(leaver.acting_heads) + len(leaver.reports)
            if self.verbosity >= 2 or moved:
                self.stdout.write(f"{person}: {moved} offices and reports moved on.")
        self.stdout.write(f"People who have left, caught up: {people.count()}.")
