"""The account lists a person reads (the register, what waits for them): each account once,
and the counts the pages show agree with the rows."""

import datetime

import pytest

from accounts import selectors
from accounts.models import AccountMember
from tests.factories import AccountFactory
from workflow.waiting import WaitingList

pytestmark = pytest.mark.django_db


def test_a_team_member_of_their_own_offices_account_sees_it_once(make_account, owner):
    account = make_account("live")
    assert account.office_id == owner.office_id

    listed = selectors.visible_accounts(owner)

    assert list(listed) == [account]
    assert listed.count() == 1


def test_the_register_lists_the_offices_accounts_and_those_the_person_helps_run(
    make_account, owner, other_office
):
    ours = make_account("live")
    helped = AccountFactory(office=other_office)
    AccountMember.objects.create(account=helped, person=owner, role="editor")
    left = AccountFactory(office=other_office)
    AccountMember.objects.create(
        account=left, person=owner, role="editor", removed_on=datetime.date(2026, 1, 1)
    )
    AccountFactory(office=other_office)

    listed = selectors.visible_accounts(owner)

    assert sorted(account.pk for account in listed) == sorted([ours.pk, helped.pk])
    assert listed.count() == 2


def test_an_office_head_who_owns_an_account_of_their_office_is_asked_once(
    make_account, office_head
):
    account = make_account("closure_proposed", proposed_by="dcct")
    AccountMember.objects.create(account=account, person=office_head, role="owner")

    titles = [
        item["title"] for item in WaitingList(selectors.waiting_for(office_head), office_head)
    ]

    assert titles == [str(account)]
