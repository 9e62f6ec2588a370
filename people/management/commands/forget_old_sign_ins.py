from people.tasks import forget_old_sign_ins
from workflow.jobs import JobCommand


class Command(JobCommand):
    help = (
        "Forget successful sign-ins older than SIGN_IN_LOG_DAYS (the daily forget-old-sign-ins job)"
    )
    task = staticmethod(forget_old_sign_ins)
    counts = "sign-ins forgotten"
