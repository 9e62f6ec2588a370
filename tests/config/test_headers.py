"""The Content-Security-Policy (django-csp) on every kind of page, and templates that keep to
it: no inline script, style or event handler anywhere a browser would run it."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
HEADER = "Content-Security-Policy"


def policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response[HEADER].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize(
    "url",
    [
        "/sign-in/",
        "/password/reset/",
        "/register/",
        "/register/report/",
        "/api/v1/verify?url=https://x.com/ScotParl",
        "/admin/login/",
        "/no-such-page/",
    ],
)
def test_every_public_page_carries_the_policy(client, url):
    directives = policy(client.get(url))

    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("staff", "/"),
        ("staff", "/accounts/"),
        ("dcct", "/dashboard/"),
        ("administrator", "/admin/"),
        ("administrator", "/admin/axes/accessattempt/"),
    ],
)
def test_signed_in_pages_and_the_admin_carry_the_policy(client, request, persona, url):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(url)

    assert response.status_code == 200
    assert policy(response)["script-src"] == ["'self'"]


def test_the_policy_allows_no_inline_code_nor_eval(client):
    header = client.get("/sign-in/")[HEADER]

    for word in ("unsafe-inline", "unsafe-eval", "unsafe-hashes", "nonce-", "*"):
        assert word not in header


# --- Templates that keep to it -------------------------------------------------------------------

# Emails are read in mail programs, not under this site's policy.
PAGE_TEMPLATES = sorted(
    path
    for path in (ROOT / "templates").rglob("*.html")
    if "email" not in path.relative_to(ROOT / "templates").parts
)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def test_there_are_page_templates_to_check():
    assert len(PAGE_TEMPLATES) > 40


@pytest.mark.parametrize("path", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_template_has_inline_script_style_or_handlers(path):
    text = path.read_text()

    assert not INLINE_SCRIPT.findall(text), "move the script to static/src (data: json_script)"
    assert not INLINE_STYLE.findall(text), "use a class in static/src/main.css"
    assert not EVENT_HANDLER.findall(text), "listen for the event in static/src JS"
    assert not JAVASCRIPT_URL.findall(text)


def test_pages_with_charts_pass_their_data_as_json_not_script(client, dcct, make_account):
    """Rendered, a page's only script without src is json_script's data block, which the
    browser never runs."""
    make_account()
    client.force_login(dcct)

    for url in ("/reports/", "/"):
        page = client.get(url).text
        for tag in INLINE_SCRIPT.findall(page):
            assert 'type="application/json"' in tag, (url, tag)


def test_the_admins_periodic_task_form_keeps_its_help_without_inline_script(client, administrator):
    """django-celery-beat's form had an inline script; ours loads it from static/src."""
    client.force_login(administrator)

    page = client.get("/admin/django_celery_beat/periodictask/add/").text

    assert '<script id="readable-crontabs" type="application/json">' in page
    assert "dist/periodic_task_admin.js" in page
    assert all('type="application/json"' in tag for tag in INLINE_SCRIPT.findall(page))
