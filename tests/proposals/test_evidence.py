import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from proposals.models import Attachment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, proposal, name, content, content_type="application/pdf"):
    return client.post(
        f"/proposals/{proposal.pk}/evidence/",
        {
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "description": "Survey results",
        },
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "content", "stored_type"),
    [
        ("survey.pdf", PDF, "application/pdf"),
        ("chart.png", PNG, "image/png"),
        (
            "plan.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_proposer_attaches_evidence(client, make_proposal, staff, name, content, stored_type):
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = upload(client, proposal, name, content)

    assert "Evidence attached." in response.text
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        name,
        stored_type,
        len(content),
    )


def test_a_file_that_is_too_large_is_refused(client, make_proposal, staff, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = upload(client, proposal, "big.pdf", PDF + b"0" * 2048)

    assert "evidence files can be at most 1.0" in response.text
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n"),  # a PDF in name only
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("notes.txt", b"plain text"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused(client, make_proposal, staff, name, content):
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = upload(client, proposal, name, content)

    assert "This type of file cannot be attached." in response.text
    assert not Attachment.objects.exists()


def test_evidence_cannot_be_added_once_with_the_office_head(client, make_proposal, staff):
    proposal = make_proposal("with_office_head")
    client.force_login(staff)

    response = upload(client, proposal, "survey.pdf", PDF)

    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_colleagues_and_dcct_may_not_add_evidence(client, make_proposal, dcct):
    proposal = make_proposal("with_dcct")
    client.force_login(dcct)

    assert upload(client, proposal, "survey.pdf", PDF).status_code == 403


@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff", 200), ("office_head", 200), ("dcct", 200), ("outsider", 404)],
)
def test_evidence_is_served_only_to_people_who_may_see_the_proposal(
    request, client, make_proposal, staff, persona, status
):
    proposal = make_proposal("draft")
    client.force_login(staff)
    upload(client, proposal, "survey.pdf", PDF)
    attachment = Attachment.objects.get()
    from proposals import services

    services.submit(proposal=proposal, actor=staff)
    services.approve_in_principle(proposal=proposal, actor=request.getfixturevalue("office_head"))

    client.force_login(request.getfixturevalue(persona))
    response = client.get(f"/proposals/{proposal.pk}/evidence/{attachment.pk}/")

    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith('attachment; filename="survey.pdf"')
        assert b"".join(response.streaming_content) == PDF


def test_evidence_of_a_draft_is_hidden_from_the_office(client, make_proposal, staff, office):
    from tests.factories import UserFactory

    proposal = make_proposal("draft")
    client.force_login(staff)
    upload(client, proposal, "survey.pdf", PDF)
    attachment = Attachment.objects.get()

    client.force_login(UserFactory(office=office))
    assert client.get(f"/proposals/{proposal.pk}/evidence/{attachment.pk}/").status_code == 404


def test_evidence_is_not_reachable_through_a_public_url(client, make_proposal, staff):
    proposal = make_proposal("draft")
    client.force_login(staff)
    upload(client, proposal, "survey.pdf", PDF)
    attachment = Attachment.objects.get()
    client.logout()

    assert client.get(f"/media/{attachment.file.name}").status_code in (302, 404)
