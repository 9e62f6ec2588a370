"""Taking records away: a CSV any spreadsheet opens safely, and every export logged (who took
what, when) in the append-only Export log."""

import csv

from django.http import HttpResponse

from workflow.csv_import import spreadsheet_safe
from workflow.models import Export


def log_export(*, user, what: str) -> Export:
    return Export.objects.create(actor=user, actor_role="", action="export", comment=what)


def csv_download(*, filename: str, columns, rows, user, what: str) -> HttpResponse:
    """`rows` as a CSV attachment (UTF-8 with a byte-order mark, so spreadsheets read it as
    such), with the export logged."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    log_export(user=user, what=what)
    return response


LOG_COLUMNS = ["When", "Who", "In the role of", "Action", "From", "To", "Comment"]


def log_row(entry) -> list:
    """The columns of LOG_COLUMNS for one row of an append-only log (decisions, events)."""
    return [
        entry.created_at.isoformat(timespec="seconds"),
        str(entry.actor),
        entry.actor_role,
        entry.label,
        entry.get_from_state_display() if entry.from_state else "",
        entry.get_to_state_display() if entry.to_state else "",
        entry.comment,
    ]


def log_download(*, entries, filename: str, user, what: str) -> HttpResponse:
    """An object's whole log as CSV, row for row, with the export logged."""
    return csv_download(
        filename=filename,
        columns=LOG_COLUMNS,
        rows=(log_row(entry) for entry in entries),
        user=user,
        what=what,
    )
