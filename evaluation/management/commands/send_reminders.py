from evaluation.tasks import send_reminders
from workflow.jobs import JobCommand


class Command(JobCommand):
    help = "Send the reminders that are due (the send-reminders job, working days)"
    task = staticmethod(send_reminders)
    counts = "people told (by email now or in their next digest)"
