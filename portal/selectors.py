"""What waits for each person across every workflow: the portal asks each app's selectors,
so that no lower app needs to know the others."""

from accounts.selectors import waiting_for as accounts_waiting
from evaluation.selectors import waiting_for as reviews_waiting
from proposals.selectors import waiting_for as proposals_waiting


def waiting_for(user):
    """Every item where this person must act, from every workflow, oldest first."""
    items, seen = [], set()
    for item in [*proposals_waiting(user), *accounts_waiting(user), *reviews_waiting(user)]:
        if item["url"] not in seen:
            seen.add(item["url"])
            items.append(item)
    return sorted(items, key=lambda item: item["since"])
