from evaluation.tasks import refresh_account_facts
from workflow.jobs import JobCommand


class Command(JobCommand):
    help = (
        "Recount what DCCT's queues read from each account: when its team has enough people "
        "trained, and the last day it was in use (the daily refresh-account-facts job)"
    )
    task = staticmethod(refresh_account_facts)
    counts = "accounts put right"
