"""Evidence stored before generated names (evidence/<proposal>/<time>-<uploader's name>) moves to
evidence/<xx>/<random>.<extension of its detected type>, and its shown name is cleaned as new
uploads' are. Self-contained: it must not change when proposals/evidence.py does.

Each file is copied under its new name and the row pointed at it; the old file is deleted only
once the migration has committed, so that a failed run leaves every row's file in place. A row
whose file is missing keeps its name (its page answers 404, as before)."""

import re
import unicodedata
import uuid

from django.db import migrations, transaction

EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
UNSEEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
NAME_MAX_LENGTH = 150


def shown_name(raw):
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        " " if char.isspace() else char
        for char in name
        if char.isspace() or unicodedata.category(char) not in UNSEEN
    )
    name = " ".join(name.split()).strip(" .")
    return name[:NAME_MAX_LENGTH].rstrip(" .") or "evidence"


def generated_name(content_type):
    token = uuid.uuid4().hex
    return f"evidence/{token[:2]}/{token}.{EXTENSIONS.get(content_type, 'bin')}"


def rename_stored_evidence(apps, schema_editor):
    Attachment = apps.get_model("proposals", "Attachment")
    storage = Attachment._meta.get_field("file").storage
    for attachment in Attachment.objects.order_by("pk").iterator():
        changes = {"original_name": shown_name(attachment.original_name)}
        old = attachment.file.name
        moved = (
            old
            and re.fullmatch(r"evidence/[0-9a-f]{2}/[0-9a-f]{32}\.[a-z]+", old) is None
            and storage.exists(old)
        )
        if moved:
            with storage.open(old, "rb") as content:
                changes["file"] = storage.save(generated_name(attachment.content_type), content)
        Attachment.objects.filter(pk=attachment.pk).update(**changes)
        if moved:
            transaction.on_commit(lambda old=old: storage.delete(old))


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0004_append_only_logs"),
    ]

    operations = [
        migrations.RunPython(rename_stored_evidence, migrations.RunPython.noop),
    ]
