"""What the browser tests share: signing in and out, what a refused form must show, and the
accessibility checks run on every page a journey visits (axe-core, reflow, the error summary,
the focus ring)."""

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

# The widths a page must fit with no sideways scrolling (WCAG 1.4.10: 320 CSS pixels is 1280
# at 400% zoom).
NARROW = (375, 320)
# The widths axe-core checks each page at: the desktop's and a phone's.
AXE_NARROW = 375

_axe = Axe()


def sign_in(page, email):
    page.goto("/sign-in/")
    page.get_by_label("Work email address").fill(email)
    page.get_by_label("Password").fill("demo-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()


def sign_out(page):
    page.locator("#main-nav .dropdown-toggle").click()
    page.get_by_role("button", name="Sign out").click()


# The set-up checklist's boxes, as DCCT ticks them on a new account's page.
SETUP_CHECKLIST = [
    "Created with a corporate (not personal) email address",
    "Sign-in details held in the password manager",
    "Two-factor authentication turned on",
    "Profile, bio and a link to the website",
    "Added to the social media management tool",
    "Team trained",
    "Listed in the register",
]


def take_step(page, audit, action, fields=None):
    """A step of a workflow as people take it: its link on the object's page, its form (audited),
    the fields filled in, its button, and the page saying it is done."""
    page.get_by_role("link", name=action).click()
    audit()
    for label, value in (fields or {}).items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name=action).click()
    expect(page.get_by_text(f"{action}: done.")).to_be_visible()


def error_summary(page):
    return page.locator("[data-error-summary]")


def expect_problem(page, message):
    """A refused form: the error summary, focused, links to the field, and the field says why."""
    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(page.locator(".invalid-feedback", has_text=message).first).to_be_visible()
    assert page.title().startswith("Error: ")


def axe_violations(page) -> list[str]:
    """Every axe-core violation on the page, of any impact, as readable lines."""
    results = _axe.run(page)
    return [
        f"{page.url} [{page.viewport_size['width']}px] {v['id']} ({v['impact']}): "
        f"{[node['target'] for node in v['nodes'][:3]]}"
        for v in results.response["violations"]
    ]


def overflow(page) -> int:
    """How far the page is wider than the window, in CSS pixels (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


# The page families audited in this test process, with or without an error summary showing:
# each is audited once per run, by the first test to reach it.
AUDITED: set[str] = set()


class Audit:
    """Checks each page a journey visits, once per page family and run (a refused form's page
    counts apart from the same page unrefused): axe at the desktop width as the journey sees it,
    then each narrow width in a second tab, loaded there as a phone would load it, with axe
    again and the reflow check. Problems are collected, so that one failure lists every page at
    fault."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        self.pages: list[str] = []
        self.calls = 0

    def __call__(self):
        page = self.page
        self.calls += 1
        family = re.sub(r"\d+", "N", page.url.split("?", 1)[0].split("#", 1)[0])
        if error_summary(page).count():
            family += " refused"
        if family in AUDITED:
            return
        AUDITED.add(family)
        self.pages.append(page.url)
        self.problems += axe_violations(page)
        phone = page.context.new_page()
        try:
            for width in NARROW:
                phone.set_viewport_size({"width": width, "height": 800})
                try:
                    answered = phone.goto(page.url).status
                except PlaywrightError:
                    answered = None  # an error status with no page: Chromium gives up on it
                if answered in (None, 405) or family.endswith(" refused"):
                    # A page only a POST answers, or a refused form: the journey's own tab,
                    # narrowed, and given time to lay itself out again.
                    self._narrowed(page, width)
                    continue
                self._check(phone, width)
        finally:
            phone.close()

    def _check(self, tab, width):
        if width == AXE_NARROW:
            self.problems += axe_violations(tab)
        if (wider := overflow(tab)) > 0:
            self.problems.append(f"{tab.url} [{width}px] scrolls sideways by {wider}px")

    def _narrowed(self, page, width):
        size = page.viewport_size
        page.set_viewport_size({"width": width, "height": 800})
        page.wait_for_timeout(300)
        try:
            self._check(page, width)
        finally:
            page.set_viewport_size(size)

    def assert_clean(self):
        assert self.calls, "no page was audited"
        assert self.problems == [], "\n".join(self.problems)


# Links a crawl does not follow: they sign out, download, print or leave the product's pages.
NOT_FOLLOWED = re.compile(
    r"/sign-out|\.csv|format=|/feed/|/api/|/admin/|/record/|export=|mailto:|/password/reset/|/health/"
)


def crawl(page, starts, limit=80):
    """The product's pages reachable by links from `starts`, one of each page family (the same
    path with other numbers), breadth first; yields as it visits each."""
    page.goto(starts[0])
    origin = "/".join(page.url.split("/", 3)[:3])
    queue, families = list(starts), set()
    while queue and len(families) < limit:
        url = queue.pop(0)
        url = url if url.startswith("http") else origin + url
        family = re.sub(r"\d+", "N", url.split("#", 1)[0])
        if family in families:
            continue
        families.add(family)
        response = page.goto(url)
        assert response is None or response.status < 400, f"{url}: {response.status}"
        yield url
        links = page.eval_on_selector_all("main a[href], nav a[href]", "a => a.map(e => e.href)")
        for href in (link.split("#", 1)[0] for link in links):
            followed = href.startswith(origin) and not NOT_FOLLOWED.search(href)
            if followed and re.sub(r"\d+", "N", href) not in families:
                queue.append(href)


# The contrast a focus indicator must have against what is next to it (WCAG 1.4.11).
FOCUS_CONTRAST = 3.0

FOCUS_STYLE = (Path(__file__).parent / "focus_style.js").read_text()


def focus_contrast(page) -> dict:
    """The focused element and the best contrast of its focus indicator's colours against the
    background around it."""
    return page.evaluate_handle("document.activeElement").evaluate(FOCUS_STYLE)
