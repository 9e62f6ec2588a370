import pytest
from django.utils import timezone

from proposals.models import AlternativePlan, Escalation
from tests.factories import ProposalFactory


@pytest.fixture
def make_proposal(staff, office_head, dcct):
    """A complete proposal by `staff`, put straight into `state` (with what that state implies:
    an approver once submitted, an alternative plan once advised against, an open escalation
    once escalated)."""

    def make(state="draft", **kwargs):
        submitted = state != "draft"
        proposal = ProposalFactory(
            proposer=staff,
            state=state,
            approver=office_head if submitted else None,
            submitted_at=timezone.now() if submitted else None,
            **kwargs,
        )
        if state in ("alternative_offered", "contested", "escalated"):
            AlternativePlan.objects.create(
                proposal=proposal,
                approach="campaign",
                recommendation="A six-week campaign on the corporate Instagram account.",
                rationale="It reaches the same pupils without a new account to staff.",
                proposer_gets="Six weekly slots and DCCT's help with the videos.",
                created_by=dcct,
            )
        if state == "escalated":
            Escalation.objects.create(
                proposal=proposal,
                business_area_position="Pupils do not follow the corporate account.",
                dcct_position="A campaign reaches them at a fraction of the effort.",
                escalated_by=dcct,
            )
        return proposal

    return make
