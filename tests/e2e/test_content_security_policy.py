"""Under the Content-Security-Policy, the main pages of every role work in Chromium with nothing
blocked: every script, style, chart and admin page comes from the site itself."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Account
from tests.e2e.browsing import sign_in, sign_out

# Record what the policy blocks, from the first moment of every page.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
});
"""

ROLES = {
    "staff@example.org": [],
    "head@example.org": [],
    "dcct@example.org": ["/reports/", "/accounts/{charts}/"],
    "hec@example.org": [],
    "policy@example.org": ["/reports/", "/accounts/{charts}/"],
    "admin@example.org": [
        "/admin/",
        "/admin/people/user/",
        "/admin/axes/accessattempt/",
        "/admin/django_celery_beat/periodictask/add/",
        "/admin/accounts/account/",
    ],
}


@pytest.fixture
def problems(page):
    """What went wrong on the pages visited: violations, script errors, loads refused."""
    seen = []

    def on_console(message):
        # Chromium also logs failed loads here; those are checked by their responses below.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            seen.append((page.url, message.text))

    def on_response(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            seen.append((response.url, response.status))

    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.append((page.url, str(error))))
    page.on("response", on_response)
    return seen


def visit(page, url):
    response = page.goto(url)
    assert response.status < 400, url
    page.wait_for_load_state("load")


def test_public_pages_work_with_nothing_blocked(page, problems, transactional_db):
    call_command("seed_demo", stdout=io.StringIO())

    for url in ("/sign-in/", "/password/reset/", "/register/report/", "/admin/login/"):
        visit(page, url)
    visit(page, "/register/?verify=https://x.com/ScotParl")
    expect(page.get_by_text("Yes: this is an official account")).to_be_visible()

    assert problems == []


def test_each_roles_main_pages_work_with_nothing_blocked(page, problems, transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    with_charts = next(a for a in Account.objects.all() if a.reviews.exists())

    for email, extra in ROLES.items():
        sign_in(page, email)
        navigation = page.eval_on_selector_all(
            "#main-nav a.nav-link[href^='/']",
            "links => links.map(link => link.getAttribute('href'))",
        )
        assert navigation, email
        for url in [*navigation, *(url.format(charts=with_charts.pk) for url in extra)]:
            visit(page, url)
        visit(page, "/")  # the admin's pages have not the product's menu to sign out from
        sign_out(page)

    assert problems == []


def test_charts_draw_under_the_policy(page, problems, transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    sign_in(page, "policy@example.org")

    visit(page, "/reports/")

    heights = page.eval_on_selector_all("canvas[data-chart]", "cs => cs.map(c => c.height)")
    assert heights and all(height == 260 for height in heights)
    assert problems == []
