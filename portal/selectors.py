"""What waits for each person across every workflow: the portal asks each app's selectors,
so that no lower app needs to know the others."""

from accounts.selectors import waiting_for as accounts_waiting
from evaluation.selectors import waiting_for as reviews_waiting
from proposals.selectors import waiting_for as proposals_waiting
from workflow.waiting import WaitingList


def waiting_for(user, *, page_size=10, cached=False) -> WaitingList:
    """Every item where this person must act, from every workflow, oldest first, read a page
    (of `page_size`) at a time; `cached`: its count and first page's keys kept in the cache
    until something they read changes (workflow.waiting.WaitingList.cache_key)."""
    return WaitingList(
        lambda: [*proposals_waiting(user), *accounts_waiting(user), *reviews_waiting(user)],
        user,
        first=page_size,
        cache_key=f"home:{user.pk}" if cached else "",
    )
