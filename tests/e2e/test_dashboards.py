import io

from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.browsing import sign_in, sign_out


def test_each_role_runs_their_day_from_one_screen(page, screenshot, transactional_db):
    call_command("seed_demo", stdout=io.StringIO())

    sign_in(page, "dcct@example.org")
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    screenshot("home-dcct")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", name="DCCT dashboard")).to_be_visible()
    screenshot("dcct-dashboard")
    sign_out(page)

    sign_in(page, "hec@example.org")
    screenshot("home-hec")
    page.get_by_role("link", name="HEC inbox").click()
    expect(page.get_by_role("heading", name="Escalations for your decision")).to_be_visible()
    screenshot("hec-inbox")
    sign_out(page)

    sign_in(page, "policy@example.org")
    expect(page.get_by_role("heading", name="Where to start")).to_be_visible()
    screenshot("home-policy-owner")
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("heading", name="Time to decision")).to_be_visible()
    page.wait_for_timeout(300)
    screenshot("reports")
    sign_out(page)

    sign_in(page, "head@example.org")
    screenshot("home-office-head")
    page.get_by_role("link", name="My office").click()
    screenshot("office-view")
    sign_out(page)

    for email, name in [("staff@example.org", "staff"), ("admin@example.org", "administrator")]:
        sign_in(page, email)
        screenshot(f"home-{name}")
        sign_out(page)

    page.goto("/register/?verify=https://mobile.twitter.com/ScotParl/")
    expect(page.get_by_text("Yes: this is an official account")).to_be_visible()
    screenshot("public-register")
