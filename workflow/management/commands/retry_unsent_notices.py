from workflow.jobs import JobCommand
from workflow.tasks import retry_unsent_notices


class Command(JobCommand):
    help = "Try again the notices meant to go at once that did not go"
    task = staticmethod(retry_unsent_notices)
    counts = "emails sent"
