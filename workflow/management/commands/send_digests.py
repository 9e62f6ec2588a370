from workflow.jobs import JobCommand
from workflow.tasks import send_digests


class Command(JobCommand):
    help = "Send each person their daily digest of the notices they chose to get that way"
    task = staticmethod(send_digests)
    counts = "digests sent"
