"""Reads about people for pages, and what waits for each person across every workflow."""

from accounts.selectors import waiting_for as accounts_waiting
from evaluation.selectors import waiting_for as reviews_waiting
from people.models import TrainingRecord
from proposals.selectors import waiting_for as proposals_waiting


def training_of(person):
    return TrainingRecord.objects.filter(person=person).order_by("-completed_on")


def waiting_for(user):
    """Every item where this person must act, from every workflow, oldest first."""
    items, seen = [], set()
    for item in [*proposals_waiting(user), *accounts_waiting(user), *reviews_waiting(user)]:
        if item["url"] not in seen:
            seen.add(item["url"])
            items.append(item)
    return sorted(items, key=lambda item: item["since"])
