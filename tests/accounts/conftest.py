import datetime

import pytest

from accounts.models import AccountMember, ClosureEscalation, ExitStrategy, SetupChecklist
from tests.factories import AccountFactory, TrainingRecordFactory, UserFactory


@pytest.fixture
def owner(office):
    return UserFactory(office=office, full_name="Ailsa Owner")


@pytest.fixture
def make_account(office, owner, office_head, dcct):
    """A business-area account of `office` in `state`, owned by `owner` with an editor; both
    trained unless `trained=False`."""

    def make(state="live", trained=True, proposed_by="dcct", **kwargs):
        account = AccountFactory(office=office, kind="business_area", state=state, **kwargs)
        editor = UserFactory(office=office)
        AccountMember.objects.create(account=account, person=owner, role="owner")
        AccountMember.objects.create(account=account, person=editor, role="editor")
        if trained:
            TrainingRecordFactory(person=owner)
            TrainingRecordFactory(person=editor)
        if state == "setting_up":
            SetupChecklist.objects.create(account=account)
        if state in ("closure_proposed", "closure_contested", "closure_escalated"):
            account.closure_reason = "not_effective"
            account.closure_explanation = "Reach fell for three quarters."
            account.closure_proposed_by = proposed_by
            account.closure_proposer = dcct if proposed_by == "dcct" else office_head
            account.save()
        if state == "closure_escalated":
            ClosureEscalation.objects.create(
                account=account,
                business_area_position="Keep it.",
                dcct_position="Close it.",
                escalated_by=dcct,
            )
        if state == "closing":
            ExitStrategy.objects.create(
                account=account,
                final_post="Thanks for following.",
                redirect_to="@ScotParl",
                archive_location="Records store, file SM-12",
                closing_date=datetime.date.today() + datetime.timedelta(days=30),
                agreed_by=office_head,
            )
        return account

    return make


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
    return ExitStrategy(**values)
