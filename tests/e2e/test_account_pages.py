import io

from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Account
from tests.e2e.browsing import sign_in, sign_out


def test_dcct_sets_up_and_hec_decides_a_closure(page, screenshot, transactional_db, tmp_path):
    call_command("seed_demo", stdout=io.StringIO())

    sign_in(page, "dcct@example.org")
    page.get_by_role("link", name="Accounts", exact=True).click()
    expect(page.get_by_role("heading", name="Account register")).to_be_visible()
    screenshot("accounts-register")

    setting_up = Account.objects.get(state="setting_up")
    page.goto(setting_up.get_absolute_url())
    expect(page.get_by_text("Go live: Complete the set-up checklist.")).to_be_visible()
    page.get_by_label("Two-factor authentication turned on").check()
    page.get_by_label("Sign-in details held in the password manager").check()
    page.get_by_role("button", name="Save set-up").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary.get_by_role("link", name="Say where in the password manager")).to_be_visible()
    expect(page.locator(".invalid-feedback", has_text="Say where in the password")).to_be_visible()
    screenshot("account-setting-up")

    inventory = tmp_path / "inventory.csv"
    inventory.write_text(
        "platform,handle,url,office,owner_emails\n"
        "X,SP_Archive,,Broadcasting Office,staff@example.org\n"
        "X,bad handle!,,Broadcasting Office,nobody@example.org\n"
    )
    page.goto("/accounts/import/")
    page.get_by_label("Inventory CSV file").set_input_files(str(inventory))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("1 row has problems")).to_be_visible()
    screenshot("accounts-import-preview")

    sign_out(page)
    sign_in(page, "hec@example.org")
    escalated = Account.objects.get(state="closure_escalated")
    page.goto(escalated.get_absolute_url())
    expect(page.get_by_text("awaiting HEC's decision")).to_be_visible()
    screenshot("account-closure-escalated")
    page.get_by_role("link", name="Retain account").click()
    page.get_by_label("Conditions it must meet").fill("Monthly figures to DCCT for six months.")
    page.get_by_role("button", name="Retain account").click()
    expect(page.get_by_text("Retain account: done.")).to_be_visible()
    escalated.refresh_from_db()
    assert escalated.state == "live"


def test_the_people_picker_suggests_colleagues_as_you_type(page, transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    sign_in(page, "dcct@example.org")
    account = Account.objects.filter(state="live", kind="business_area").first()
    page.goto(account.get_absolute_url())

    page.get_by_text("Add someone to the team", exact=True).click()
    page.locator("#id_member-email").press_sequentially("Shona", delay=30)

    option = page.locator("#id_member-email-people option[value='staff@example.org']")
    expect(option).to_have_count(1)
    assert "Shona MacLeod" in option.get_attribute("label")
