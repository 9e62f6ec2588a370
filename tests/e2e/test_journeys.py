"""Whole journeys as people click them, from the demo data, with every page they reach checked
by axe-core at desktop and phone widths and for sideways scrolling (tests/e2e/browsing.Audit),
and each refused form's error summary checked where people meet it."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Account, ImpersonationReport
from evaluation.models import Review, ReviewSchedule
from evaluation.tasks import raise_due_reviews
from people.models import User
from proposals.models import Proposal
from tests.e2e.browsing import SETUP_CHECKLIST, expect_problem, sign_in, sign_out, take_step
from tests.factories import ProposalFactory


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def _open(page, audit, url):
    page.goto(url)
    audit()


def test_a_proposal_goes_from_draft_to_an_hec_decision(page, audit, demo):
    proposer = User.objects.get(email="staff@example.org")
    proposal = ProposalFactory(proposer=proposer, title="Holyrood for young voters")

    # The proposer submits the complete draft; the first try leaves out the required answer.
    sign_in(page, proposer.email)
    audit()
    page.get_by_role("link", name="My proposals").click()
    audit()
    page.get_by_role("link", name="Holyrood for young voters").click()
    audit()
    page.get_by_role("link", name="Submit to office head").click()
    audit()
    page.get_by_role("button", name="Submit to office head").click()
    expect_problem(page, "Existing channels come first")
    audit()
    page.get_by_label("Why are these accounts not enough?").fill(
        "Young voters do not follow the corporate accounts."
    )
    page.get_by_role("button", name="Submit to office head").click()
    expect(page.get_by_text("for approval in principle")).to_be_visible()
    sign_out(page)

    # The office head finds it waiting and approves it in principle.
    sign_in(page, "head@example.org")
    page.get_by_role("link", name="Holyrood for young voters").first.click()
    audit()
    take_step(page, audit, "Approve in principle")
    sign_out(page)

    # DCCT advises against it and offers a slot on a corporate account.
    sign_in(page, "dcct@example.org")
    page.get_by_role("link", name="Proposal queue").click()
    audit()
    page.get_by_role("link", name="Holyrood for young voters").click()
    page.get_by_role("link", name="Advise against").click()
    audit()
    page.get_by_label("A content slot on a corporate account").check()
    page.get_by_role("button", name="Advise against").click()
    expect_problem(page, "Choose the corporate account.")
    audit()
    page.get_by_label("Corporate account", exact=True).select_option(index=1)
    page.get_by_label("What DCCT recommends").fill("A weekly slot on the corporate Instagram.")
    page.get_by_label("Why this meets the aims better").fill("It already reaches young voters.")
    page.get_by_label("What the proposer gets").fill("A slot every week and DCCT's editing.")
    page.get_by_role("button", name="Advise against").click()
    expect(page.get_by_text("Advise against: done.")).to_be_visible()
    sign_out(page)

    # The proposer disagrees; DCCT takes both positions to HEC.
    sign_in(page, proposer.email)
    _open(page, audit, proposal.get_absolute_url())
    page.get_by_role("link", name="Disagree").click()
    audit()
    page.get_by_role("button", name="Disagree").click()
    expect_problem(page, "Give your reasons")
    page.get_by_label("Comments").fill("A slot cannot hold a conversation with young people.")
    page.get_by_role("button", name="Disagree").click()
    expect(page.get_by_text("Disagree: done.")).to_be_visible()
    sign_out(page)

    sign_in(page, "dcct@example.org")
    _open(page, audit, proposal.get_absolute_url())
    take_step(
        page, audit, "Escalate to HEC", {"DCCT's position": "Test demand on the corporate account."}
    )
    sign_out(page)

    # HEC finds it in the inbox and decides.
    sign_in(page, "hec@example.org")
    page.get_by_role("link", name="HEC inbox").click()
    audit()
    page.get_by_role("link", name="Holyrood for young voters").first.click()
    audit()
    take_step(
        page, audit, "Approve as proposed", {"Comments": "A year's pilot, reviewed quarterly."}
    )

    proposal.refresh_from_db()
    assert (proposal.state, proposal.outcome) == ("approved", "as_proposed")
    audit.assert_clean()


def test_an_approved_proposal_is_set_up_goes_live_and_the_public_can_check_it(page, audit, demo):
    proposal = Proposal.objects.filter(state="approved", outcome="as_proposed").first()
    proposal.proposed_handle = "@HolyroodChecked"
    proposal.save(update_fields=["proposed_handle"])

    sign_in(page, "dcct@example.org")
    _open(page, audit, proposal.get_absolute_url())
    page.get_by_role("link", name="Start set-up").click()
    audit()
    page.get_by_role("button", name="Start set-up").click()
    expect(page.get_by_text("Start set-up: done.")).to_be_visible()
    account = Account.objects.get(proposal=proposal)
    _open(page, audit, account.get_absolute_url())

    for label in SETUP_CHECKLIST:
        page.get_by_label(label).check()
    page.get_by_role("button", name="Save set-up").click()
    expect_problem(page, "Say where in the password manager they are.")
    page.get_by_label("Corporate email address used").fill("checked@example.org")
    page.get_by_label("Where in the password manager").fill("Vault: Holyrood checked")
    page.get_by_role("button", name="Save set-up").click()
    expect(page.get_by_text("Set-up saved.")).to_be_visible()
    for member in account.members.select_related("person"):
        page.get_by_text("Record training", exact=True).first.click()
        page.locator("#id_training-email").fill(member.person.email)
        page.get_by_label("Course").fill("Social media for SPS staff")
        page.get_by_label("Completed on").fill(datetime.date.today().isoformat())
        page.get_by_role("button", name="Record training").click()
        expect(page.get_by_text(f"Training recorded for {member.person}")).to_be_visible()
    take_step(page, audit, "Go live")
    account.refresh_from_db()
    assert account.state == "live"
    sign_out(page)

    # Anyone can check the new account against the register.
    page.goto("/register/")
    audit()
    page.get_by_label("Paste a profile address or a handle").fill(account.url)
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_text("Yes: this is an official account")).to_be_visible()
    audit()
    audit.assert_clean()


def test_a_review_raised_by_the_job_is_reported_and_assessed_close(page, audit, demo):
    account = (
        Account.objects.filter(state="live", kind="business_area")
        .exclude(reviews__state__in=["due", "submitted"])
        .order_by("pk")
        .first()
    )
    today = timezone.localdate()
    ReviewSchedule.objects.filter(account=account).update(
        period_start=today - datetime.timedelta(days=90), next_due_on=today
    )
    assert raise_due_reviews() >= 1
    review = Review.objects.get(account=account, state="due")
    owner = account.members.get(role="owner").person

    sign_in(page, owner.email)
    page.get_by_role("link", name="Reviews").first.click()
    audit()
    _open(page, audit, review.get_absolute_url())
    page.get_by_role("button", name="Submit review").click()
    audit()
    for field in page.locator("form input[type=number]").all():
        field.fill("1")
    page.get_by_label("What went well").fill("Little: a few replies.")
    page.get_by_label("What did not go well").fill("Nobody had time to post.")
    page.get_by_label("Hours actually spent a week").fill("1")
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_text("Review submitted to DCCT.")).to_be_visible()
    sign_out(page)

    sign_in(page, "dcct@example.org")
    page.get_by_role("link", name="Dashboard").click()
    audit()
    _open(page, audit, review.get_absolute_url())
    page.get_by_label("Not effective: close").check()
    page.get_by_label("DCCT's assessment").fill(
        "Silent for a quarter; the corporate account can carry it."
    )
    page.get_by_role("button", name="Assess review").click()
    audit()
    review.refresh_from_db()
    assert (review.state, review.outcome) == ("assessed", "close")
    audit.assert_clean()


def test_a_contested_closure_is_escalated_and_decided(page, audit, demo):
    account = Account.objects.filter(state="live", kind="business_area").order_by("pk").first()
    owner = account.members.get(role="owner").person

    sign_in(page, "dcct@example.org")
    _open(page, audit, account.get_absolute_url())
    page.get_by_role("link", name="Propose closure").click()
    audit()
    page.get_by_role("button", name="Propose closure").click()
    audit()
    page.locator("input[name=reason]").first.check()
    page.get_by_label("Why it should close").fill("No posts for six months.")
    page.get_by_role("button", name="Propose closure").click()
    expect(page.get_by_text("Propose closure: done.")).to_be_visible()
    sign_out(page)

    sign_in(page, owner.email)
    _open(page, audit, account.get_absolute_url())
    page.get_by_role("link", name="Contest closure").click()
    audit()
    page.get_by_role("button", name="Contest closure").click()
    expect_problem(page, "Give your reasons")
    page.get_by_label("Comments").fill("We have a new editor and a plan for the spring.")
    page.get_by_role("button", name="Contest closure").click()
    expect(page.get_by_text("Contest closure: done.")).to_be_visible()
    sign_out(page)

    sign_in(page, "dcct@example.org")
    _open(page, audit, account.get_absolute_url())
    take_step(page, audit, "Escalate to HEC", {"DCCT's position": "Six silent months."})
    sign_out(page)

    sign_in(page, "hec@example.org")
    page.get_by_role("link", name="HEC inbox").click()
    page.get_by_role("link", name=str(account)).first.click()
    audit()
    take_step(
        page, audit, "Retain account", {"Conditions it must meet": "Monthly figures to DCCT."}
    )
    account.refresh_from_db()
    assert account.state == "live"
    audit.assert_clean()


def test_an_impersonation_report_is_filed_by_the_public_and_handled(page, audit, demo):
    page.goto("/register/report/")
    audit()
    page.get_by_role("button", name="Send the report").click()
    expect_problem(page, "Give the account's address.")
    page.get_by_label("The account's address").fill("https://x.com/HolyroodOfficialNews")
    page.get_by_label("What makes it look like one of ours?").fill("Our logo and name.")
    page.get_by_role("button", name="Send the report").click()
    audit()
    report = ImpersonationReport.objects.get(address__icontains="HolyroodOfficialNews")

    sign_in(page, "dcct@example.org")
    page.goto("/accounts/impersonation/")
    audit()
    page.get_by_role("link", name=report.address).first.click()
    audit()
    page.get_by_label("The platform's case reference").fill("X-12345")
    page.get_by_role("button", name="Report to the platform").click()
    expect(page.get_by_text("Report to the platform: done.")).to_be_visible()
    page.get_by_role("button", name="Mark as taken down").click()
    expect(page.get_by_text("Mark as taken down: done.")).to_be_visible()
    audit()
    report.refresh_from_db()
    assert report.state == "resolved"  # "Taken down"
    audit.assert_clean()
