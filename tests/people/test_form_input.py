"""Names of people and offices are one line, however they are entered (people/models.py), and
the people picker takes any text; never a 500."""

import pytest
from django.core.exceptions import ValidationError

from people.models import Office, TrainingRecord, User
from tests.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db
ONE_LINE = "Keep this to one line of plain text: it contains a line break."


def test_an_office_name_on_two_lines_is_refused_in_the_admin(client, administrator):
    client.force_login(administrator)

    response = client.post("/admin/people/office/add/", {"name": "Education\nService"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [ONE_LINE]
    assert not Office.objects.filter(name__startswith="Education").exists()


@pytest.mark.parametrize(
    ("record", "field"),
    [
        (lambda: User(email="a@example.org", full_name="Ann\nSmith"), "full_name"),
        (lambda: Office(name="Committee\u2028Office"), "name"),
        (
            lambda: TrainingRecord(
                person=UserFactory(), course="Social\nmedia", completed_on="2026-01-01"
            ),
            "course",
        ),
    ],
)
def test_names_are_one_line_whoever_saves_them(record, field):
    with pytest.raises(ValidationError) as refused:
        record().full_clean()

    assert refused.value.message_dict[field] == [ONE_LINE]


@pytest.mark.parametrize("q", ["x" * 255, "x" * 200_000, "²", "\u202e"])
def test_the_people_picker_takes_any_text(client, staff, q):
    OfficeFactory(name="x" * 150)
    client.force_login(staff)

    response = client.get("/people/search/", {"q": q})

    assert response.status_code == 200
    assert response.json() == {"people": []}
