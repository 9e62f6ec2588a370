from evaluation.tasks import raise_due_reviews
from workflow.jobs import JobCommand


class Command(JobCommand):
    help = "Raise the reviews that have fallen due (the daily raise-due-reviews job)"
    task = staticmethod(raise_due_reviews)
    counts = "reviews raised"
