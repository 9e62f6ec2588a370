from evaluation.tasks import open_due_recertifications
from workflow.jobs import JobCommand


class Command(JobCommand):
    help = (
        "Open the yearly recertifications that fall due (the daily open-due-recertifications job)"
    )
    task = staticmethod(open_due_recertifications)
    counts = "recertifications opened"
