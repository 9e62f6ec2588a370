"""The one way a CSV file is imported (the account inventory, analytics figures): upload, a
preview naming every row's problems, then all rows or none. Between the two steps the file
travels back signed, so what is imported is exactly what was previewed."""

from dataclasses import dataclass

from django import forms
from django.core import signing
from django.core.exceptions import PermissionDenied

MAX_BYTES = 2 * 1024 * 1024


def spreadsheet_safe(cell):
    """A cell a spreadsheet will show as text, never run as a formula (for CSV downloads)."""
    text = str(cell)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


class CSVUploadForm(forms.Form):
    file = forms.FileField(label="CSV file")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The file is too large: at most 2 MB.")
        try:
            self.text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("Save the file as CSV (UTF-8) and try again.") from None
        return upload


@dataclass
class Preview:
    form: CSVUploadForm
    rows: list | None = None
    payload: str | None = None
    problem: str | None = None
    confirmed: bool = False  # every row is valid and the person pressed "import"

    @property
    def error_count(self):
        return sum(1 for row in self.rows or [] if row.errors)


def preview(request, *, form_class, salt, read, file_error):
    """Read the uploaded (or signed, previewed) file with `read(text)`, which returns rows
    with `.errors` or raises `file_error` for a file that cannot be read at all."""
    signer = signing.Signer(salt=salt)
    result = Preview(form=form_class())
    if request.method != "POST":
        return result
    confirming = "payload" in request.POST
    if confirming:
        try:
            text = signer.unsign_object(request.POST["payload"])
        except signing.BadSignature:
            raise PermissionDenied("The preview was changed; upload the file again.") from None
    else:
        result.form = form_class(request.POST, request.FILES)
        text = result.form.text if result.form.is_valid() else None
    if text is None:
        return result
    try:
        result.rows = read(text)
    except file_error as error:
        result.problem = str(error)
        return result
    if not result.error_count:
        result.confirmed = confirming
        result.payload = signer.sign_object(text)
    return result
