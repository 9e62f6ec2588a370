"""Cases a review of the workflow found: races that touch more than the state, the approver
following the office's head, private drafts, stale pages, and a broker that is down."""

from unittest import mock

import pytest
from django.core import mail

from accounts.models import Account
from people.services import set_office_head
from proposals import permissions, selectors, services
from proposals.models import Escalation, Proposal
from tests.factories import AccountFactory, PlatformFactory, ProposalFactory, UserFactory
from workflow.transitions import stamp

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_dcct(dcct):
    from people.roles import Role
    from people.services import assign_role

    member = UserFactory(office=dcct.office)
    assign_role(user=member, role=Role.DCCT)
    return member


def test_two_escalations_at_once_open_one_and_tell_the_second(make_proposal, dcct, second_dcct):
    proposal = make_proposal("contested")
    first, second = (Proposal.objects.get(pk=proposal.pk) for _ in range(2))
    positions = {"business_area_position": "a", "dcct_position": "b"}

    services.escalate(proposal=first, actor=dcct, **positions)
    with pytest.raises(services.ProposalChanged):
        services.escalate(proposal=second, actor=second_dcct, **positions)

    assert Escalation.objects.filter(proposal=proposal).count() == 1


def test_two_hec_rulings_at_once_keep_the_first(make_proposal, hec):
    proposal = make_proposal("escalated")
    first, second = (Proposal.objects.get(pk=proposal.pk) for _ in range(2))

    services.reject(proposal=first, actor=hec, comment="No.")
    with pytest.raises(services.ProposalChanged):
        services.approve_as_proposed(proposal=second, actor=hec, comment="Yes.")

    assert Escalation.objects.get(proposal=proposal).ruling == "reject"


def test_starting_set_up_twice_at_once_creates_one_account(make_proposal, dcct, second_dcct):
    proposal = make_proposal("approved", outcome="as_proposed")
    first, second = (Proposal.objects.get(pk=proposal.pk) for _ in range(2))

    services.start_set_up(proposal=first, actor=dcct)
    with pytest.raises(services.ProposalChanged):
        services.start_set_up(proposal=second, actor=second_dcct)

    assert Account.objects.filter(proposal=proposal).count() == 1


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

    with pytest.raises(services.NotReady, match="no active office head"):
        services.submit(proposal=proposal, actor=staff)


def test_line_manager_sees_a_heads_proposal_awaiting_them(office_head, outsider):
    office_head.line_manager = outsider
    office_head.save()
    proposal = ProposalFactory(proposer=office_head)
    services.submit(proposal=proposal, actor=office_head)

    assert list(selectors.awaiting_approval(outsider)) == [proposal]
    assert list(selectors.awaiting_approval(office_head)) == []


@pytest.mark.parametrize("persona", ["office_head", "dcct", "hec", "colleague"])
def test_a_draft_withdrawn_before_submission_stays_private(request, office, staff, persona):
    proposal = ProposalFactory(proposer=staff)
    services.withdraw(proposal=proposal, actor=staff)
    viewer = (
        UserFactory(office=office) if persona == "colleague" else request.getfixturevalue(persona)
    )

    assert not permissions.can_view(Proposal.objects.get(pk=proposal.pk), viewer)


def test_a_stale_page_is_refused_after_a_round_trip_to_the_same_state(make_proposal, dcct, staff):
    proposal = make_proposal("with_dcct")
    seen = stamp(Proposal.objects.get(pk=proposal.pk))
    services.request_changes(proposal=proposal, actor=dcct, comment="More evidence.")
    services.resubmit(proposal=proposal, actor=staff)

    with pytest.raises(services.ProposalChanged):
        services.endorse(
            proposal=Proposal.objects.get(pk=proposal.pk), actor=dcct, expected_state=seen
        )


def test_resubmitting_on_a_platform_with_corporate_accounts_needs_a_reason(make_proposal, staff):
    proposal = make_proposal("revising")
    x = PlatformFactory(slug="x", name="X")
    AccountFactory(platform=x, kind="corporate", state="live")
    proposal.platform = x
    proposal.save()

    with pytest.raises(services.NotReady, match="Section 4"):
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


def test_approved_proposals_wait_in_the_queue_until_set_up(
    make_proposal, dcct, django_capture_on_commit_callbacks
):
    proposal = make_proposal("with_dcct")
    with django_capture_on_commit_callbacks(execute=True):
        services.endorse(proposal=proposal, actor=dcct)

    assert proposal in selectors.dcct_queue()
    services.start_set_up(proposal=proposal, actor=dcct)
    assert proposal not in selectors.dcct_queue()


def test_dcct_hears_when_a_proposer_accepts_the_alternative(
    make_proposal, staff, dcct, django_capture_on_commit_callbacks
):
    proposal = make_proposal("alternative_offered")

    with django_capture_on_commit_callbacks(execute=True):
        services.accept_alternative(proposal=proposal, actor=staff)

    assert [message.to for message in mail.outbox] == [[dcct.email]]


def test_a_line_break_in_a_title_does_not_stop_the_emails(
    make_proposal, staff, office_head, django_capture_on_commit_callbacks
):
    proposal = make_proposal("draft", title="Two\nlines")

    with django_capture_on_commit_callbacks(execute=True):
        services.submit(proposal=proposal, actor=staff)

    assert mail.outbox[0].subject.endswith("Two lines: With office head")


def test_resourcing_section_reads_the_team_at_a_fixed_cost(
    client, staff, office, django_assert_max_num_queries
):
    proposal = ProposalFactory(proposer=staff)
    client.force_login(staff)
    client.get(f"/proposals/{proposal.pk}/edit/6/")
    for _ in range(6):
        proposal.team.create(person=UserFactory(office=office), role="editor")

    with django_assert_max_num_queries(14):
        client.get(f"/proposals/{proposal.pk}/edit/6/")
