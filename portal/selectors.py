"""What waits for each person across every workflow: the portal asks each app's selectors,
so that no lower app needs to know the others."""

from accounts.selectors import waiting_for as accounts_waiting
from evaluation.selectors import waiting_for as reviews_waiting
from proposals.selectors import waiting_for as proposals_waiting
from workflow.waiting import WaitingList


def waiting_for(user, *, page_size=10) -> WaitingList:
    """Every item where this person must act, from every workflow, oldest first, read a page
    (of `page_size`) at a time."""
    return WaitingList(
        [*proposals_waiting(user), *accounts_waiting(user), *reviews_waiting(user)],
        user,
        first=page_size,
    )
