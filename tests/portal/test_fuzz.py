"""Generated hostile input (hypothesis) to every form and every query parameter the product
offers: empty, huge, NUL, control characters, any Unicode, numbers too large for any column,
dates at the ends of the calendar. Never a 500; a form that refuses its input saves nothing; a
CSV import whose preview says "ready" always imports.

The forms are found as the access matrix finds them (each route's form, read from the page
that shows it to its person); the query parameters are those each page offers (its search and
filter forms, its links back to itself) and those the API documents, so that a new form or
filter cannot escape. Examples are few per form (EXAMPLES), so the whole test stays within a
minute or two, and the same every run (tests/conftest.py); HYPOTHESIS_PROFILE=explore draws new
ones."""

import csv
import datetime
import io
import os

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Account
from tests.portal.access import WRITES, expected_get
from tests.portal.pages import changes, forms_on, query_names_on, snapshot
from tests.portal.senders import Personas, form_key, post
from tests.portal.test_every_page import SHARDS, balanced, routes, sharded, urls_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]
# Per form and per page; FUZZ_EXAMPLES=200 for a deeper run by hand.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 10))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Forms that end the session or need what only an email carries: nothing to fuzz but the
# sign-in itself, which the sign-in tests cover with its lockout.
NOT_FUZZED = {"sign-out/", "password/reset/<uidb64>/<token>/"}

CONTROL = st.sampled_from(
    [chr(c) for c in range(0x20)] + ["\x7f", "\x85", "\u2028", "\u2029", "\u202e", "\ufeff"]
)
EDGE_VALUES = [
    "\x00",
    "a\x00b",
    "Line\nbreak",
    "Tab\there",
    "\x1b[31mred",
    "\u202eevil",
    "²",
    "P-²",
    "١٢٣",
    "𝟗𝟗",
    "9" * 30,
    "-" + "9" * 30,
    "9" * 5000,  # past the length int() accepts
    "1e999999999",
    "-1e999999999",
    "999999999999.995",
    "NaN",
    "sNaN",  # a signalling NaN: comparing one raises
    "Infinity",
    "0x1F",
    "1_000",
    "  42  ",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2024-02-30",
    "31/12/9999",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "x" * 200_000,
    "é" * 70_000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    '=HYPERLINK("http://evil.example")',
]
EDGES = st.sampled_from(EDGE_VALUES)
# One of each kind, given to every field of every form in turn (NUL is refused before any form
# is read: workflow.middleware); the rest of EDGE_VALUES come up among the generated values.
FORM_EDGES = [
    "",
    "Line\nbreak\x1b[0m",
    "²",
    "9" * 30,
    "1e999999999",
    "sNaN",
    "9999-12-31",
    "x" * 20_000,  # past every field's length
]
# Edge values come up as often as all generated kinds together.
HOSTILE = st.one_of(
    EDGES,
    EDGES,
    EDGES,
    EDGES,
    EDGES,
    st.just(""),
    st.text(max_size=60),
    st.lists(st.one_of(st.text(max_size=8), CONTROL), min_size=1, max_size=6).map("".join),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(datetime.date.isoformat),
)


def _forms(matrix):
    """Each form once: (its route's key, the address it posts to, its person's client, the
    form as the page shows it, what its person would send)."""
    found = {}
    for route in routes():
        if route not in WRITES or route in NOT_FUZZED:
            continue
        for url in (u for u in urls_for(route) if "?" not in u):
            key = form_key(url)
            if key in found:
                continue
            client, form = matrix.form(url)
            if form is not None:
                found[key] = (url, client, form, matrix.payloads(url)[0])
    return found


def _fuzzed_fields(form):
    """Every field a request can carry, hidden ones too (the stale-page stamp, the number of
    rows of a list); not the CSRF token, which the test client does not check."""
    skipped = ("button", "file")
    return sorted(
        {f.name for f in form.fields if f.kind not in skipped and f.name != "csrfmiddlewaretoken"}
    )


def _hostile_payload(data, form, base):
    """The form as its person would send it, with some fields given hostile values."""
    names = _fuzzed_fields(form)
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
    payload = dict(base)
    for name in chosen:
        payload[name] = data.draw(st.lists(HOSTILE, min_size=1, max_size=2))
    return payload


def _sending(url, client, form, base):
    """Hypothesis's test of one form: its person sends it with some fields hostile."""

    @FUZZ
    @given(data=st.data())
    def send(data):
        payload = _hostile_payload(data, form, base)
        cache.clear()  # each example starts within the rate limits
        with transaction.atomic():
            before = snapshot()
            answer = post(client, url, payload)
            changed = changes(before, snapshot())
            transaction.set_rollback(True)
        assert answer.status_code < 500, (url, payload)
        if answer.status_code != 302:  # refused, or shown again with its errors
            assert changed == [], (url, payload, changed)

    return send


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_form_answers_500_and_a_refused_form_saves_nothing(request, ready, spare, shard):
    """Every field of every form with each kind of edge value in turn (the rest as its person
    fills it in), then generated values in several fields at once."""
    matrix = Personas(request, spare)
    forms = _forms(matrix)
    assert len(forms) > 40  # the pages were read and their forms found

    failures = []
    fields = {key: len(_fuzzed_fields(form)) for key, (_, _, form, _) in forms.items()}
    for key in balanced(sorted(forms), shard, weight=lambda key: fields[key] + 1):
        url, client, form, base = forms[key]
        for name in _fuzzed_fields(form):
            for value in FORM_EDGES:
                with transaction.atomic():
                    status = post(client, url, {**base, name: [value]}).status_code
                    transaction.set_rollback(True)
                if status >= 500:
                    failures.append(f"POST {url} {name}={value[:40]!r}: {status}")
        if not _fuzzed_fields(form):
            continue  # a button alone (make owner): the access matrix sends it
        try:
            _sending(url, client, form, base)()
        except AssertionError as failure:
            failures.append(f"{key}: {str(failure)[:500]}")

    assert failures == [], "\n".join(failures)


def _pages(matrix):
    """Each page without an object in its address, with the query parameters it offers, and
    the client of somebody who may open it (anonymous where everyone may)."""
    pages = {}
    for route in routes():
        url = "/" + route
        if "<" in route or route in ("sign-out/",):
            continue
        for client, user in matrix.clients.values():
            if expected_get(url, user) != {200}:
                continue
            names = set()
            answer = client.get(url)
            if "html" in answer.get("Content-Type", ""):
                names = query_names_on(url, answer.content.decode(errors="replace"))
            pages[url] = (client, names | {"page"})
            break
    schema = matrix.clients["anonymous"][0].get("/api/v1/openapi.json").json()
    for path, methods in schema["paths"].items():
        parameters = {p["name"] for p in methods.get("get", {}).get("parameters", [])}
        client, names = pages.get(path, (matrix.clients["anonymous"][0], set()))
        pages[path] = (client, names | parameters)
    return pages


def _reading(url, client, names):
    """Hypothesis's test of one page: some of its query parameters given hostile values."""

    @FUZZ
    @given(data=st.data())
    def read(data):
        chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
        query = {name: data.draw(st.lists(HOSTILE, min_size=1, max_size=2)) for name in chosen}
        answer = client.get(url, query)
        assert answer.status_code < 500, (url, query)

    return read


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_query_answers_500_and_reading_changes_nothing(request, ready, spare, shard):
    """Every page's every parameter with each edge value in turn, then generated ones."""
    matrix = Personas(request, spare)
    pages = _pages(matrix)
    offered = {name for _, names in pages.values() for name in names}
    # The filters the issue names, found on the pages themselves.
    assert {"q", "office", "platform", "from", "to", "changed_since", "url"} <= offered

    failures = []
    before = snapshot()
    for url in sharded(sorted(pages), shard):
        client, names = pages[url]
        for name in sorted(names):
            for value in EDGE_VALUES:
                status = client.get(url, {name: value}).status_code
                if status >= 500:
                    failures.append(f"GET {url} {name}={value[:40]!r}: {status}")
        try:
            _reading(url, client, sorted(names))()
        except AssertionError as failure:
            failures.append(f"{url}: {str(failure)[:500]}")

    assert failures == [], "\n".join(failures)
    assert changes(before, snapshot()) == []


LINE_END = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def csv_files(draw, header, good_row):
    """A CSV file with the right columns and any line ends: rows that would import, some of
    their cells given hostile values."""
    rows = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        row = list(good_row)
        for index in draw(st.lists(st.sampled_from(range(len(row))), max_size=2, unique=True)):
            row[index] = draw(HOSTILE)
        rows.append(row)
    return _as_csv([header, *rows], draw(LINE_END))


def _import(client, url, text, imported):
    """Preview the file and, where the preview says it is ready, import it (rolled back)."""
    file = SimpleUploadedFile("file.csv", text.encode())
    with transaction.atomic():
        preview = client.post(url, {"file": file})
        assert preview.status_code == 200, (url, text[:300], preview.status_code)
        for step in forms_on(url, preview.content.decode(errors="replace")):
            if any(f.name == "payload" for f in step.fields):
                done = client.post(url, step.data())
                assert done.status_code == 302, (url, text[:300], done.status_code)
                imported.append(url)
        transaction.set_rollback(True)


def _uploading(url, client, header, good_row, imported):
    """Hypothesis's test of one import: a file is previewed and, if ready, imported."""

    @FUZZ
    @given(text=csv_files(header, good_row))
    def upload(text):
        _import(client, url, text, imported)

    return upload


def _as_csv(rows, ending="\n"):
    out = io.StringIO()
    csv.writer(out, lineterminator=ending).writerows(rows)
    return out.getvalue()


def test_an_import_whose_preview_says_ready_always_imports(request, ready, spare):
    """The imports' whole validation runs at the preview: whatever the file holds, the preview
    never fails, and when it says every row is ready the import that follows succeeds. Each
    column is given each edge value in turn, then hypothesis generates files."""
    matrix = Personas(request, spare)
    account = Account.objects.filter(state="live").first()
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    imports = {
        "/accounts/import/": (
            ["platform", "handle", "url", "office", "owner_emails", "display_name"],
            ["instagram", "BrandNewParl", "", spare.office.name, spare.email, "Brand new"],
        ),
        f"/accounts/{account.pk}/figures/": (
            ["date", "metric", "value"],
            [yesterday, "Followers", "1200"],
        ),
    }
    failures, imported = [], []
    for url, (header, good_row) in imports.items():
        client = matrix.sender(url)
        for column in range(len(header)):
            for value in EDGE_VALUES:
                row = [*good_row[:column], value, *good_row[column + 1 :]]
                try:
                    _import(client, url, _as_csv([header, row]), imported)
                except AssertionError as failure:
                    failures.append(f"{url} {header[column]}={value[:40]!r}: {failure}"[:500])
        try:
            _uploading(url, matrix.sender(url), header, good_row, imported)()
        except AssertionError as failure:
            failures.append(f"{url}: {str(failure)[:500]}")

    assert failures == [], "\n".join(failures)
    assert set(imported) == set(imports)  # some files were ready, and imported
