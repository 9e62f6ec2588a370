"""A proposal never waits silently for someone who may not act on it: a team may not take in
everyone who judges the proposal, submitting checks again, and one left with nobody free to
act (roles changed after the team was settled) is listed on DCCT's dashboard."""

import pytest
from django.core.exceptions import ValidationError

from people.roles import Role
from people.services import assign_role
from proposals import services
from proposals.models import ProposalTeamMember
from proposals.selectors import nobody_free_to_act
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def on_team(proposal, person):
    ProposalTeamMember.objects.create(proposal=proposal, person=person, role="editor")


def test_a_proposal_whose_only_dcct_member_is_on_its_team_has_nobody_to_assess_it(
    make_proposal, dcct
):
    proposal = make_proposal("with_dcct")
    on_team(proposal, dcct)

    assert list(nobody_free_to_act()) == [proposal]

    assign_role(user=UserFactory(), role=Role.DCCT)  # someone free to assess it now
    assert list(nobody_free_to_act()) == []


def test_an_escalation_whose_only_hec_member_is_on_the_team_is_listed(make_proposal, hec):
    proposal = make_proposal("escalated")
    on_team(proposal, hec)

    assert list(nobody_free_to_act()) == [proposal]


def test_a_proposal_waiting_for_an_office_head_on_its_team_is_listed(make_proposal, office_head):
    proposal = make_proposal("with_office_head")
    on_team(proposal, office_head)

    assert list(nobody_free_to_act()) == [proposal]


def test_every_judge_counts_whether_proposer_on_the_team_or_gone(make_proposal, dcct, second_dcct):
    proposal = make_proposal("with_dcct")
    on_team(proposal, dcct)
    assert list(nobody_free_to_act()) == []  # the second DCCT member may assess it

    proposal.proposer = second_dcct
    proposal.save(update_fields=["proposer"])
    assert list(nobody_free_to_act()) == [proposal]  # one on the team, the other proposed it

    third = UserFactory(is_active=False)
    assign_role(user=third, role=Role.DCCT)
    assert list(nobody_free_to_act()) == [proposal]  # one who has left frees nothing


def test_proposals_someone_may_act_on_are_not_listed(make_proposal, dcct, hec, office_head):
    for state in ("draft", "with_office_head", "with_dcct", "contested", "escalated", "revising"):
        make_proposal(state)

    assert list(nobody_free_to_act()) == []


def test_submitting_checks_the_team_again_when_roles_changed_since_it_was_saved(
    make_proposal, staff, dcct
):
    proposal = make_proposal("draft")
    colleague = UserFactory(office=staff.office)
    on_team(proposal, colleague)
    on_team(proposal, dcct)  # allowed while the colleague was not in DCCT …
    assign_role(user=colleague, role=Role.DCCT)  # … but now every DCCT member is on the team

    with pytest.raises(ValidationError, match="Leave at least one member of DCCT off the team"):
        services.submit(proposal=proposal, actor=staff)

    proposal.refresh_from_db()
    assert proposal.state == "draft"


def test_the_dcct_dashboard_lists_them_with_what_to_do(client, make_proposal, dcct, second_dcct):
    proposal = make_proposal("with_dcct")
    on_team(proposal, dcct)
    on_team(proposal, second_dcct)
    viewer = UserFactory()
    assign_role(user=viewer, role=Role.DCCT)
    ProposalTeamMember.objects.create(proposal=proposal, person=viewer, role="editor")
    client.force_login(viewer)

    page = client.get("/dashboard/").text

    assert "Nobody free to act" in page
    assert proposal.reference in page
    assert "an administrator can give the role to someone who is not" in page
