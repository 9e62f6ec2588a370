"""A NUL character in a query or form value is refused with 400, never a 500 from the database."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


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


def test_a_nul_character_in_a_multipart_form_is_a_bad_request(client, staff, make_proposal):
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = client.post(
        f"/proposals/{proposal.pk}/evidence/",
        {"description": "Survey\x00results", "file": SimpleUploadedFile("survey.pdf", PDF)},
    )

    assert response.status_code == 400
    assert not proposal.attachments.exists()


def test_a_nul_character_in_a_cookie_is_a_bad_request_not_a_session_lookup(client, staff):
    """The session's cookie is looked up in the database: PostgreSQL refused it (a 500)."""
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"

    assert client.get("/").status_code == 400
    assert client.get("/register/").status_code == 400


def test_a_nul_character_in_a_field_name_is_a_bad_request(client, staff):
    client.force_login(staff)

    assert client.post("/proposals/new/", {"title\x00": "A"}).status_code == 400
    assert client.get("/register/", {"q\x00": "x"}).status_code == 400
