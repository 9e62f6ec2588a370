"""People and offices: email sign-in names, office heads and training records."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from people.models import Office, TrainingRecord, User
from tests.factories import OfficeFactory, TrainingRecordFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_create_user_normalises_email_to_lower_case():
    user = User.objects.create_user("  Ann.Other@Example.ORG ", "pw", full_name="Ann Other")

    assert user.email == "ann.other@example.org"
    assert user.check_password("pw")


def test_email_is_unique_ignoring_case():
    User.objects.create_user("ann@example.org", full_name="Ann")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("ANN@example.org", full_name="Another Ann")


def test_database_refuses_an_upper_case_email_written_past_the_model():
    user = UserFactory(email="bob@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(email="Bob@example.org")


def test_create_user_without_email_is_refused():
    with pytest.raises(ValueError, match="email"):
        User.objects.create_user("", full_name="Nobody")


def test_create_superuser_can_use_admin():
    user = User.objects.create_superuser("root@example.org", "pw", full_name="Root")

    assert user.is_staff and user.is_superuser


def test_natural_key_lookup_ignores_case():
    user = UserFactory(email="cara@example.org")

    assert User.objects.get_by_natural_key("Cara@Example.org ") == user


def test_new_people_are_active_staff_by_default():
    user = User.objects.create_user("dan@example.org", full_name="Dan")

    assert user.is_active
    assert user.staff_type == "staff"
    assert not user.is_staff


def test_short_name_is_first_name():
    assert UserFactory(full_name="Eilidh Cameron").get_short_name() == "Eilidh"


def test_office_names_are_unique_ignoring_case():
    OfficeFactory(name="Committee Office")

    with pytest.raises(IntegrityError), transaction.atomic():
        Office.objects.create(name="committee office")


def test_training_expiry_must_follow_completion_in_forms():
    record = TrainingRecord(
        person=UserFactory(),
        course="Moderation",
        completed_on=datetime.date(2026, 5, 1),
        expires_on=datetime.date(2026, 4, 30),
    )

    with pytest.raises(ValidationError) as error:
        record.full_clean()

    assert error.value.message_dict["expires_on"] == [
        "The expiry date must be after the completion date."
    ]


def test_training_expiry_before_completion_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingRecordFactory(
            completed_on=datetime.date(2026, 5, 1), expires_on=datetime.date(2026, 5, 1)
        )


@pytest.mark.parametrize(
    ("completed", "expires", "on", "current"),
    [
        ("2026-01-01", "2027-01-01", "2026-06-01", True),
        ("2026-01-01", "2027-01-01", "2027-01-01", True),
        ("2026-01-01", "2027-01-01", "2027-01-02", False),
        ("2026-01-01", None, "2030-01-01", True),
        ("2026-07-01", None, "2026-06-01", False),
    ],
)
def test_training_is_current_between_completion_and_expiry(completed, expires, on, current):
    record = TrainingRecord(
        completed_on=datetime.date.fromisoformat(completed),
        expires_on=expires and datetime.date.fromisoformat(expires),
    )

    assert record.is_current(on=datetime.date.fromisoformat(on)) is current
