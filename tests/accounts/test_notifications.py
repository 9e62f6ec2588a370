"""Who holds an account's next step, as people: read from the state table."""

import pytest

from accounts.notifications import holders

pytestmark = pytest.mark.django_db


def test_a_closure_dcct_proposed_is_held_by_the_business_area(make_account, office_head, owner):
    account = make_account("closure_proposed", proposed_by="dcct")

    assert set(holders(account)) == {office_head, owner}


def test_a_closure_the_business_area_proposed_is_held_by_dcct(make_account, dcct):
    account = make_account("closure_proposed", proposed_by="business_area")

    assert holders(account) == [dcct]


def test_a_closing_account_is_held_by_both_sides(make_account, office_head, owner, dcct):
    account = make_account("closing")

    assert set(holders(account)) == {office_head, owner, dcct}


def test_a_live_account_waits_for_nobody(make_account):
    assert holders(make_account("live")) == []
