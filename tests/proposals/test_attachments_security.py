"""Evidence uploads as an attacker or a careless user sends them: stored under a generated name,
served as the type their bytes are, refused with a reason (never a 500) when a name is too long
or empty or the file too large, and never written to disk when too large."""

import importlib
import io
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from proposals import evidence, services
from proposals.models import Attachment
from tests.factories import UserFactory

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
# Valid enough to be read as a GIF or a PDF, with HTML and script a browser would run if it were
# ever shown as a page.
GIF_WITH_SCRIPT = b"GIF89a/*<html><script>alert(document.cookie)</script></html>*/=1;"
PDF_WITH_SCRIPT = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
GENERATED = re.compile(r"evidence/[0-9a-f]{2}/[0-9a-f]{32}\.(pdf|gif|jpg|png|docx)")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "spool"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[str]:
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def upload(client, proposal, name, content):
    return client.post(
        f"/proposals/{proposal.pk}/evidence/",
        {"file": SimpleUploadedFile(name, content), "description": "Survey results"},
        follow=True,
    )


def raw_upload(client, proposal, filename: bytes, content: bytes, follow=False, **extra):
    """A multipart body written by hand, so the file name arrives exactly as given (the test
    client would keep only its last path part)."""
    boundary = b"----evidence-boundary"
    body = b"".join(
        [
            b"--" + boundary + b"\r\n",
            b'Content-Disposition: form-data; name="description"\r\n\r\n',
            b"Survey results\r\n",
            b"--" + boundary + b"\r\n",
            b'Content-Disposition: form-data; name="file"; filename="' + filename + b'"\r\n',
            b"Content-Type: application/octet-stream\r\n\r\n",
            content + b"\r\n",
            b"--" + boundary + b"--\r\n",
        ]
    )
    response = client.generic(
        "POST",
        f"/proposals/{proposal.pk}/evidence/",
        body,
        content_type="multipart/form-data; boundary=" + boundary.decode(),
        **extra,
    )
    if follow and response.status_code == 302:
        return client.get(response["Location"])
    return response


def disposition_names(header: str) -> tuple[str, str]:
    fallback = re.search(r'filename="([^"]*)"', header).group(1)
    exact = unquote(re.search(r"filename\*=UTF-8''(\S+)", header).group(1), errors="strict")
    return fallback, exact


# --- Stored under a generated name, served as what it is ----------------------------------------


def test_a_pdf_named_bat_is_stored_and_served_as_a_pdf(client, make_proposal, staff, tmp_path):
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = upload(client, proposal, "evidence.bat", PDF)

    assert "Evidence attached." in response.text
    attachment = Attachment.objects.get()
    assert GENERATED.fullmatch(attachment.file.name)
    assert attachment.file.name.endswith(".pdf")
    assert (attachment.original_name, attachment.content_type) == (
        "evidence.bat",
        "application/pdf",
    )
    # Nothing on disk carries the uploader's name or extension.
    assert stored_files(tmp_path / "media") == [attachment.file.name]

    download = client.get(f"/proposals/{proposal.pk}/evidence/{attachment.pk}/")

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert disposition_names(download["Content-Disposition"]) == (
        "evidence.bat.pdf",
        "evidence.bat.pdf",
    )
    assert b"".join(download.streaming_content) == PDF


def test_stored_names_say_nothing_of_the_proposal_and_cannot_be_guessed(
    client, make_proposal, staff, tmp_path
):
    proposal = make_proposal("draft")
    client.force_login(staff)

    upload(client, proposal, "survey.pdf", PDF)
    upload(client, proposal, "survey.pdf", PDF)

    first, second = (a.file.name for a in Attachment.objects.order_by("pk"))
    assert first != second
    for name in (first, second):
        assert GENERATED.fullmatch(name)
        assert f"/{proposal.pk}/" not in name and "survey" not in name
        # Private to the web server's user and group.
        assert (tmp_path / "media" / name).stat().st_mode & 0o777 == 0o640


def test_download_headers_stop_a_browser_rendering_or_sniffing_it(client, make_proposal, staff):
    proposal = make_proposal("draft")
    client.force_login(staff)
    upload(client, proposal, "survey.pdf", PDF)
    attachment = Attachment.objects.get()

    response = client.get(f"/proposals/{proposal.pk}/evidence/{attachment.pk}/")

    assert response["Content-Disposition"] == (
        "attachment; filename=\"survey.pdf\"; filename*=UTF-8''survey.pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Length"] == str(len(PDF))


@pytest.mark.parametrize(
    ("name", "content", "content_type", "served_as"),
    [
        ("page.html", GIF_WITH_SCRIPT, "image/gif", "page.html.gif"),
        ("chart.gif", GIF_WITH_SCRIPT, "image/gif", "chart.gif"),
        ("report.svg", PDF_WITH_SCRIPT, "application/pdf", "report.svg.pdf"),
        ("photo.jpeg", JPEG, "image/jpeg", "photo.jpeg"),
        ("PHOTO.JPG", JPEG, "image/jpeg", "PHOTO.JPG"),
    ],
)
def test_a_polyglot_is_only_ever_served_as_the_type_its_bytes_begin_with(
    client, make_proposal, staff, name, content, content_type, served_as
):
    proposal = make_proposal("draft")
    client.force_login(staff)
    upload(client, proposal, name, content)
    attachment = Attachment.objects.get()

    response = client.get(f"/proposals/{proposal.pk}/evidence/{attachment.pk}/")

    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith(f'attachment; filename="{served_as}"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert attachment.file.name.rpartition(".")[2] in {"gif", "pdf", "jpg"}


@pytest.mark.parametrize(
    "name",
    [
        b"../../x.pdf",
        b"..\\..\\x.pdf",
        b"/etc/cron.d/x.pdf",
        b"C:\\Windows\\System32\\x.pdf",
        b"....//....//x.pdf",
    ],
)
def test_a_path_in_the_name_is_dropped_and_nothing_is_written_outside_the_store(
    client, make_proposal, staff, tmp_path, name
):
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = raw_upload(client, proposal, name, PDF)

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "x.pdf"
    assert GENERATED.fullmatch(attachment.file.name)
    assert [str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.pdf")] == [
        f"media/{attachment.file.name}"
    ]


def test_the_service_cleans_a_path_in_a_name_whoever_calls_it(make_proposal, staff, tmp_path):
    proposal = make_proposal("draft")

    attachment = services.add_evidence(
        proposal=proposal,
        actor=staff,
        upload=File(io.BytesIO(PDF), name="../../../outside/x.pdf"),
    )

    assert attachment.original_name == "x.pdf"
    assert GENERATED.fullmatch(attachment.file.name)
    assert not (tmp_path / "outside").exists()
    assert stored_files(tmp_path / "media") == [attachment.file.name]


@pytest.mark.parametrize(
    ("name", "shown", "fallback"),
    [
        ("Résumé 報告 📊.pdf", "Résumé 報告 📊.pdf", "Resume.pdf"),
        # Decomposed accents (as macOS names files) are stored composed.
        ("Re\u0301sume\u0301.pdf", "Résumé.pdf", "Resume.pdf"),
        ("Отчёт.pdf", "Отчёт.pdf", "evidence.pdf"),
        (
            "Plan (v2) – 50% done.docx.pdf",
            "Plan (v2) – 50% done.docx.pdf",
            "Plan (v2) 50_ done.docx.pdf",
        ),
    ],
)
def test_a_unicode_name_is_shown_as_typed_and_offered_back_exactly(
    client, make_proposal, staff, name, shown, fallback
):
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = raw_upload(client, proposal, name.encode(), PDF)

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == shown
    assert GENERATED.fullmatch(attachment.file.name)
    page = client.get(f"/proposals/{proposal.pk}/")
    assert shown in page.text
    download = client.get(f"/proposals/{proposal.pk}/evidence/{attachment.pk}/")
    header = download["Content-Disposition"]
    header.encode("ascii")  # nothing but ASCII reaches the header
    assert disposition_names(header) == (fallback, shown)


def test_invisible_and_reordering_characters_are_removed_from_the_shown_name(make_proposal, staff):
    proposal = make_proposal("draft")

    attachment = services.add_evidence(
        proposal=proposal,
        actor=staff,
        # A right-to-left override makes this read "invoice‮fdp.exe" as "invoiceexe.pdf".
        upload=File(io.BytesIO(PDF), name="invoice\u202efdp.exe\r\nX-Evil: 1\x00\u200b"),
    )

    assert attachment.original_name == "invoicefdp.exe X-Evil: 1"


def test_quotes_and_semicolons_in_a_name_cannot_reach_the_header_unescaped(
    client, make_proposal, staff
):
    proposal = make_proposal("draft")
    attachment = services.add_evidence(
        proposal=proposal, actor=staff, upload=File(io.BytesIO(PDF), name='Q3 "final"; v2.pdf')
    )
    client.force_login(staff)

    response = client.get(f"/proposals/{proposal.pk}/evidence/{attachment.pk}/")

    assert response["Content-Disposition"] == (
        "attachment; filename=\"Q3 _final_ v2.pdf\"; filename*=UTF-8''Q3%20%22final%22%3B%20v2.pdf"
    )
    assert disposition_names(response["Content-Disposition"])[1] == 'Q3 "final"; v2.pdf'


# --- Refused with a reason ----------------------------------------------------------------------


def test_a_name_at_the_limit_is_accepted(client, make_proposal, staff):
    proposal = make_proposal("draft")
    client.force_login(staff)
    name = "a" * (evidence.NAME_MAX_LENGTH - 4) + ".pdf"

    response = upload(client, proposal, name, PDF)

    assert "Evidence attached." in response.text
    assert Attachment.objects.get().original_name == name


@pytest.mark.parametrize("length", [evidence.NAME_MAX_LENGTH + 1, 255, 300])
def test_a_name_too_long_is_refused_with_a_reason_not_a_500(
    client, make_proposal, staff, tmp_path, length
):
    proposal = make_proposal("draft")
    client.force_login(staff)
    # Each "é" is two bytes: 300 of them were past the file system's 255-byte limit.
    name = "é" * (length - 4) + ".pdf"

    response = raw_upload(client, proposal, name.encode(), PDF, follow=True)

    assert response.status_code == 200
    assert f"longer than {evidence.NAME_MAX_LENGTH} characters" in response.text
    assert not Attachment.objects.exists()
    assert stored_files(tmp_path / "media") == []


@pytest.mark.parametrize("name", ["....", ". . .", " ", "..\t..", " . "])
def test_a_name_of_only_dots_or_nothing_is_refused(client, make_proposal, staff, tmp_path, name):
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = raw_upload(client, proposal, name.encode(), PDF, follow=True)

    assert response.status_code == 200
    assert "name is only dots, spaces or invisible characters" in response.text
    assert not Attachment.objects.exists()
    assert stored_files(tmp_path / "media") == []


@pytest.mark.parametrize("name", [b"", b".", b".."])
def test_a_file_with_no_name_at_all_is_refused_as_missing(client, make_proposal, staff, name):
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = raw_upload(client, proposal, name, PDF, follow=True)

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not Attachment.objects.exists()


def test_the_service_refuses_what_the_form_refuses(make_proposal, staff, settings):
    proposal = make_proposal("draft")

    with pytest.raises(ValidationError) as wrong_type:
        services.add_evidence(
            proposal=proposal, actor=staff, upload=SimpleUploadedFile("x.pdf", b"MZ\x90\x00")
        )
    with pytest.raises(ValidationError) as dots:
        services.add_evidence(proposal=proposal, actor=staff, upload=File(io.BytesIO(PDF), "..."))
    settings.EVIDENCE_MAX_BYTES = 10
    with pytest.raises(ValidationError) as too_large:
        services.add_evidence(
            proposal=proposal, actor=staff, upload=SimpleUploadedFile("x.pdf", PDF)
        )

    assert "This type of file cannot be attached." in wrong_type.value.message_dict["file"][0]
    assert "only dots" in dots.value.message_dict["file"][0]
    assert "too large" in too_large.value.message_dict["file"][0]
    assert not Attachment.objects.exists()


# --- Too large: refused before it is written ----------------------------------------------------


def test_a_file_at_the_limit_is_accepted(client, make_proposal, staff, settings):
    settings.EVIDENCE_MAX_BYTES = len(PDF) + 1000
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = upload(client, proposal, "survey.pdf", PDF + b"0" * 1000)

    assert "Evidence attached." in response.text
    assert Attachment.objects.get().size == settings.EVIDENCE_MAX_BYTES


def test_an_oversized_file_never_reaches_the_disk(
    client, make_proposal, staff, settings, tmp_path, monkeypatch
):
    """Every body that is read at all is held in memory (FILE_UPLOAD_MAX_MEMORY_SIZE): no
    temporary file is opened for it, and nothing lands in the store."""
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE >= settings.UPLOAD_MAX_REQUEST_BYTES
    settings.EVIDENCE_MAX_BYTES = 100_000
    spooled = []
    monkeypatch.setattr(
        TemporaryFileUploadHandler, "new_file", lambda *args, **kwargs: spooled.append(args)
    )
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = upload(client, proposal, "big.pdf", PDF + b"0" * 3_000_000)

    assert "This file is too large" in response.text
    assert spooled == []
    assert stored_files(tmp_path / "spool") == []
    assert stored_files(tmp_path / "media") == []
    assert not Attachment.objects.exists()


def test_an_oversized_file_is_dropped_from_a_temporary_file_too(
    client, make_proposal, staff, settings, tmp_path, monkeypatch
):
    """Where a deployment lowers FILE_UPLOAD_MAX_MEMORY_SIZE, larger bodies go to a temporary
    file: past the limit it gets no more of the file, and is deleted at once."""
    settings.EVIDENCE_MAX_BYTES = 100_000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    spooled = []
    keep = TemporaryFileUploadHandler.receive_data_chunk

    def counted(handler, raw_data, start):
        spooled.append(len(raw_data))
        return keep(handler, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counted)
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = upload(client, proposal, "big.pdf", PDF + b"0" * 1_000_000)

    assert response.status_code == 200
    assert f"This file is too large ({filesizeformat(len(PDF) + 1_000_000)})" in response.text
    assert "evidence files can be at most 97.7\xa0KB" in response.text
    assert not Attachment.objects.exists()
    assert stored_files(tmp_path / "media") == []
    assert stored_files(tmp_path / "spool") == []
    assert 0 < sum(spooled) <= settings.EVIDENCE_MAX_BYTES


def test_an_oversized_file_kept_in_memory_is_refused_too(
    client, make_proposal, staff, settings, tmp_path
):
    settings.EVIDENCE_MAX_BYTES = 1024
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = upload(client, proposal, "big.pdf", PDF + b"0" * 200_000)

    assert "This file is too large" in response.text
    assert not Attachment.objects.exists()
    assert stored_files(tmp_path / "media") == []


def test_a_body_larger_than_any_page_accepts_gets_a_page_saying_so_unread(
    client, make_proposal, staff, settings, tmp_path
):
    settings.UPLOAD_MAX_REQUEST_BYTES = 50_000
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = client.post(
        f"/proposals/{proposal.pk}/evidence/",
        {"file": SimpleUploadedFile("big.pdf", PDF + b"0" * 60_000)},
    )

    assert response.status_code == 413
    assert "That was too large to send" in response.text
    assert "a page here accepts at most 48.8\xa0KB" in response.text
    assert "<title>Too large to send – Social media governance</title>" in response.text
    assert "Content-Security-Policy" in response.headers
    assert not response.wsgi_request._read_started  # not a byte of the body was read
    assert not Attachment.objects.exists()
    assert stored_files(tmp_path / "media") == []


def test_a_form_with_too_much_text_gets_the_same_page_not_a_bare_400(
    client, make_proposal, staff, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = client.post(
        f"/proposals/{proposal.pk}/comments/",
        "body=" + "x" * 5000,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413
    assert "That was too large to send" in response.text
    assert not proposal.comments.exists()


def test_an_oversized_body_from_someone_signed_out_gets_the_page_too(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = client.post(
        "/register/report/",
        "details=" + "x" * 5000,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413
    assert "That was too large to send" in response.text


def test_a_body_within_the_limit_is_not_refused(client, make_proposal, staff, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 50_000
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = upload(client, proposal, "survey.pdf", PDF)

    assert "Evidence attached." in response.text


def test_a_negative_content_length_is_refused_as_unreadable(client, make_proposal, staff):
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = raw_upload(client, proposal, b"survey.pdf", PDF, CONTENT_LENGTH="-1")

    assert response.status_code == 400
    assert "We could not understand that request" in response.text
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("multipart/form-data", b"no boundary", 400),
        ("multipart/form-data; boundary=\x01", b"--\x01\r\n", 400),
        # A part with no name is skipped: the form then has no file.
        ("multipart/form-data; boundary=b", b"--b\r\nContent-Disposition: form-data\r\n", 302),
    ],
)
def test_a_body_django_cannot_parse_is_a_400_page_not_a_500(
    make_proposal, staff, content_type, body, status
):
    client = Client(raise_request_exception=False)
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = client.generic(
        "POST", f"/proposals/{proposal.pk}/evidence/", body, content_type=content_type
    )

    assert response.status_code == status
    if status == 400:
        assert "We could not understand that request" in response.text
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("length", ["abc", ""])
def test_a_content_length_that_is_no_number_reads_as_no_file(client, make_proposal, staff, length):
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = raw_upload(client, proposal, b"survey.pdf", PDF, CONTENT_LENGTH=length, follow=True)

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not Attachment.objects.exists()


# --- Who may fetch it -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["outsider", "colleague", "dcct"])
def test_a_person_who_may_not_see_the_draft_gets_404_for_its_evidence(
    request, client, make_proposal, staff, office, persona
):
    proposal = make_proposal("draft")
    client.force_login(staff)
    upload(client, proposal, "survey.pdf", PDF)
    attachment = Attachment.objects.get()
    who = UserFactory(office=office) if persona == "colleague" else request.getfixturevalue(persona)

    client.force_login(who)
    response = client.get(f"/proposals/{proposal.pk}/evidence/{attachment.pk}/")

    assert response.status_code == 404
    assert "Content-Disposition" not in response


def test_evidence_of_another_proposal_is_not_found_through_this_one(client, make_proposal, staff):
    mine, other = make_proposal("draft"), make_proposal("draft")
    client.force_login(staff)
    upload(client, other, "survey.pdf", PDF)
    attachment = Attachment.objects.get()

    response = client.get(f"/proposals/{mine.pk}/evidence/{attachment.pk}/")

    assert response.status_code == 404


def test_someone_signed_out_is_sent_to_sign_in(client, make_proposal, staff):
    proposal = make_proposal("draft")
    client.force_login(staff)
    upload(client, proposal, "survey.pdf", PDF)
    attachment = Attachment.objects.get()
    client.logout()

    response = client.get(f"/proposals/{proposal.pk}/evidence/{attachment.pk}/")

    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


def test_the_proposal_page_shows_the_uploaders_name_and_the_type_read(client, make_proposal, staff):
    proposal = make_proposal("draft")
    client.force_login(staff)
    upload(client, proposal, "evidence.bat", PDF)

    page = client.get(f"/proposals/{proposal.pk}/")

    assert "evidence.bat</a>" in page.text
    assert "(PDF, " in page.text


@pytest.mark.parametrize("raw", ["\u200b\u200b", "\x07.", "\u202e", "/", "a/..", "\r\n"])
def test_a_name_with_nothing_visible_left_is_refused(raw):
    with pytest.raises(ValidationError, match="only dots, spaces or invisible characters"):
        evidence.display_name(raw)


# --- Names, for every input -----------------------------------------------------------------------


@hypothesis_settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_name_is_refused_or_made_safe_to_show_and_offer(raw):
    try:
        name = evidence.display_name(raw)
    except ValidationError:
        return
    assert 0 < len(name) <= evidence.NAME_MAX_LENGTH
    assert "/" not in name and "\\" not in name
    assert name == name.strip(" .")
    assert all(char.isprintable() or char == " " for char in name)
    for content_type in evidence.TYPES:
        offered = evidence.download_name(name, content_type)
        header = evidence.content_disposition(offered)
        header.encode("ascii")
        assert "\r" not in header and "\n" not in header
        assert disposition_names(header)[1] == offered
        kind = evidence.TYPES[content_type]
        assert offered.rpartition(".")[2].lower() in (kind.extension, *kind.aliases)


# --- Evidence stored before generated names -----------------------------------------------------


def test_the_migration_moves_old_files_to_generated_names(
    make_proposal, staff, tmp_path, django_capture_on_commit_callbacks
):
    proposal = make_proposal("draft")
    old_dir = tmp_path / "media" / "evidence" / str(proposal.pk)
    old_dir.mkdir(parents=True)
    (old_dir / "20260101120000-evidence.bat").write_bytes(PDF)
    kept = Attachment.objects.create(
        proposal=proposal,
        file=f"evidence/{proposal.pk}/20260101120000-evidence.bat",
        original_name="evidence.bat\u202e",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=staff,
    )
    lost = Attachment.objects.create(
        proposal=proposal,
        file=f"evidence/{proposal.pk}/20250101120000-gone.pdf",
        original_name="....",
        content_type="application/pdf",
        size=10,
        uploaded_by=staff,
    )
    migration = importlib.import_module("proposals.migrations.0005_evidence_generated_names")

    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        migration.rename_stored_evidence(apps, None)

    kept.refresh_from_db()
    lost.refresh_from_db()
    assert GENERATED.fullmatch(kept.file.name) and kept.file.name.endswith(".pdf")
    assert kept.original_name == "evidence.bat"
    with kept.file.open("rb") as moved:
        assert moved.read() == PDF
    # The old file stays until the migration has committed, so a failed run loses nothing.
    old = f"evidence/{proposal.pk}/20260101120000-evidence.bat"
    assert stored_files(tmp_path / "media") == sorted([old, kept.file.name])
    for callback in on_commit:
        callback()
    assert stored_files(tmp_path / "media") == [kept.file.name]
    assert lost.file.name == f"evidence/{proposal.pk}/20250101120000-gone.pdf"
    assert lost.original_name == "evidence"

    with django_capture_on_commit_callbacks(execute=True) as again:
        migration.rename_stored_evidence(apps, None)  # a second run moves nothing

    assert again == []
    assert Attachment.objects.get(pk=kept.pk).file.name == kept.file.name
    assert stored_files(tmp_path / "media") == [kept.file.name]
