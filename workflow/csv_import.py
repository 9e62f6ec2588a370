"""The one way a CSV file is imported (the account inventory, analytics figures): upload, a
preview naming every row's problems, then all rows or none. Between the two steps the file
travels back signed, so what is imported is exactly what was previewed."""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError

MAX_BYTES = 2 * 1024 * 1024


def spreadsheet_safe(cell):
    """A cell a spreadsheet will show as text, never run as a formula (for CSV downloads). A
    number is left as it is, a negative one too: it is a figure, not a formula, and a
    spreadsheet should read it as a number."""
    if isinstance(cell, int | float | Decimal) and not isinstance(cell, bool):
        return cell
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
        # No CSV file holds a NUL character; a spreadsheet's own format or UTF-16 does.
        if "\x00" in self.text:
            raise forms.ValidationError(
                "This is not a CSV file as a spreadsheet saves it (it holds NUL characters). "
                "Save it as CSV (UTF-8) and try again."
            )
        return upload


def read_table(text, *, columns, error, max_rows, noun):
    """The rows of a CSV file as (line, values): the first line names the columns (any case,
    any order; `columns` must be among them), each value is stripped, empty rows are skipped.
    Lines may end as Windows, Unix or old Mac spreadsheets end them (CR LF, LF or CR). A file
    that cannot be read as a table at all raises `error` with the reason: a missing column,
    more than `max_rows` rows, or a line the csv module refuses (a cell over 128 KB)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    rows = []
    try:
        headers = [name.strip().lower() for name in (reader.fieldnames or [])]
        missing = [name for name in columns if name not in headers]
        if missing:
            raise error(
                "The first line must name the columns; missing: " + ", ".join(missing) + "."
            )
        reader.fieldnames = headers
        for line, values in enumerate(reader, start=2):
            if line - 1 > max_rows:
                raise error(f"Import at most {max_rows} {noun} at a time.")
            values = {key: (value or "").strip() for key, value in values.items() if key}
            if any(values.values()):
                rows.append((line, values))
    except csv.Error as problem:
        if "field limit" in str(problem):
            reason = f"a cell is longer than {csv.field_size_limit() // 1024} KB"
        else:
            reason = str(problem)
        # line_num counts the lines read whole: the one refused is the next.
        raise error(
            f"Line {reader.line_num + 1} cannot be read ({reason}): is this the right file?"
        ) from None
    return rows


def model_problems(instance, columns: dict) -> dict:
    """What the model refuses of a row, by column: each field's own rules (length, digits,
    choices, validators) and the model's clean(). These are the checks the import would meet
    in the database, made at the preview, so that importing a previewed file never fails.
    `columns` maps the fields checked to the column each error is shown under."""
    checked = set(columns)
    try:
        instance.full_clean(
            exclude=[field.name for field in instance._meta.fields if field.name not in checked],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        problems = {}
        for field, messages in error.message_dict.items():
            column = columns.get(field, "row")
            problems[column] = " ".join([problems.get(column, ""), *messages]).strip()
        return problems
    return {}


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
