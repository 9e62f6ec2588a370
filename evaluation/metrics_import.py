"""Reading a platform's analytics export (date, metric, value): every row checked, every
problem named by line and column, before anything is stored."""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

from evaluation.models import MetricObservation
from workflow.csv_import import model_problems, read_table

MAX_ROWS = 5000
# What the figures' column holds: 14 digits, 2 after the point, so 12 before it.
DIGITS_BEFORE_POINT = 12
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
# No platform's analytics go back further.
EARLIEST_DAY = datetime.date(2000, 1, 1)


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


def _value(text):
    """The figure as stored (two decimal places), or the reason it cannot be. Its size is read
    from its exponent (arithmetic on 1e999999999 overflows) and checked again after rounding,
    since 999999999999.995 rounds to a number the column cannot hold."""
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None, "Not a number."
    if not value.is_finite():
        return None, "Not a number."
    if value.adjusted() < DIGITS_BEFORE_POINT:
        value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value.adjusted() >= DIGITS_BEFORE_POINT:
        return None, "Too large to be a real figure."
    return value, None


def read_export(text, *, kpis) -> list[Row]:
    table = read_table(
        text,
        columns=["date", "metric", "value"],
        error=ExportError,
        max_rows=MAX_ROWS,
        noun="figures",
    )
    by_name = {kpi.metric.lower(): kpi for kpi in kpis}
    today = timezone.localdate()
    rows, seen = [], {}
    for line, values in table:
        row = Row(line=line, values=values)
        row.day = _date(values.get("date", ""))
        if row.day is None:
            row.errors["date"] = "Use a date such as 2026-03-31 or 31/03/2026."
        elif not EARLIEST_DAY <= row.day <= today:
            row.errors["date"] = (
                f"Give a day from {EARLIEST_DAY:%-d %B %Y} to today: figures are for days "
                "that have passed."
            )
        row.kpi = by_name.get(values.get("metric", "").lower())
        if row.kpi is None:
            row.errors["metric"] = (
                f"“{values.get('metric', '')}” is not one of this account's KPIs."
            )
        row.value, problem = _value(values.get("value", ""))
        if problem:
            row.errors["value"] = problem
        else:
            observation = MetricObservation(day=row.day, value=row.value)
            checked = {"value": "value", **({"day": "date"} if row.day else {})}
            for column, message in model_problems(observation, checked).items():
                row.errors.setdefault(column, message)
        if row.kpi is not None and row.day is not None:
            key = (row.kpi.pk, row.day)
            if key in seen:
                row.errors["date"] = f"The same metric and day as line {seen[key]}."
            seen.setdefault(key, line)
        rows.append(row)
    if not rows:
        raise ExportError("The file has no figures in it.")
    return rows
