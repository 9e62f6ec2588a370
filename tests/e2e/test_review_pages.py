import io

from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Account
from evaluation.models import Review
from tests.e2e.browsing import expect_problem, sign_in, sign_out


def test_team_submits_a_review_and_dcct_assesses_it(page, screenshot, transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    review = (
        Review.objects.filter(state="due", account__state="live", account__kind="business_area")
        .select_related("account")
        .order_by("pk")
        .first()
    )
    owner = review.account.members.get(role="owner").person

    sign_in(page, owner.email)
    page.goto(review.get_absolute_url())
    expect(page.get_by_role("heading", name="Your report")).to_be_visible()
    page.get_by_label("Followers (followers)").fill("2400")
    page.get_by_label("Engagement rate (%)").fill("3.9")
    page.get_by_label("What went well").fill("Live Q&A with the committee convener.")
    page.get_by_label("What did not go well").fill("Replies were slow in recess.")
    page.get_by_label("Hours actually spent a week").fill("6")
    screenshot("review-report")
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_text("Review submitted to DCCT.")).to_be_visible()

    sign_out(page)
    sign_in(page, "dcct@example.org")
    page.goto(review.get_absolute_url())
    page.get_by_label("Needs to improve: action plan").check()
    page.get_by_label("DCCT's assessment").fill("Growth has stalled.")
    page.get_by_role("button", name="Assess review").click()
    expect_problem(page, "Agree an action plan for the improvement.")
    screenshot("review-assess")

    account = Account.objects.get(pk=review.account_id)
    page.goto(account.get_absolute_url() + "#reviews")
    expect(page.locator("canvas[data-kpi]").first).to_be_visible()
    page.wait_for_timeout(300)
    screenshot("account-reviews-chart")
