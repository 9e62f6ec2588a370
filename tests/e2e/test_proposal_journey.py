import io

from django.core.management import call_command
from playwright.sync_api import expect

from proposals.models import Proposal
from tests.e2e.browsing import expect_problem, sign_in, sign_out


def test_proposer_drafts_and_hec_decides_an_escalation(page, screenshot, transactional_db):
    call_command("seed_demo", stdout=io.StringIO())

    # A proposer starts a new proposal and saves the first sections.
    sign_in(page, "staff@example.org")
    page.get_by_role("link", name="My proposals").click()
    screenshot("proposals-mine")
    page.get_by_role("link", name="Propose a new account").click()
    page.get_by_label("Working title").fill("Holyrood in the Highlands")
    page.get_by_label("Platform").select_option(label="Instagram")
    page.get_by_label("Proposed account name or handle").fill("@HolyroodHighlands")
    screenshot("proposal-new")
    page.get_by_role("button", name="Save draft and continue").click()
    expect(page.get_by_role("heading", name="2. Objectives and priorities")).to_be_visible()
    page.get_by_label("Objectives").fill("Bring committee work to the Highlands.")
    page.get_by_label("Young people").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="3. Audience")).to_be_visible()
    screenshot("proposal-edit-section")
    page.get_by_role("link", name="View the whole proposal").click()
    expect(page.get_by_text("Still missing before it can be submitted")).to_be_visible()
    screenshot("proposal-draft")

    # The escalated demo proposal, from HEC's side.
    sign_out(page)
    sign_in(page, "hec@example.org")
    escalated = Proposal.objects.get(state="escalated")
    page.goto(escalated.get_absolute_url())
    expect(page.get_by_role("heading", name="Escalation to HEC")).to_be_visible()
    screenshot("proposal-escalated-hec")
    page.get_by_role("link", name="Approve alternative").click()
    page.get_by_role("button", name="Approve alternative").click()
    expect_problem(page, "Give your reasons")
    page.get_by_label("Comments").fill("Test demand on the corporate account first.")
    page.get_by_role("button", name="Approve alternative").click()
    expect(page.get_by_text("Approve alternative: done.")).to_be_visible()
    screenshot("proposal-approved-by-hec")
    escalated.refresh_from_db()
    assert (escalated.state, escalated.outcome) == ("approved", "alternative")


def test_submit_and_advise_against_pages(page, screenshot, transactional_db):
    call_command("seed_demo", stdout=io.StringIO())

    sign_in(page, "staff@example.org")
    draft = Proposal.objects.get(state="draft")
    page.goto(draft.get_absolute_url())
    page.get_by_role("link", name="Submit to office head").click()
    expect(page.get_by_text("Scottish Parliament TV")).to_be_visible()
    page.get_by_role("button", name="Submit to office head").click()
    expect_problem(page, "Existing channels come first")
    screenshot("proposal-submit")
    page.get_by_label("Why are these accounts not enough?").fill(
        "The corporate channel posts chamber clips; community groups want their own voices."
    )
    page.get_by_role("button", name="Submit to office head").click()
    expect(page.get_by_text("for approval in principle")).to_be_visible()

    sign_out(page)
    sign_in(page, "dcct@example.org")
    page.get_by_role("link", name="Proposal queue").click()
    screenshot("proposals-queue")
    assessed = Proposal.objects.get(state="with_dcct")
    page.goto(assessed.get_absolute_url())
    page.get_by_role("link", name="Advise against").click()
    page.get_by_label("A content slot on a corporate account").check()
    page.get_by_role("button", name="Advise against").click()
    expect_problem(page, "Choose the corporate account.")
    screenshot("proposal-advise-against")
