"""From an approved proposal to a live account to a closed one, through the web pages."""

import datetime

import pytest

from accounts.models import Account

pytestmark = pytest.mark.django_db


def act(client, account, action, data):
    form = client.get(f"/accounts/{account.pk}/act/{action}/").context["form"]
    response = client.post(
        f"/accounts/{account.pk}/act/{action}/",
        {"expected_state": form.initial["expected_state"], **data},
    )
    assert response.status_code == 302, response.context["form"].errors
    return Account.objects.get(pk=account.pk)


def test_approved_proposal_to_live_to_closed(client, make_proposal, dcct, office_head):
    from proposals.models import Proposal

    proposal = make_proposal("approved", outcome="as_proposed")
    client.force_login(dcct)
    page = client.get(f"/proposals/{proposal.pk}/act/start_set_up/")
    client.post(
        f"/proposals/{proposal.pk}/act/start_set_up/",
        {"expected_state": page.context["form"].initial["expected_state"]},
    )
    assert Proposal.objects.get(pk=proposal.pk).state == "set_up"
    account = Account.objects.get(proposal=proposal)
    assert account.state == "setting_up"
    assert {m.person for m in account.members.all()} == {m.person for m in proposal.team.all()}

    # DCCT works through the checklist and trains the team.
    client.post(
        f"/accounts/{account.pk}/setup/",
        {
            "setup-corporate_email": "on",
            "setup-corporate_email_address": "youth@example.org",
            "setup-credentials_in_password_manager": "on",
            "setup-password_manager_entry": "Vault: Youth",
            "setup-two_factor": "on",
            "setup-profile_complete": "on",
            "setup-in_management_tool": "on",
            "setup-team_trained": "on",
            "setup-listed_in_register": "on",
        },
    )
    for member in account.members.all():
        client.post(
            f"/accounts/{account.pk}/training/",
            {
                "training-email": member.person.email,
                "training-course": "Social media for SPS staff",
                "training-completed_on": datetime.date.today().isoformat(),
            },
        )
    account = act(client, account, "go_live", {"comment": "Launch post scheduled."})
    assert account.state == "live"
    assert "live since" in client.get(f"/accounts/{account.pk}/").text

    # The office head proposes closure; DCCT agrees the exit strategy.
    client.force_login(office_head)
    account = act(
        client,
        account,
        "propose_closure",
        {
            "reason": "campaign_ended",
            "explanation": "The pilot ended in March.",
        },
    )
    client.force_login(dcct)
    closing_date = datetime.date.today() + datetime.timedelta(days=35)
    account = act(
        client,
        account,
        "agree_exit_strategy",
        {
            "final_post": "Thank you for following; find us at @ScotParl.",
            "redirect_to": "@ScotParl",
            "archive_location": "Records store SM-2027-04",
            "handle_outcome": "dormant",
            "closing_date": closing_date.isoformat(),
        },
    )
    assert account.state == "closing"

    # Closing is refused until every exit step is done.
    page = client.get(f"/accounts/{account.pk}/").text
    assert "Mark as closed: Finish every step of the exit strategy first." in page
    today = datetime.date.today().isoformat()
    client.post(
        f"/accounts/{account.pk}/exit-steps/",
        {f"exit-{field}": today for field, *_ in account.exit_strategy.STEPS},
    )
    account = act(client, account, "mark_closed", {})
    assert (account.state, account.closed_on) == ("closed", datetime.date.today())
    assert list(account.events.values_list("action", flat=True)) == [
        "created",
        "update_setup",
        "record_training",
        "record_training",
        "go_live",
        "propose_closure",
        "agree_exit_strategy",
        "update_exit_steps",
        "mark_closed",
    ]


def test_contested_closure_escalated_and_retained_by_hec(
    client, make_account, dcct, office_head, hec
):
    account = make_account("live")
    client.force_login(dcct)
    account = act(
        client,
        account,
        "propose_closure",
        {
            "reason": "not_effective",
            "explanation": "Engagement fell for three quarters.",
        },
    )
    client.force_login(office_head)
    account = act(client, account, "contest_closure", {"comment": "A new editor starts soon."})
    client.force_login(dcct)
    form = client.get(f"/accounts/{account.pk}/act/escalate_closure/").context["form"]
    assert form.initial["business_area_position"] == "A new editor starts soon."
    account = act(
        client,
        account,
        "escalate_closure",
        {
            "business_area_position": "A new editor starts soon.",
            "dcct_position": "Three quarters of decline is enough.",
        },
    )
    client.force_login(hec)
    account = act(
        client,
        account,
        "retain_account",
        {"comment": "Keep it for six months with monthly figures."},
    )

    assert account.state == "live"
    assert account.retention_conditions == "Keep it for six months with monthly figures."
