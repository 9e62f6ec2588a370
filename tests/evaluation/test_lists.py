"""The reviews and recertifications listed for a person: the accounts they see or help run,
each item once, and the counts the pages show agree with the rows."""

import datetime

import pytest

from accounts.models import AccountMember
from evaluation import selectors
from evaluation.models import Review
from tests.factories import AccountFactory, UserFactory
from workflow.waiting import WaitingList

pytestmark = pytest.mark.django_db


def _review(account, state="due"):
    return Review.objects.create(
        account=account,
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2026, 7, 1),
        due_on=datetime.date(2026, 7, 15),
        state=state,
    )


def test_a_team_member_of_their_own_offices_account_sees_its_review_once(make_review, owner):
    review = make_review("due")
    assert review.account.office_id == owner.office_id

    listed = selectors.reviews_for(owner)

    assert list(listed) == [review]
    assert listed.count() == 1
    assert list(selectors.open_reviews_for(owner)) == [review]


def test_reviews_listed_are_those_of_the_office_and_of_the_accounts_helped(
    make_review, owner, other_office
):
    ours = make_review("due")
    helped = AccountFactory(office=other_office)
    AccountMember.objects.create(account=helped, person=owner, role="editor")
    theirs = _review(helped, "submitted")
    _review(AccountFactory(office=other_office))

    listed = selectors.reviews_for(owner)

    assert sorted(review.pk for review in listed) == sorted([ours.pk, theirs.pk])
    assert listed.count() == 2


def test_an_office_head_on_the_team_is_asked_for_the_review_once(make_review, office_head):
    review = make_review("due")
    AccountMember.objects.create(account=review.account, person=office_head, role="editor")

    waiting = WaitingList(selectors.waiting_for(office_head), office_head)
    urls = [item["url"] for item in waiting if item["kind"] == "Review"]

    assert urls == [review.get_absolute_url()]


def test_a_head_answers_for_the_accounts_they_own_and_their_offices_ownerless_ones_once(
    make_account, make_recertification, office_head, owner, other_office
):
    owned_here = make_recertification(account=make_account("live"))
    AccountMember.objects.create(account=owned_here.account, person=office_head, role="owner")
    owned_elsewhere = make_recertification(account=AccountFactory(office=other_office))
    AccountMember.objects.create(account=owned_elsewhere.account, person=office_head, role="owner")
    ownerless = make_recertification(account=make_account("live"))
    AccountMember.objects.filter(account=ownerless.account, person=owner).update(
        removed_on=datetime.date(2026, 1, 1)
    )
    owner_left = make_recertification(account=make_account("live"))
    gone = UserFactory(office=office_head.office, is_active=False)
    AccountMember.objects.filter(account=owner_left.account, role="owner").update(person=gone)
    make_recertification(account=make_account("live"))  # its owner answers

    waiting = WaitingList(selectors.recertifications_waiting_for(office_head), office_head)
    urls = [item["url"] for item in waiting]

    assert sorted(urls) == sorted(
        r.get_absolute_url() for r in [owned_here, owned_elsewhere, ownerless, owner_left]
    )


def test_the_home_pages_reviews_of_the_accounts_one_runs_are_the_last_years(make_review, owner):
    recent = make_review("assessed")  # its period ended on 1 July 2026
    Review.objects.create(  # its period ended in April 2025
        account=recent.account,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 4, 1),
        due_on=datetime.date(2025, 4, 15),
        state="assessed",
    )

    listed = list(selectors.reviews_of(owner, today=datetime.date(2026, 11, 26)))

    assert listed == [recent]
