"""Evidence files attached to a business case: which types are accepted (read from the file's
own bytes), how a file is named in storage (a generated name; the uploader's name is only ever
shown), how it is offered for download, and how an oversized file is stopped as it arrives."""

import io
import re
import unicodedata
import uuid
from dataclasses import dataclass
from urllib.parse import quote

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat

# Longer names are refused: they are shown on the page and offered as the download's name.
NAME_MAX_LENGTH = 150


@dataclass(frozen=True)
class EvidenceType:
    mime: str
    extension: str
    label: str
    # Other extensions the same type is known by, so that "photo.jpeg" keeps its name.
    aliases: tuple[str, ...] = ()


TYPES = {
    kind.mime: kind
    for kind in (
        EvidenceType("application/pdf", "pdf", "PDF"),
        EvidenceType("image/png", "png", "PNG image"),
        EvidenceType("image/jpeg", "jpg", "JPEG image", aliases=("jpeg", "jpe")),
        EvidenceType("image/gif", "gif", "GIF image"),
        EvidenceType("image/webp", "webp", "WebP image"),
        EvidenceType(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
            "Word document",
        ),
        EvidenceType(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            "Excel workbook",
        ),
        EvidenceType(
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "pptx",
            "PowerPoint presentation",
        ),
        EvidenceType("application/vnd.oasis.opendocument.text", "odt", "OpenDocument text"),
        EvidenceType(
            "application/vnd.oasis.opendocument.spreadsheet", "ods", "OpenDocument spreadsheet"
        ),
        EvidenceType(
            "application/vnd.oasis.opendocument.presentation",
            "odp",
            "OpenDocument presentation",
        ),
    )
}
# What a stored row whose type is not (or no longer) one of ours is served as: never rendered.
UNKNOWN = EvidenceType("application/octet-stream", "bin", "File")


def type_of(content_type) -> EvidenceType:
    return TYPES.get(content_type, UNKNOWN)


def check_size(upload) -> None:
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"This file is too large ({filesizeformat(upload.size)}): evidence files can be at "
            f"most {filesizeformat(limit)}.",
            code="too_large",
        )


def detect_type(upload) -> EvidenceType:
    """The type read from the file's own bytes; its name and the browser's word for it are
    easy to fake."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in TYPES:
        raise ValidationError(
            "This type of file cannot be attached. Use a PDF, an image (PNG, JPEG, GIF, WebP) "
            "or an office document (Word, Excel, PowerPoint, OpenDocument).",
            code="type",
        )
    return TYPES[kind.mime]


# Characters nobody sees or that reorder what they see (U+202E makes "fdp.exe" read "exe.pdf"):
# control, format, surrogate, private-use and unassigned code points, and line separators.
_UNSEEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def display_name(raw) -> str:
    """The uploader's name for a file as it is shown and offered back: its last path part, in
    NFC, with whitespace made single spaces, without invisible characters, and with no dots or
    spaces at either end. Refused when longer than NAME_MAX_LENGTH or when nothing is left."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        " " if char.isspace() else char
        for char in name
        if char.isspace() or unicodedata.category(char) not in _UNSEEN
    )
    name = " ".join(name.split()).strip(" .")
    if not name:
        raise ValidationError(
            "This file's name is only dots, spaces or invisible characters. Give the file a "
            "name and attach it again.",
            code="name_empty",
        )
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            f"This file's name is longer than {NAME_MAX_LENGTH} characters. Give the file a "
            "shorter name and attach it again.",
            code="name_too_long",
        )
    return name


def storage_name(content_type) -> str:
    """Where a file is stored: a random name that says nothing of the proposal or the uploader,
    with the extension of the type read from its bytes."""
    token = uuid.uuid4().hex
    return f"evidence/{token[:2]}/{token}.{type_of(content_type).extension}"


def download_name(name, content_type) -> str:
    """The shown name, ending in the extension of the type the file really is: "survey.pdf"
    stays, "evidence.bat" holding a PDF becomes "evidence.bat.pdf"."""
    kind = type_of(content_type)
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension in (kind.extension, *kind.aliases):
        return name
    return f"{name}.{kind.extension}"


def content_disposition(filename) -> str:
    """`attachment` with an ASCII fallback name for old clients and the exact name as RFC 5987
    UTF-8 (percent-encoded, so no quote, semicolon or line break can reach the header)."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    plain = " ".join(re.sub(r"[^A-Za-z0-9 ._()-]+", "_", plain).split()).strip(" ._")
    plain = plain or "evidence"
    extension = re.sub(r"[^A-Za-z0-9]+", "", extension)
    fallback = f"{plain}.{extension}" if extension else plain
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(handle, *, name, content_type) -> FileResponse:
    """The stored file as a download that no browser renders or sniffs as anything else."""
    kind = type_of(content_type)
    response = FileResponse(handle, content_type=kind.mime)
    response["Content-Disposition"] = content_disposition(download_name(name, kind.mime))
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser open it in a tab anyway, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


class TooLargeUpload(UploadedFile):
    """Stands in for a file that passed the limit as it arrived: its name and size, none of its
    bytes, so that the form says "too large" beside its field."""

    def __init__(self, name, content_type, size, charset=None):
        super().__init__(io.BytesIO(), name, content_type, size, charset)


class EvidenceUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS. Once a file passes EVIDENCE_MAX_BYTES (no page accepts a
    larger file) the handlers after it, which keep the file in memory or a temporary file,
    drop what they have and get no more of it; the rest of it is read and thrown away, and the
    form is given a TooLargeUpload. It is installed for every request because middleware reads
    the body before a view is chosen; the whole body is bounded before that by
    workflow.middleware.RefuseOversizedRequests."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        if self.too_large:
            return None
        self.received += len(raw_data)
        if self.received > settings.EVIDENCE_MAX_BYTES:
            self.too_large = True
            self._drop_what_the_others_hold()
            return None
        return raw_data

    def file_complete(self, file_size):
        if self.too_large:
            return TooLargeUpload(self.file_name, self.content_type, file_size, self.charset)
        return None

    def _drop_what_the_others_hold(self):
        handlers = list(self.request.upload_handlers)
        for handler in handlers[handlers.index(self) + 1 :]:
            held = getattr(handler, "file", None)
            if held is not None:
                # A temporary file is deleted as it is closed.
                held.close()
