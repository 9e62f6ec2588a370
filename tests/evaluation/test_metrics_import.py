"""An analytics export is read whole at the preview: whatever a cell holds, the preview names
the problem, and a preview that says "ready" always imports (evaluation/metrics_import.py)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evaluation.models import MetricObservation

pytestmark = pytest.mark.django_db
YESTERDAY = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()


def preview(client, account, text):
    return client.post(
        f"/accounts/{account.pk}/figures/",
        {"file": SimpleUploadedFile("export.csv", text.encode(), content_type="text/csv")},
    )


@pytest.fixture
def account(make_review, client, owner):
    client.force_login(owner)
    return make_review("due").account


@pytest.mark.parametrize(
    "value",
    [
        "1e999999999",  # an exponent no rounding survives
        "-1e999999999",
        "999999999999.995",  # rounds to 1,000,000,000,000.00: one digit more than the column
        "1000000000000",
    ],
)
def test_a_figure_too_large_for_the_column_is_refused_at_the_preview(client, account, value):
    answer = preview(client, account, f"date,metric,value\n{YESTERDAY},Followers,{value}\n")

    assert answer.status_code == 200
    assert answer.context["rows"][0].errors == {"value": "Too large to be a real figure."}
    assert answer.context["payload"] is None


def test_the_largest_figure_the_column_holds_imports_rounded(client, account):
    ready = preview(client, account, f"date,metric,value\n{YESTERDAY},Followers,999999999999.994\n")

    done = client.post(f"/accounts/{account.pk}/figures/", {"payload": ready.context["payload"]})

    assert done.status_code == 302
    assert MetricObservation.objects.get().value == Decimal("999999999999.99")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "twelve", "1.2.3", ""])
def test_what_is_not_a_number_is_said_to_be_so(client, account, value):
    answer = preview(client, account, f"date,metric,value\n{YESTERDAY},Followers,{value}\n")

    assert answer.context["rows"][0].errors == {"value": "Not a number."}


@pytest.mark.parametrize("day", ["0001-01-01", "31/12/1999", "9999-12-31"])
def test_a_day_before_any_platform_counted_or_still_to_come_is_refused(client, account, day):
    answer = preview(client, account, f"date,metric,value\n{day},Followers,10\n")

    assert "figures are for days that have passed" in answer.context["rows"][0].errors["date"]
    assert answer.context["payload"] is None


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"])
def test_any_line_ending_is_read(client, account, ending):
    text = ending.join(
        ["date,metric,value", f"{YESTERDAY},Followers,10", f"{YESTERDAY},Complaints,1"]
    )

    answer = preview(client, account, text + ending)

    assert "All 2 figures are ready to import." in answer.text


def test_a_cell_over_128_kb_is_refused_naming_the_line(client, account):
    answer = preview(client, account, f"date,metric,value\n{YESTERDAY},{'F' * 140_000},10\n")

    assert answer.status_code == 200
    assert answer.context["problem"] == (
        "Line 2 cannot be read (a cell is longer than 128 KB): is this the right file?"
    )
    assert not MetricObservation.objects.exists()


def test_only_the_previewed_file_is_imported_and_only_once_ready(client, account):
    """The confirm step reads the signed file again, with the whole validation: a preview
    with problems offers no import, and none can be forced."""
    answer = preview(client, account, f"date,metric,value\n{YESTERDAY},Followers,1e999999999\n")

    assert answer.context["payload"] is None
    assert client.post(f"/accounts/{account.pk}/figures/", {"payload": "forged"}).status_code == 403
    assert not MetricObservation.objects.exists()
