"""The proposal lists and queues: who sees what waiting, and for how long."""

import datetime

import pytest
from django.utils import timezone

from people.services import set_office_head
from proposals import permissions, selectors, services
from proposals.models import AlternativePlan, Proposal, ProposalTeamMember
from tests.factories import ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_approved_proposals_wait_in_the_queue_until_set_up(
    make_proposal, dcct, django_capture_on_commit_callbacks
):
    proposal = make_proposal("with_dcct")
    with django_capture_on_commit_callbacks(execute=True):
        services.endorse(proposal=proposal, actor=dcct)

    assert proposal in selectors.dcct_queue()
    services.start_set_up(proposal=proposal, actor=dcct)
    assert proposal not in selectors.dcct_queue()


def _plan(proposal, dcct, approach):
    return AlternativePlan.objects.create(
        proposal=proposal,
        approach=approach,
        pilot_end_date=datetime.date(2027, 6, 30),
        recommendation="A six-month pilot, then a review.",
        rationale="It tests the audience before a permanent account.",
        proposer_gets="The account, for six months.",
        created_by=dcct,
    )


def test_what_is_approved_for_a_new_account_waits_in_the_queue_once(make_proposal, dcct):
    pilot = make_proposal("approved", outcome="alternative", for_new_account=True)
    _plan(pilot, dcct, "pilot")
    _plan(pilot, dcct, "pilot")
    campaign = make_proposal("approved", outcome="alternative", for_new_account=False)
    _plan(campaign, dcct, "campaign")
    endorsed = make_proposal("approved", outcome="as_proposed")
    make_proposal("with_office_head")

    queue = list(selectors.dcct_queue())

    assert sorted(queue, key=lambda p: p.pk) == [pilot, endorsed]  # a campaign opens no account
    assert selectors.dcct_queue().count() == 2


def test_a_proposer_on_their_own_team_sees_the_proposal_once(make_proposal, staff):
    proposal = make_proposal("with_dcct")
    assert proposal.team.filter(person=staff).exists()

    mine = selectors.my_proposals(staff)

    assert list(mine) == [proposal]
    assert mine.count() == 1


def test_my_proposals_are_those_made_and_those_named_in(make_proposal, staff, outsider):
    made = make_proposal("draft")
    named = ProposalFactory(proposer=outsider)
    ProposalTeamMember.objects.create(proposal=named, person=staff, role="editor")
    ProposalFactory(proposer=outsider)

    mine = selectors.my_proposals(staff)

    assert set(mine) == {made, named}
    assert mine.count() == 2


def test_awaiting_approval_lists_both_approval_routes_once_each(
    make_proposal, office_head, other_office
):
    theirs = make_proposal("with_office_head")
    other_head = UserFactory(office=other_office, line_manager=office_head)
    set_office_head(office=other_office, head=other_head)
    heads_own = ProposalFactory(
        proposer=other_head, state="with_office_head", submitted_at=timezone.now()
    )
    ProposalFactory(proposer=UserFactory(office=other_office), state="with_office_head")

    waiting = selectors.awaiting_approval(office_head)

    assert set(waiting) == {theirs, heads_own}
    assert waiting.count() == 2
    assert set(waiting) == set(
        Proposal.objects.filter(state="with_office_head").filter(
            permissions.approvals_for(office_head)
        )
    )
