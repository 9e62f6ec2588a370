import io
import re

from django.core.management import call_command
from playwright.sync_api import expect

from evaluation.models import RECERTIFICATION_FIELDS, Recertification
from tests.e2e.browsing import expect_problem, sign_in, sign_out


def test_owner_answers_no_and_dcct_follows_it_up(page, screenshot, transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    recertification = (
        Recertification.objects.filter(
            state="open", account__state="live", account__kind="business_area"
        )
        .select_related("account")
        .order_by("-due_on")
        .first()
    )
    owner = recertification.account.members.get(role="owner", removed_on=None).person

    sign_in(page, owner.email)
    page.goto("/")
    page.get_by_role("link", name=f"Recertification of {recertification.account}").first.click()
    expect(page.get_by_role("heading", name="Your answers")).to_be_visible()
    for field in RECERTIFICATION_FIELDS:
        page.locator(f"input[name={field}][value=yes]").check()
    page.locator("input[name=links_to_website][value=no]").check()
    page.get_by_role("button", name="Submit recertification").click()
    note = page.locator("#id_links_to_website_note")
    expect(note).to_have_class(re.compile("is-invalid"))
    expect_problem(page, "Say what is wrong and what is being done about it.")
    expect(page.locator("input[name=links_to_website][value=no]")).to_be_checked()
    screenshot("recertification-refused")
    note.fill("The bio lost its link when the platform changed its layout; restored next week.")
    page.get_by_role("button", name="Submit recertification").click()
    expect(page.get_by_text("Submit recertification: done.")).to_be_visible()
    expect(page.get_by_text("Needs follow-up").first).to_be_visible()

    sign_out(page)
    sign_in(page, "dcct@example.org")
    page.goto(recertification.get_absolute_url())
    page.get_by_role("button", name="Close follow-up").click()
    expect_problem(page, "Give your reasons")
    page.get_by_label("What was done").fill("Checked with the owner: the link is back.")
    page.get_by_role("button", name="Close follow-up").click()
    expect(page.get_by_text("Close follow-up: done.")).to_be_visible()
    screenshot("recertification-followed-up")
    assert Recertification.objects.get(pk=recertification.pk).state == "followed_up"
