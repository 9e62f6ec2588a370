"""The people picker's suggestions: active colleagues by name, email or office, signed in only."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_suggests_active_people_by_name_email_or_office(client, staff, office):
    UserFactory(full_name="Morag Leaver", is_active=False, office=office)
    client.force_login(staff)

    by_name = client.get("/people/search/", {"q": staff.full_name[:4]}).json()["people"]
    by_office = client.get("/people/search/", {"q": office.name[:5]}).json()["people"]
    gone = client.get("/people/search/", {"q": "Leaver"}).json()["people"]

    assert {"email": staff.email, "name": staff.full_name, "office": office.name} in by_name
    assert staff.email in {person["email"] for person in by_office}
    assert gone == []


def test_one_letter_suggests_nobody_and_at_most_ten_are_returned(client, staff, office):
    for number in range(12):
        UserFactory(full_name=f"Iona Test{number}", office=office)
    client.force_login(staff)

    assert client.get("/people/search/", {"q": "I"}).json()["people"] == []
    assert len(client.get("/people/search/", {"q": "Iona"}).json()["people"]) == 10


def test_signed_out_visitors_get_no_names(client):
    response = client.get("/people/search/", {"q": "an"})

    assert response.status_code == 302 and "/sign-in/" in response.url


def test_the_email_fields_carry_the_picker_with_their_own_lists(client, make_account, dcct):
    account = make_account("live")
    client.force_login(dcct)

    page = client.get(account.get_absolute_url()).text

    assert 'data-people-search="/people/search/"' in page
    assert 'list="id_member-email-people"' in page and 'list="id_training-email-people"' in page
