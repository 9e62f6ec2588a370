from people.tasks import clear_expired_sessions
from workflow.jobs import JobCommand


class Command(JobCommand):
    help = "Drop sign-in sessions past their expiry (the daily clear-expired-sessions job)"
    task = staticmethod(clear_expired_sessions)
