"""The list filter and the single-object rule agree for accounts, whoever asks."""

import pytest

from accounts import permissions
from accounts.models import Account, AccountState
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
PERSONAS = ["staff", "office_head", "owner", "outsider", "dcct", "hec", "policy_owner"]


def test_visible_to_agrees_with_can_view_for_every_persona_and_state(
    lists_agree_with_rule, request, make_account, other_office
):
    for state in AccountState.values:
        make_account(state)
    AccountFactory(office=other_office, state="live")

    lists_agree_with_rule(Account, permissions, PERSONAS)


def test_a_former_team_member_no_longer_sees_another_offices_account(outsider, other_office):
    from accounts.models import AccountMember

    account = AccountFactory(state="live")
    member = AccountMember.objects.create(account=account, person=outsider, role="editor")
    assert Account.objects.filter(permissions.visible_to(outsider)).exists()

    AccountMember.objects.filter(pk=member.pk).update(removed_on="2026-01-01")

    assert not Account.objects.filter(permissions.visible_to(outsider)).exists()
