"""The list filter and the single-object rule say the same thing: for every persona and every
state, a proposal is in `visible_to(user)` exactly when `can_view` lets that person open it."""

import pytest
from django.utils import timezone

from proposals import permissions
from proposals.models import Proposal, ProposalState
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db
PERSONAS = ["staff", "office_head", "outsider", "dcct", "hec", "policy_owner"]


def test_visible_to_agrees_with_can_view_for_every_persona_and_state(request, make_proposal):
    for state in ProposalState.values:
        make_proposal(state)
    # A returned draft (once submitted) and a never-submitted one by someone else.
    returned = make_proposal("with_office_head")
    Proposal.objects.filter(pk=returned.pk).update(state="draft")
    ProposalFactory(proposer=request.getfixturevalue("outsider"), state="draft")

    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        listed = set(
            Proposal.objects.filter(permissions.visible_to(user)).values_list("pk", flat=True)
        )
        allowed = {p.pk for p in Proposal.objects.all() if permissions.can_view(p, user)}
        assert listed == allowed, persona


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
