"""Accessibility beyond the checker (WCAG 2.2 AA), in Debian's Chromium: axe-core (at 1280 and
375 pixels) and reflow (at 375 and 320) on every page family each role reaches, an error
summary on every form, a keyboard-only proposal with a visible focus ring at every stop, and
the statement and privacy notice from any page."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from proposals.models import Proposal
from tests.e2e.browsing import (
    FOCUS_CONTRAST,
    Audit,
    axe_violations,
    crawl,
    error_summary,
    focus_contrast,
    sign_in,
)
from tests.factories import ProposalFactory

# Written where the other screenshots go; copies looked at by a person are in docs/accessibility.
DOCS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "accessibility"

# Each role's day starts from the home page and the navigation; the crawl follows the links
# from there. A page family is audited once, by the first role that reaches it.
ROLES = ["staff", "head", "dcct", "hec", "policy"]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.parametrize("role", ["public", *ROLES])
def test_every_page_family_passes_axe_and_fits_a_phone(page, demo, role):
    """One test per role, so that the roles' crawls run side by side."""
    audit = Audit(page)
    if role == "public":
        starts = ["/register/", "/register/report/", "/accessibility/", "/privacy/", "/sign-in/"]
    else:
        sign_in(page, f"{role}@example.org")
        starts = ["/"]
    for _url in crawl(page, starts, limit=60):
        audit()
    assert audit.calls >= (5 if role == "public" else 15)  # page families crawled
    audit.assert_clean()


def _forms_on(page):
    """The page's forms that send something: POST forms with a field a person fills in."""
    return page.locator("main form[method=post]").filter(
        has=page.locator("input:not([type=hidden]):not([type=submit]), textarea, select")
    )


@pytest.mark.parametrize("role", ["staff", "dcct", "hec"])
def test_every_form_sent_empty_says_what_is_wrong_and_leads_to_each_field(page, demo, role):
    """Each form, sent with its text cleared and nothing chosen: if it refuses, focus is on an
    error summary titled "There is a problem", the title starts "Error: ", and each of its links
    moves focus to the field it is about."""
    refused = []
    sign_in(page, f"{role}@example.org")
    pages = list(crawl(page, ["/"], limit=60))
    for url in pages:
        page.goto(url)
        count = _forms_on(page).count()
        for index in range(count):
            page.goto(url)
            form = _forms_on(page).nth(index)
            if not form.is_visible():
                form.evaluate("f => f.closest('details') && (f.closest('details').open = true)")
            if not form.is_visible():
                continue
            for field in form.locator(
                "input[type=text], input[type=email], input[type=url], "
                "input[type=number], input[type=date], textarea"
            ).all():
                if field.is_editable():
                    field.fill("")
            for select in form.locator("select").all():
                if select.is_enabled():
                    select.select_option(index=0)
            form.locator("button[type=submit]").first.click()
            page.wait_for_load_state()
            summary = error_summary(page)
            if summary.count() == 0:
                # Not refused: nothing was required, and the form went through.
                expect(page.locator(".is-invalid, .invalid-feedback, .alert-danger")).to_have_count(
                    0
                )
                continue
            refused.append(f"{role} {url}#{index}")
            expect(summary).to_be_focused()
            expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
            assert page.title().startswith("Error: "), page.title()
            links = summary.get_by_role("link")
            assert links.count() > 0
            for n in range(links.count()):
                link = links.nth(n)
                target = link.get_attribute("href").lstrip("#")
                link.click()
                expect(page.locator(f"[id='{target}']")).to_be_focused()
                assert not re.search(r"This field is required", link.inner_text())
    assert len(refused) >= 2, refused


def _tab_to(page, stops, name, limit=80):
    """Press Tab until the element named `name` has focus, checking the focus ring at every stop
    on the way; the stops are recorded."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = focus_contrast(page)
        if focused["tag"] == "BODY":
            continue  # past the last stop: the browser's own controls, then the page again
        stops.append(focused)
        assert focused["best"] >= FOCUS_CONTRAST, (name, page.url, stops[-4:])
        if re.search(
            name,
            page.evaluate(
                "(e => (e.labels && e.labels[0] ? e.labels[0].innerText : '') + ' ' + e.innerText"
                " + ' ' + (e.getAttribute('aria-label') || ''))(document.activeElement)"
            ),
        ):
            return
    raise AssertionError(f"Tab never reached {name!r}: {stops[-5:]}")


def _press_enter(page):
    """Enter on a link or a button: it loads the next page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_proposal_is_created_and_submitted_with_the_keyboard_alone(page, demo):
    from people.models import User

    proposer = User.objects.get(email="staff@example.org")
    draft = ProposalFactory(proposer=proposer, title="Holyrood for young voters")  # complete
    stops = []

    page.goto("/sign-in/")
    # The email field has focus on arrival; the skip link is the first stop before it.
    assert focus_contrast(page)["best"] >= FOCUS_CONTRAST
    page.keyboard.type("staff@example.org")
    _tab_to(page, stops, "Password")
    page.keyboard.type("demo-password")
    _press_enter(page)
    expect(page.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()

    # A new proposal's first section, from the navigation.
    _tab_to(page, stops, "My proposals")
    _press_enter(page)
    _tab_to(page, stops, "Propose a new account")
    _press_enter(page)
    _tab_to(page, stops, "Working title")
    page.keyboard.type("Holyrood on the road")
    _tab_to(page, stops, "Platform")
    page.keyboard.press("ArrowDown")
    _tab_to(page, stops, "Proposed account name or handle")
    page.keyboard.type("@HolyroodOnTheRoad")
    _tab_to(page, stops, "Save draft and continue")
    _press_enter(page)
    expect(page.get_by_role("heading", name="2. Objectives and priorities")).to_be_visible()
    # The section's fields come before the list of sections.
    _tab_to(page, stops, "^Objectives")
    assert Proposal.objects.filter(title="Holyrood on the road").exists()

    # A complete draft, submitted to the office head.
    page.goto(draft.get_absolute_url())
    _tab_to(page, stops, "Submit to office head")
    _press_enter(page)
    _tab_to(page, stops, "Why are these accounts not enough")
    page.keyboard.type("Young voters do not follow the corporate accounts.")
    _tab_to(page, stops, "Submit to office head")
    _press_enter(page)
    expect(page.get_by_text("for approval in principle")).to_be_visible()
    draft.refresh_from_db()
    assert draft.state == "with_office_head"
    assert len(stops) > 15


def test_the_focus_ring_stands_out_on_the_purple_bar_and_on_white(page, demo):
    DOCS.mkdir(parents=True, exist_ok=True)
    sign_in(page, "staff@example.org")
    page.get_by_role("link", name="My proposals").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert focus_contrast(page)["best"] >= FOCUS_CONTRAST
    page.locator("header").screenshot(path=str(DOCS / "focus-on-the-purple-bar.png"))

    page.goto("/proposals/new/")
    page.get_by_label("Working title").focus()
    assert focus_contrast(page)["best"] >= FOCUS_CONTRAST
    page.get_by_role("button", name="Save draft and continue").click()
    expect(error_summary(page)).to_be_focused()
    page.screenshot(path=str(DOCS / "error-summary.png"))

    page.context.clear_cookies()
    sign_in(page, "dcct@example.org")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/dashboard/")
    page.screenshot(path=str(DOCS / "dcct-dashboard-375px.png"))


def test_the_statement_and_privacy_notice_are_a_link_away_from_every_page(page, demo):
    for start in ["/sign-in/", "/register/", "/no-such-page/"]:
        page.goto(start)
        page.get_by_role("contentinfo").get_by_role("link", name="Accessibility").click()
        expect(page.get_by_role("heading", name="Compliance status")).to_be_visible()
        for heading in [
            "Content that is not accessible",
            "Feedback and contact information",
            "Enforcement procedure",
            "Preparation of this accessibility statement",
        ]:
            expect(page.get_by_role("heading", name=heading)).to_be_visible()
        page.get_by_role("contentinfo").get_by_role("link", name="Privacy").click()
        expect(page.get_by_role("heading", name="Your rights")).to_be_visible()


ADMIN_PAGES = [
    "/admin/",
    "/admin/people/user/",
    "/admin/people/user/{user}/change/",
    "/admin/accounts/platform/",
    "/admin/accounts/account/{account}/change/",
    "/admin/proposals/proposal/{proposal}/change/",
    "/admin/people/user/add/",
    "/admin/people/trainingrecord/add/",
    "/admin/people/office/{office}/change/",
]


def test_the_administration_pages_we_fixed_pass_axe(page, demo):
    from accounts.models import Account
    from people.models import User

    ids = {
        "user": User.objects.get(email="staff@example.org").pk,
        "account": Account.objects.order_by("pk").first().pk,
        "proposal": Proposal.objects.order_by("pk").first().pk,
        "office": User.objects.get(email="staff@example.org").office_id,
    }
    sign_in(page, "admin@example.org")
    problems = []
    for path in ADMIN_PAGES:
        response = page.goto(path.format(**ids))
        assert response.status == 200, path
        # Search-as-you-type selects are built by Django's script, then named by ours.
        page.wait_for_function(
            "!document.querySelector('.select2-selection[role=combobox]:not([data-named])')"
        )
        problems += axe_violations(page)
    assert problems == [], "\n".join(problems)
