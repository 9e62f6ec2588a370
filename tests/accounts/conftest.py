import datetime

from accounts.models import SetupChecklist


def complete_setup(account):
    checklist = account.setup
    for field, _ in SetupChecklist.ITEMS:
        setattr(checklist, field, True)
    checklist.corporate_email_address = "socialmedia@example.org"
    checklist.password_manager_entry = "Vault: Social / Youth"
    checklist.save()


def exit_strategy(**overrides):
    values = {
        "final_post": "This account is closing; follow @ScotParl.",
        "redirect_to": "@ScotParl",
        "archive_location": "Records store",
        "handle_outcome": "dormant",
        "closing_date": datetime.date.today() + datetime.timedelta(days=30),
    }
    values.update(overrides)
    return values
