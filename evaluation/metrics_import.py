"""Reading a platform's analytics export (date, metric, value): every row checked, every
problem named by line and column, before anything is stored."""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_ROWS = 5000
LARGEST = Decimal(10) ** 12  # what the figures' column holds: 14 digits, 2 after the point
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


@dataclass
class Row:
    line: int
    values: dict
    errors: dict = field(default_factory=dict)
    kpi: object = None
    day: datetime.date | None = None
    value: Decimal | None = None


class ExportError(ValueError):
    """The file as a whole cannot be read."""


def _date(text):
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def read_export(text, *, kpis) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in ("date", "metric", "value") if name not in headers]
    if missing:
        raise ExportError(
            "The first line must name the columns; missing: " + ", ".join(missing) + "."
        )
    reader.fieldnames = headers
    by_name = {kpi.metric.lower(): kpi for kpi in kpis}
    rows, seen = [], {}
    for line, values in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            raise ExportError(f"Import at most {MAX_ROWS} figures at a time.")
        values = {key: (value or "").strip() for key, value in values.items() if key}
        if not any(values.values()):
            continue
        row = Row(line=line, values=values)
        row.day = _date(values.get("date", ""))
        if row.day is None:
            row.errors["date"] = "Use a date such as 2026-03-31 or 31/03/2026."
        row.kpi = by_name.get(values.get("metric", "").lower())
        if row.kpi is None:
            row.errors["metric"] = (
                f"“{values.get('metric', '')}” is not one of this account's KPIs."
            )
        try:
            row.value = Decimal(values.get("value", "").replace(",", ""))
            if not row.value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            row.errors["value"] = "Not a number."
        else:
            if abs(row.value) >= LARGEST:
                row.errors["value"] = "Too large to be a real figure."
            else:
                row.value = row.value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if row.kpi is not None and row.day is not None:
            key = (row.kpi.pk, row.day)
            if key in seen:
                row.errors["date"] = f"The same metric and day as line {seen[key]}."
            seen.setdefault(key, line)
        rows.append(row)
    if not rows:
        raise ExportError("The file has no figures in it.")
    return rows
