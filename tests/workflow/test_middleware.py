"""A NUL character in a query or form value is refused with 400, never a 500 from the database."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/register/?platform=%00", "/register/?q=a%00b", "/api/v1/verify?url=%00"]
)
def test_a_nul_character_in_a_query_is_a_bad_request(client, path):
    response = client.get(path)

    assert response.status_code == 400
    assert "not allowed" in response.content.decode()


def test_a_nul_character_in_a_form_is_a_bad_request(client, staff):
    client.force_login(staff)

    assert client.post("/proposals/new/", {"title": "A\x00B"}).status_code == 400


def test_ordinary_requests_pass(client):
    assert client.get("/register/?platform=x").status_code == 200
