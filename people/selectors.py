"""Reads about people for pages."""

from django.db.models import Q

from people.models import TrainingRecord, User
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
