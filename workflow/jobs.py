"""Periodic jobs run by hand: `manage.py <job>` runs the same task the beat schedule runs, in
this process, for operators and for trying the product out."""

from django.core.management.base import BaseCommand


class JobCommand(BaseCommand):
    """A command that runs one Celery task now; subclasses name the task and say what its
    result counts."""

    task = None
    counts = "done"

    def handle(self, *args, **options):
        result = self.task()
        told = "done" if result is None else f"{result} {self.counts}"
        self.stdout.write(self.style.SUCCESS(f"{self.help}: {told}."))
