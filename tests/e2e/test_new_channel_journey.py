"""A proposal for a channel not in the catalogue, in a browser, from submission to a live
account: the office head approves it in principle, DCCT endorses it, chooses the catalogue
platform when it starts the set-up, records the handle and the team's training, and goes live."""

import datetime
import io

from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Account
from people.models import User
from proposals.models import ProposalKPI, ProposalTeamMember
from tests.e2e.browsing import SETUP_CHECKLIST, expect_problem, sign_in, sign_out
from tests.factories import EngagementPriorityFactory, ProposalFactory


def test_a_new_channel_goes_from_submission_to_live(page, screenshot, transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    proposer = User.objects.get(email="staff@example.org")
    colleague = User.objects.filter(office=proposer.office).exclude(pk=proposer.pk).first()
    proposal = ProposalFactory(
        proposer=proposer,
        title="Holyrood on Bluesky",
        platform=None,
        other_platform_name="Bluesky (new to us)",
        proposed_handle="holyrood-people.bsky.social",
    )
    proposal.priorities.add(EngagementPriorityFactory())
    ProposalTeamMember.objects.create(proposal=proposal, person=proposer, role="owner")
    ProposalTeamMember.objects.create(proposal=proposal, person=colleague, role="editor")
    ProposalKPI.objects.create(proposal=proposal, metric="Followers", unit="followers", target=300)

    # The proposer submits it to their office head.
    sign_in(page, "staff@example.org")
    page.goto(proposal.get_absolute_url())
    page.get_by_role("link", name="Submit to office head").click()
    page.get_by_role("button", name="Submit to office head").click()
    expect(page.get_by_text("for approval in principle")).to_be_visible()
    sign_out(page)

    # The office head approves it in principle.
    sign_in(page, "head@example.org")
    page.goto(proposal.get_absolute_url())
    page.get_by_role("link", name="Approve in principle").click()
    page.get_by_role("button", name="Approve in principle").click()
    expect(page.get_by_text("Approve in principle: done.")).to_be_visible()
    sign_out(page)

    # DCCT endorses it, then starts the set-up on the catalogue's Bluesky.
    sign_in(page, "dcct@example.org")
    page.goto(proposal.get_absolute_url())
    page.get_by_role("link", name="Endorse").click()
    page.get_by_role("button", name="Endorse").click()
    expect(page.get_by_text("Endorse: done.")).to_be_visible()
    page.get_by_role("link", name="Start set-up").click()
    page.get_by_role("button", name="Start set-up").click()
    expect_problem(page, "Choose the platform from the catalogue")
    screenshot("new-channel-start-set-up")
    page.get_by_label("Platform in the catalogue").select_option(label="Bluesky")
    page.get_by_role("button", name="Start set-up").click()
    expect(page.get_by_text("Start set-up: done.")).to_be_visible()

    # On the account: the checklist, the team's training, then go live.
    account = Account.objects.get(proposal=proposal)
    assert account.platform.name == "Bluesky"
    page.goto(account.get_absolute_url())
    for label in SETUP_CHECKLIST:
        page.get_by_label(label).check()
    page.get_by_label("Corporate email address used").fill("bluesky@example.org")
    page.get_by_label("Where in the password manager").fill("Vault: Bluesky")
    page.get_by_role("button", name="Save set-up").click()
    expect(page.get_by_text("Set-up saved.")).to_be_visible()
    for person in (proposer, colleague):
        page.get_by_text("Record training", exact=True).first.click()
        page.locator("#id_training-email").fill(person.email)
        page.get_by_label("Course").fill("Social media for SPS staff")
        page.get_by_label("Completed on").fill(datetime.date.today().isoformat())
        page.get_by_role("button", name="Record training").click()
        expect(page.get_by_text(f"Training recorded for {person}")).to_be_visible()
    page.get_by_role("link", name="Go live").click()
    page.get_by_role("button", name="Go live").click()
    expect(page.get_by_text("Go live: done.")).to_be_visible()
    screenshot("new-channel-live")

    account.refresh_from_db()
    assert account.state == "live"
    assert account.handle == "holyrood-people.bsky.social"
