"""Every action in the proposal table (DESIGN.md section 4): the allowed actor succeeds and the
decision is logged; every other role is refused and nothing changes; bad input is refused;
two people acting at once leave exactly one decision."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Account
from proposals import services
from proposals.models import AlternativePlan, Decision, Escalation, Proposal
from tests.factories import AccountFactory, PlatformFactory, ProposalFactory
from workflow.transitions import Changed, NotReady, stamp

pytestmark = pytest.mark.django_db

CAST = ["staff", "office_head", "outsider", "dcct", "hec", "policy_owner", "administrator"]

# action, source state, who may, target state, comment ("required", "optional" or None)
TABLE = [
    ("submit", "draft", "staff", "with_office_head", None),
    ("withdraw", "draft", "staff", "withdrawn", "optional"),
    ("withdraw", "with_office_head", "staff", "withdrawn", "optional"),
    ("withdraw", "revising", "staff", "withdrawn", "optional"),
    ("withdraw", "alternative_offered", "staff", "withdrawn", "optional"),
    ("approve_in_principle", "with_office_head", "office_head", "with_dcct", "optional"),
    ("return_to_proposer", "with_office_head", "office_head", "draft", "required"),
    ("decline", "with_office_head", "office_head", "declined", "required"),
    ("endorse", "with_dcct", "dcct", "approved", "optional"),
    ("request_changes", "with_dcct", "dcct", "revising", "required"),
    ("resubmit", "revising", "staff", "with_dcct", "optional"),
    ("advise_against", "with_dcct", "dcct", "alternative_offered", "optional"),
    ("accept_alternative", "alternative_offered", "staff", "approved", "optional"),
    ("disagree", "alternative_offered", "staff", "contested", "required"),
    ("revise_advice", "contested", "dcct", "with_dcct", "required"),
    ("escalate", "with_dcct", "dcct", "escalated", None),
    ("escalate", "contested", "dcct", "escalated", None),
    ("approve_as_proposed", "escalated", "hec", "approved", "required"),
    ("approve_alternative", "escalated", "hec", "approved", "required"),
    ("reject", "escalated", "hec", "rejected", "required"),
    ("refer_back", "escalated", "hec", "with_dcct", "required"),
    ("start_set_up", "approved", "dcct", "set_up", "optional"),
]
ROLE_LOGGED = {
    "staff": "Proposer",
    "office_head": "Office head",
    "dcct": "DCCT",
    "hec": "HEC",
}


def arguments(action, comment="Reasons for the record."):
    """What each service needs besides the proposal and the actor."""
    if action == "submit":
        return {}
    if action == "advise_against":
        return {
            "approach": "campaign",
            "recommendation": "A campaign on the corporate account.",
            "rationale": "Same audience, no new account to staff.",
            "proposer_gets": "Weekly slots for six weeks.",
            "comment": comment,
        }
    if action == "escalate":
        return {"business_area_position": "We need our own account.", "dcct_position": "No."}
    if action == "endorse":
        return {"comment": comment, "conditions": "Review after six months."}
    return {"comment": comment}


def snapshot(proposal):
    fresh = Proposal.objects.get(pk=proposal.pk)
    return fresh.state, Decision.objects.filter(proposal=proposal).count()


@pytest.mark.parametrize(("action", "source", "persona", "target", "comment"), TABLE)
def test_allowed_actor_moves_the_proposal_and_the_decision_is_logged(
    request, make_proposal, action, source, persona, target, comment
):
    proposal = make_proposal(source)
    actor = request.getfixturevalue(persona)

    decision = services.ACTIONS[action](proposal=proposal, actor=actor, **arguments(action))

    proposal.refresh_from_db()
    assert proposal.state == target
    assert decision.actor == actor
    assert decision.actor_role == ROLE_LOGGED[persona]
    assert (decision.from_state, decision.to_state) == (source, target)
    assert list(proposal.decisions.all()) == [decision]


@pytest.mark.parametrize(("action", "source", "persona", "target", "comment"), TABLE)
def test_every_other_role_is_refused_and_nothing_changes(
    request, make_proposal, action, source, persona, target, comment
):
    proposal = make_proposal(source)
    before = snapshot(proposal)

    for other in CAST:
        if other == persona:
            continue
        actor = request.getfixturevalue(other)
        with pytest.raises(PermissionDenied):
            services.ACTIONS[action](
                proposal=Proposal.objects.get(pk=proposal.pk), actor=actor, **arguments(action)
            )

    assert snapshot(proposal) == before


@pytest.mark.parametrize(
    ("action", "source", "persona"),
    [(action, source, persona) for action, source, persona, _, c in TABLE if c == "required"],
)
def test_actions_that_need_reasons_refuse_a_blank_comment(
    request, make_proposal, action, source, persona
):
    proposal = make_proposal(source)
    before = snapshot(proposal)

    with pytest.raises(ValidationError) as error:
        services.ACTIONS[action](
            proposal=proposal,
            actor=request.getfixturevalue(persona),
            **arguments(action, comment="   "),
        )

    assert "comment" in error.value.message_dict
    assert snapshot(proposal) == before


@pytest.mark.parametrize(("action", "source", "persona", "target", "comment"), TABLE)
def test_actions_are_refused_from_any_other_state(
    request, make_proposal, action, source, persona, target, comment
):
    other_state = "rejected" if source != "rejected" else "draft"
    proposal = make_proposal(other_state)

    with pytest.raises(Changed):
        services.ACTIONS[action](
            proposal=proposal, actor=request.getfixturevalue(persona), **arguments(action)
        )


def test_submit_refuses_an_incomplete_case_and_says_what_is_missing(staff, office_head):

    proposal = ProposalFactory(proposer=staff, complete=False)

    with pytest.raises(NotReady) as refused:
        services.submit(proposal=proposal, actor=staff)

    assert "Choose the platform or channel." in refused.value.reasons
    assert any("at least 2 people" in reason for reason in refused.value.reasons)
    assert snapshot(proposal) == ("draft", 0)


def test_resubmit_refuses_a_case_made_incomplete(make_proposal, staff):
    proposal = make_proposal("revising")
    proposal.kpis.all().delete()

    with pytest.raises(NotReady) as refused:
        services.resubmit(proposal=proposal, actor=staff)

    assert refused.value.reasons == ["Add at least one KPI with a target."]


def test_submit_needs_a_reason_when_corporate_accounts_exist_on_the_platform(make_proposal, staff):
    from tests.factories import AccountFactory

    proposal = make_proposal("draft")
    AccountFactory(platform=proposal.platform, kind="corporate", state="live")

    with pytest.raises(ValidationError) as error:
        services.submit(proposal=proposal, actor=staff)
    assert "existing_accounts_response" in error.value.message_dict
    assert snapshot(proposal) == ("draft", 0)

    services.submit(
        proposal=proposal, actor=staff, existing_accounts_response="They speak to adults."
    )
    proposal.refresh_from_db()
    assert proposal.existing_accounts_response == "They speak to adults."


def test_submit_sends_it_to_the_office_head(make_proposal, staff, office_head):
    proposal = make_proposal("draft")

    services.submit(proposal=proposal, actor=staff)

    assert proposal.approver == office_head
    assert proposal.submitted_at is not None


def test_submit_is_refused_when_the_office_has_no_head(staff):

    proposal = ProposalFactory(proposer=staff)

    with pytest.raises(NotReady, match="no active office head"):
        services.submit(proposal=proposal, actor=staff)


def test_office_heads_own_proposal_goes_to_their_line_manager_on_record(office_head, outsider):

    office_head.line_manager = outsider
    office_head.save()
    proposal = ProposalFactory(proposer=office_head)

    services.submit(proposal=proposal, actor=office_head)
    with pytest.raises(PermissionDenied):
        services.approve_in_principle(proposal=proposal, actor=office_head)
    decision = services.approve_in_principle(proposal=proposal, actor=outsider)

    assert proposal.approver == outsider
    assert decision.actor_role == "Line manager (the proposer heads the office)"


def test_office_head_without_a_line_manager_cannot_submit_to_themselves(office_head):

    proposal = ProposalFactory(proposer=office_head)

    with pytest.raises(NotReady, match="line manager"):
        services.submit(proposal=proposal, actor=office_head)
    assert snapshot(proposal) == ("draft", 0)


def test_dcct_member_cannot_assess_their_own_proposal(dcct, hec):

    proposal = ProposalFactory(proposer=dcct, state="with_dcct", approver=hec)

    for action in ("endorse", "request_changes", "escalate"):
        with pytest.raises(PermissionDenied):
            services.ACTIONS[action](proposal=proposal, actor=dcct, **arguments(action))


def test_dcct_member_named_in_the_team_cannot_assess_it(make_proposal, dcct):
    proposal = make_proposal("with_dcct")
    proposal.team.create(person=dcct, role="moderator")

    with pytest.raises(PermissionDenied):
        services.endorse(proposal=proposal, actor=dcct)


def test_hec_cannot_decide_an_escalation_of_their_own_proposal(hec, dcct):

    proposal = ProposalFactory(proposer=hec, state="escalated", approver=dcct)

    with pytest.raises(PermissionDenied):
        services.approve_as_proposed(proposal=proposal, actor=hec, comment="Mine.")


def test_endorse_records_conditions_and_outcome(make_proposal, dcct):
    proposal = make_proposal("with_dcct")

    services.endorse(proposal=proposal, actor=dcct, conditions="No direct messages.")

    proposal.refresh_from_db()
    assert proposal.outcome == "as_proposed"
    assert proposal.conditions == "No direct messages."


def test_advise_against_saves_the_alternative_plan(make_proposal, dcct):
    proposal = make_proposal("with_dcct")

    services.advise_against(proposal=proposal, actor=dcct, **arguments("advise_against"))

    plan = proposal.current_alternative
    assert plan.approach == "campaign"
    assert plan.created_by == dcct


def test_advise_against_with_an_incomplete_plan_saves_nothing(make_proposal, dcct):
    proposal = make_proposal("with_dcct")
    with pytest.raises(ValidationError) as error:
        services.advise_against(
            proposal=proposal,
            actor=dcct,
            approach="corporate_slot",
            recommendation="x",
            rationale="y",
            proposer_gets="z",
        )

    assert "corporate_account" in error.value.message_dict
    assert snapshot(proposal) == ("with_dcct", 0)
    assert not AlternativePlan.objects.filter(proposal=proposal).exists()


def test_accepting_the_alternative_approves_it_as_the_outcome(make_proposal, staff):
    proposal = make_proposal("alternative_offered")

    services.accept_alternative(proposal=proposal, actor=staff)

    assert proposal.outcome == "alternative"
    assert not proposal.for_new_account  # a campaign on the corporate account


def test_an_agreed_pilot_is_approved_for_a_new_account(make_proposal, staff, dcct):
    proposal = make_proposal("alternative_offered")
    AlternativePlan.objects.create(
        proposal=proposal,
        approach="pilot",
        pilot_end_date=datetime.date(2027, 6, 30),
        recommendation="A six-month pilot, then a review.",
        rationale="It tests the audience before a permanent account.",
        proposer_gets="The account, for six months.",
        created_by=dcct,
    )

    services.accept_alternative(proposal=proposal, actor=staff)

    proposal.refresh_from_db()
    assert (proposal.outcome, proposal.for_new_account) == ("alternative", True)


def test_escalation_needs_both_positions(make_proposal, dcct):
    proposal = make_proposal("contested")

    with pytest.raises(ValidationError) as error:
        services.escalate(
            proposal=proposal, actor=dcct, business_area_position=" ", dcct_position=""
        )

    assert set(error.value.message_dict) == {"business_area_position", "dcct_position"}
    assert snapshot(proposal) == ("contested", 0)
    assert not Escalation.objects.filter(proposal=proposal).exists()


def test_escalation_starts_from_the_proposers_disagreement(make_proposal, staff, dcct):
    proposal = make_proposal("alternative_offered")
    services.disagree(proposal=proposal, actor=staff, comment="Pupils are not on that account.")

    assert services.business_area_position(proposal) == "Pupils are not on that account."

    services.escalate(
        proposal=proposal,
        actor=dcct,
        business_area_position=services.business_area_position(proposal),
        dcct_position="The corporate account reaches enough pupils.",
    )
    escalation = proposal.open_escalation
    assert escalation.business_area_position == "Pupils are not on that account."


@pytest.mark.parametrize(
    ("action", "ruling", "state"),
    [
        ("approve_as_proposed", "approve_as_proposed", "approved"),
        ("approve_alternative", "approve_alternative", "approved"),
        ("reject", "reject", "rejected"),
        ("refer_back", "refer_back", "with_dcct"),
    ],
)
def test_hec_ruling_closes_the_escalation_with_reasons(make_proposal, hec, action, ruling, state):
    proposal = make_proposal("escalated")

    services.ACTIONS[action](proposal=proposal, actor=hec, comment="Weighed both positions.")

    escalation = Escalation.objects.get(proposal=proposal)
    assert (escalation.ruling, escalation.reasons, escalation.decided_by) == (
        ruling,
        "Weighed both positions.",
        hec,
    )
    assert proposal.open_escalation is None
    assert proposal.state == state


@pytest.mark.parametrize(
    ("action", "approach", "for_new_account"),
    [
        ("approve_as_proposed", "campaign", True),
        ("approve_alternative", "pilot", True),
        ("approve_alternative", "campaign", False),
    ],
)
def test_hecs_approval_records_whether_an_account_is_to_be_set_up(
    make_proposal, hec, dcct, action, approach, for_new_account
):
    proposal = make_proposal("escalated")
    AlternativePlan.objects.create(
        proposal=proposal,
        approach=approach,
        pilot_end_date=datetime.date(2027, 6, 30) if approach == "pilot" else None,
        recommendation="r",
        rationale="r",
        proposer_gets="p",
        created_by=dcct,
    )

    services.ACTIONS[action](proposal=proposal, actor=hec, comment="Weighed both positions.")

    proposal.refresh_from_db()
    assert proposal.for_new_account is for_new_account


def test_hec_cannot_approve_an_alternative_that_was_never_offered(hec, staff, office_head, dcct):

    proposal = ProposalFactory(proposer=staff, state="escalated", approver=office_head)
    Escalation.objects.create(
        proposal=proposal, business_area_position="a", dcct_position="b", escalated_by=dcct
    )

    with pytest.raises(NotReady):
        services.approve_alternative(proposal=proposal, actor=hec, comment="Alternative.")


def test_start_set_up_creates_the_account_in_set_up(make_proposal, dcct):
    proposal = make_proposal("approved", outcome="as_proposed")

    services.start_set_up(proposal=proposal, actor=dcct)

    account = Account.objects.get(proposal=proposal)
    assert account.state == "setting_up"
    assert (account.platform, account.handle, account.office) == (
        proposal.platform,
        "ScotParlYouth",
        proposal.office,
    )


def test_no_set_up_for_an_alternative_that_needs_no_new_account(make_proposal, dcct):
    proposal = make_proposal("alternative_offered")
    services.accept_alternative(proposal=proposal, actor=proposal.proposer)

    with pytest.raises(NotReady):
        services.start_set_up(proposal=proposal, actor=dcct)
    assert not Account.objects.filter(proposal=proposal).exists()


def test_a_decision_seen_on_a_stale_page_is_refused(make_proposal, office_head):
    proposal = make_proposal("with_office_head")

    with pytest.raises(Changed, match="has changed"):
        services.approve_in_principle(proposal=proposal, actor=office_head, expected_state="draft")


def test_the_decision_log_is_append_only(make_proposal, staff):
    proposal = make_proposal("draft")
    decision = services.submit(proposal=proposal, actor=staff)

    decision.comment = "rewritten"
    with pytest.raises(TypeError):
        decision.save()
    with pytest.raises(TypeError):
        decision.delete()
    with pytest.raises(TypeError):
        Decision.objects.filter(pk=decision.pk).update(comment="rewritten")
    with pytest.raises(TypeError):
        Decision.objects.all().delete()


def test_state_cannot_be_set_by_hand(make_proposal):
    proposal = make_proposal("draft")

    with pytest.raises(AttributeError):
        proposal.state = "approved"


def test_two_dcct_members_acting_at_once_exactly_one_wins(make_proposal, dcct, second_dcct):
    proposal = make_proposal("with_dcct")
    # Both open the proposal before either acts.
    seen_by_first = Proposal.objects.get(pk=proposal.pk)
    seen_by_second = Proposal.objects.get(pk=proposal.pk)

    services.endorse(proposal=seen_by_first, actor=dcct)
    with pytest.raises(Changed) as changed:
        services.request_changes(
            proposal=seen_by_second, actor=second_dcct, comment="Needs more evidence."
        )

    assert "has changed since you opened it" in str(changed.value)
    proposal.refresh_from_db()
    assert proposal.state == "approved"
    assert list(Decision.objects.filter(proposal=proposal).values_list("action", flat=True)) == [
        "endorse"
    ]


def test_the_same_action_twice_at_once_is_logged_once(make_proposal, dcct, second_dcct):
    proposal = make_proposal("with_dcct")
    seen_by_first = Proposal.objects.get(pk=proposal.pk)
    seen_by_second = Proposal.objects.get(pk=proposal.pk)

    services.endorse(proposal=seen_by_first, actor=dcct)
    with pytest.raises(Changed):
        services.endorse(proposal=seen_by_second, actor=second_dcct)

    assert Decision.objects.filter(proposal=proposal).count() == 1


def test_the_loser_sees_a_clear_message_on_the_page(client, make_proposal, dcct, second_dcct):
    proposal = make_proposal("with_dcct")
    client.force_login(second_dcct)
    page = client.get(f"/proposals/{proposal.pk}/act/request_changes/")
    expected_state = page.context["form"].initial["expected_state"]

    services.endorse(proposal=Proposal.objects.get(pk=proposal.pk), actor=dcct)
    response = client.post(
        f"/proposals/{proposal.pk}/act/request_changes/",
        {"expected_state": expected_state, "comment": "More evidence please."},
        follow=True,
    )

    assert "not possible now" in response.text or "has changed" in response.text
    proposal.refresh_from_db()
    assert proposal.state == "approved"


def test_two_escalations_at_once_open_one_and_tell_the_second(make_proposal, dcct, second_dcct):
    proposal = make_proposal("contested")
    first, second = (Proposal.objects.get(pk=proposal.pk) for _ in range(2))
    positions = {"business_area_position": "a", "dcct_position": "b"}

    services.escalate(proposal=first, actor=dcct, **positions)
    with pytest.raises(Changed):
        services.escalate(proposal=second, actor=second_dcct, **positions)

    assert Escalation.objects.filter(proposal=proposal).count() == 1


def test_two_hec_rulings_at_once_keep_the_first(make_proposal, hec):
    proposal = make_proposal("escalated")
    first, second = (Proposal.objects.get(pk=proposal.pk) for _ in range(2))

    services.reject(proposal=first, actor=hec, comment="No.")
    with pytest.raises(Changed):
        services.approve_as_proposed(proposal=second, actor=hec, comment="Yes.")

    assert Escalation.objects.get(proposal=proposal).ruling == "reject"


def test_starting_set_up_twice_at_once_creates_one_account(make_proposal, dcct, second_dcct):
    proposal = make_proposal("approved", outcome="as_proposed")
    first, second = (Proposal.objects.get(pk=proposal.pk) for _ in range(2))

    services.start_set_up(proposal=first, actor=dcct)
    with pytest.raises(Changed):
        services.start_set_up(proposal=second, actor=second_dcct)

    assert Account.objects.filter(proposal=proposal).count() == 1


def test_a_stale_page_is_refused_after_a_round_trip_to_the_same_state(make_proposal, dcct, staff):
    proposal = make_proposal("with_dcct")
    seen = stamp(Proposal.objects.get(pk=proposal.pk))
    services.request_changes(proposal=proposal, actor=dcct, comment="More evidence.")
    services.resubmit(proposal=proposal, actor=staff)

    with pytest.raises(Changed):
        services.endorse(
            proposal=Proposal.objects.get(pk=proposal.pk), actor=dcct, expected_state=seen
        )


def test_resubmitting_on_a_platform_with_corporate_accounts_needs_a_reason(make_proposal, staff):
    proposal = make_proposal("revising")
    x = PlatformFactory(slug="x", name="X")
    AccountFactory(platform=x, kind="corporate", state="live")
    proposal.platform = x
    proposal.save()

    with pytest.raises(NotReady, match="Section 4"):
        services.resubmit(proposal=proposal, actor=staff)
    assert Proposal.objects.get(pk=proposal.pk).state == "revising"


def test_a_broker_that_is_down_does_not_undo_or_break_a_decision(
    make_proposal, office_head, django_capture_on_commit_callbacks
):
    proposal = make_proposal("with_office_head")

    with (
        mock.patch("proposals.tasks.notify_decision.delay", side_effect=ConnectionError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.approve_in_principle(proposal=proposal, actor=office_head)

    assert Proposal.objects.get(pk=proposal.pk).state == "with_dcct"


def test_saving_a_section_marks_the_proposal_as_updated(make_proposal, staff):
    proposal = make_proposal("draft")
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Proposal.objects.filter(pk=proposal.pk).update(updated_at=long_ago)

    services.save_section(proposal=proposal, actor=staff, fields={"audience": "Pupils aged 14"})

    fresh = Proposal.objects.get(pk=proposal.pk)
    assert fresh.audience == "Pupils aged 14"
    assert fresh.updated_at > long_ago


def test_a_new_channel_is_set_up_on_the_platform_dcct_chooses(make_proposal, dcct):
    bluesky = PlatformFactory(name="Bluesky", slug="bluesky-new")
    proposal = make_proposal("approved", platform=None, other_platform_name="Bluesky")

    with pytest.raises(ValidationError) as refused:
        services.start_set_up(proposal=Proposal.objects.get(pk=proposal.pk), actor=dcct)
    assert "platform" in refused.value.message_dict
    assert Proposal.objects.get(pk=proposal.pk).state == "approved"

    decision = services.start_set_up(
        proposal=Proposal.objects.get(pk=proposal.pk), actor=dcct, platform=bluesky
    )

    proposal = Proposal.objects.get(pk=proposal.pk)
    assert (proposal.state, proposal.platform) == ("set_up", bluesky)
    assert proposal.account.platform == bluesky
    assert "Set up on Bluesky (proposed as “Bluesky”)." in decision.comment


def test_a_new_channel_is_never_set_up_on_an_internal_tool(make_proposal, dcct):
    blog = PlatformFactory(name="SharePoint blog", slug="sharepoint-blog-x", internal=True)
    proposal = make_proposal("approved", platform=None, other_platform_name="Team blog")

    with pytest.raises(ValidationError) as refused:
        services.start_set_up(proposal=proposal, actor=dcct, platform=blog)

    assert "platform" in refused.value.message_dict
    assert Proposal.objects.get(pk=proposal.pk).state == "approved"
