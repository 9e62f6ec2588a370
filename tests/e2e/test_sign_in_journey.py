import re

from playwright.sync_api import expect

from tests.e2e.browsing import expect_problem
from tests.factories import PASSWORD, TrainingRecordFactory


def test_staff_member_signs_in_sees_home_and_signs_out(page, screenshot, staff, office_head):
    TrainingRecordFactory(person=staff)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    screenshot("sign-in")

    page.get_by_label("Work email address").fill(staff.email.upper())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name=f"Hello, {staff.get_short_name()}")).to_be_visible()
    expect(page.get_by_text(office_head.full_name)).to_be_visible()
    expect(page.get_by_text("Current until")).to_be_visible()
    screenshot("home-staff")

    page.get_by_role("button", name=staff.full_name).click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))


def test_wrong_password_shows_a_message_on_the_form(page, staff):
    page.goto("/sign-in/")
    page.get_by_label("Work email address").fill(staff.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect_problem(page, "do not match an active account")


def test_skip_link_is_the_first_thing_keyboard_users_reach(page, staff):
    page.goto("/sign-in/")
    page.get_by_label("Work email address").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
