"""Reads about people for pages."""

from people.models import TrainingRecord


def training_of(person):
    return TrainingRecord.objects.filter(person=person).order_by("-completed_on")
