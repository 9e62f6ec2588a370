"""Who may see and decide on a proposal: the approver follows the office's head (or a head's
line manager), drafts stay private, and each list filter agrees with `can_view`."""

import pytest
from django.utils import timezone

from people.services import set_office_head
from proposals import permissions, selectors, services
from proposals.models import Proposal, ProposalState
from tests.factories import ProposalFactory, UserFactory
from workflow.transitions import NotReady

pytestmark = pytest.mark.django_db
PERSONAS = ["staff", "office_head", "outsider", "dcct", "hec", "policy_owner"]


def test_visible_to_agrees_with_can_view_for_every_persona_and_state(
    lists_agree_with_rule, request, make_proposal
):
    for state in ProposalState.values:
        make_proposal(state)
    # A returned draft (once submitted) and a never-submitted one by someone else.
    returned = make_proposal("with_office_head")
    Proposal.objects.filter(pk=returned.pk).update(state="draft")
    ProposalFactory(proposer=request.getfixturevalue("outsider"), state="draft")

    lists_agree_with_rule(Proposal, permissions, PERSONAS)


def test_a_heads_line_manager_sees_the_proposal_they_approve(office_head, outsider):
    office_head.line_manager = outsider
    office_head.save()
    proposal = ProposalFactory(
        proposer=office_head,
        state="with_office_head",
        approver=outsider,
        submitted_at=timezone.now(),
    )

    assert permissions.approver_of(proposal) == outsider
    assert Proposal.objects.filter(permissions.visible_to(outsider)).get() == proposal


def test_nobody_signed_out_sees_any_proposal(make_proposal):
    from django.contrib.auth.models import AnonymousUser

    make_proposal("with_dcct")

    assert not Proposal.objects.filter(permissions.visible_to(AnonymousUser())).exists()


def test_office_head_named_in_the_team_cannot_approve_it(make_proposal, office_head):
    proposal = make_proposal("with_office_head")
    proposal.team.create(person=office_head, role="moderator")

    assert not permissions.is_approver(Proposal.objects.get(pk=proposal.pk), office_head)


def test_approval_follows_a_change_of_office_head(make_proposal, office, office_head):
    proposal = make_proposal("with_office_head")
    new_head = UserFactory(office=office)
    set_office_head(office=office, head=new_head)
    proposal = Proposal.objects.get(pk=proposal.pk)

    assert not permissions.is_approver(proposal, office_head)
    assert list(selectors.awaiting_approval(new_head)) == [proposal]
    assert list(selectors.awaiting_approval(office_head)) == []
    services.approve_in_principle(proposal=proposal, actor=new_head)


def test_an_inactive_office_head_is_not_sent_proposals(make_proposal, staff, office_head):
    office_head.is_active = False
    office_head.save()
    proposal = make_proposal("draft")

    with pytest.raises(NotReady, match="no active office head"):
        services.submit(proposal=proposal, actor=staff)


def test_line_manager_sees_a_heads_proposal_awaiting_them(office_head, outsider):
    office_head.line_manager = outsider
    office_head.save()
    proposal = ProposalFactory(proposer=office_head)
    services.submit(proposal=proposal, actor=office_head)

    assert list(selectors.awaiting_approval(outsider)) == [proposal]
    assert list(selectors.awaiting_approval(office_head)) == []


@pytest.mark.parametrize("persona", ["office_head", "dcct", "hec", "colleague"])
def test_a_draft_withdrawn_before_submission_stays_private(
    lists_agree_with_rule, request, office, staff, persona
):
    proposal = ProposalFactory(proposer=staff)
    services.withdraw(proposal=proposal, actor=staff)
    viewer = (
        UserFactory(office=office) if persona == "colleague" else request.getfixturevalue(persona)
    )

    assert not permissions.can_view(Proposal.objects.get(pk=proposal.pk), viewer)
