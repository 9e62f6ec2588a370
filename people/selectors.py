"""Reads about people for pages."""

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q

from people.models import Office, TrainingRecord, User
from workflow.forms import SEARCH_MAX_LENGTH


def people_matching(text: str, limit: int = 10):
    """Active people whose name, email or office contains `text`, for the people picker."""
    text = (text or "").strip()
    if not 2 <= len(text) <= SEARCH_MAX_LENGTH:  # nothing longer than an email could match
        return User.objects.none()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(full_name__icontains=text)
            | Q(email__icontains=text)
            | Q(office__name__icontains=text)
        )
        .select_related("office")
        .order_by("full_name")[:limit]
    )


def training_of(person):
    return TrainingRecord.objects.filter(person=person).order_by("-completed_on")


OFFICE_CHOICES_KEY = "people:office-choices"


def office_choices() -> list[tuple[int, str]]:
    """Every office as (id, name), by name, for the filters that offer them all. Kept in the
    cache (offices change a few times a year; saving or deleting one empties it, and a bulk
    change shows within five minutes), and read as plain rows, never as model instances: a
    large organisation has hundreds, and each page with a filter listed them all."""
    choices = cache.get(OFFICE_CHOICES_KEY)
    if choices is None:
        choices = list(Office.objects.order_by("name", "pk").values_list("pk", "name"))
        cache.set(OFFICE_CHOICES_KEY, choices, timeout=5 * 60)
    return choices


def forget_office_choices(**kwargs) -> None:
    """An office changed: forget the list now, and again once the change is committed (a page
    read in between would otherwise keep the list from before it)."""
    cache.delete(OFFICE_CHOICES_KEY)
    transaction.on_commit(lambda: cache.delete(OFFICE_CHOICES_KEY))
