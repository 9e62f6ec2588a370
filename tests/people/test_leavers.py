"""A person who leaves (deactivated in the admin, or any other way): their places on teams, the
accounts they owned, the offices they headed and the approvals waiting for them all move on,
each logged and each person told (people.services.person_left and the apps' parts)."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import AccountEvent, AccountMember
from people.models import User
from portal.models import TimeAtStage
from proposals import permissions as proposal_permissions
from proposals import services as proposal_services
from proposals.models import Decision, ProposalTeamMember
from tests.factories import TrainingRecordFactory, UserFactory
from workflow.models import NoticeKind, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def deactivate(client, administrator, django_capture_on_commit_callbacks):
    """As an administrator does: the admin's "they have left" action on the people's list
    (and what is sent once it commits)."""

    def post(*people):
        client.force_login(administrator)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("admin:people_user_changelist"),
                {"action": "mark_as_left", "_selected_action": [person.pk for person in people]},
                follow=True,
            )

    return post


def _notices(person, key_part):
    return list(Notification.objects.filter(recipient=person, key__contains=key_part))


def _member(account, person):
    return AccountMember.objects.get(account=account, person=person)


def _events(account, action):
    return list(AccountEvent.objects.filter(account=account, action=action))


def test_an_owner_who_leaves_hands_the_account_to_the_other_trained_member(
    deactivate, client, administrator, make_account, owner, office_head, dcct
):
    account = make_account()
    editor = account.members.get(role="editor").person

    response = deactivate(owner)

    assert "1 person deactivated" in response.text
    owner.refresh_from_db()
    assert owner.is_active is False
    left = _member(account, owner)
    assert left.removed_on == timezone.localdate()
    assert left.removal_reason == "Left the organisation"  # kept on record, not deleted
    assert _member(account, editor).role == "owner"
    (removed,) = _events(account, "remove_member")
    (handed,) = _events(account, "hand_over")
    assert removed.actor == administrator and handed.actor == administrator
    assert str(editor) in handed.comment and "left the organisation" in handed.comment
    account.refresh_from_db()
    assert account.owner_wanted_since is None
    for person in (editor, office_head, dcct):
        (notice,) = _notices(person, f"leaver:{owner.pk}:account:{account.pk}")
        assert f"Owner now: {editor}" in notice.body


def test_an_owner_who_leaves_with_nobody_trained_flags_the_account_to_dcct(
    deactivate, client, administrator, make_account, owner, dcct
):
    account = make_account(trained=False)
    TrainingRecordFactory(person=owner)  # only the owner was trained

    deactivate(owner)

    account.refresh_from_db()
    assert account.owner_wanted_since == timezone.localdate()
    assert not account.members.filter(role="owner", removed_on__isnull=True).exists()
    (flagged,) = _events(account, "owner_wanted")
    assert flagged.label == "Owner left: DCCT to find a new one"
    (below,) = _events(account, "team_below_policy")
    assert "Fewer than 2 trained people" in below.comment
    (notice,) = _notices(dcct, f"leaver:{owner.pk}:account:{account.pk}")
    assert notice.kind == NoticeKind.ACTION  # DCCT must act
    assert "DCCT will find a new owner" in notice.body

    client.force_login(dcct)
    dashboard = client.get("/dashboard/")
    assert "Accounts with no owner" in dashboard.text
    assert account.display_name in dashboard.text
    page = client.get(account.get_absolute_url())
    assert "No owner since" in page.text
    assert "Owner left: DCCT to find a new one" in page.text  # the history says so

    # DCCT makes someone trained the owner: off the queue.
    editor = account.members.get(role="editor", removed_on__isnull=True)
    TrainingRecordFactory(person=editor.person)
    account_services.hand_over(account=account, actor=dcct, new_owner=editor)
    account.refresh_from_db()
    assert account.owner_wanted_since is None
    assert "No owner since" not in client.get(account.get_absolute_url()).text


def test_a_new_owner_added_to_the_team_also_clears_the_flag(make_account, owner, dcct):
    account = make_account(trained=False)
    owner.is_active = False
    owner.save()
    account.refresh_from_db()
    assert account.owner_wanted_since is not None

    account_services.add_member(
        account=account, actor=dcct, person=UserFactory(office=account.office), role="owner"
    )

    account.refresh_from_db()
    assert account.owner_wanted_since is None


def test_a_team_left_below_the_trained_minimum_is_warned(
    deactivate, client, administrator, make_account, owner
):
    account = make_account()
    editor = account.members.get(role="editor").person

    deactivate(editor)

    (below,) = _events(account, "team_below_policy")
    assert str(editor) in below.comment
    assert _member(account, owner).role == "owner"  # the owner stays
    assert not _events(account, "hand_over")
    (notice,) = _notices(owner, f"leaver:{editor.pk}:account:{account.pk}")
    assert notice.kind == NoticeKind.ACTION
    assert "fewer than 2 trained people" in notice.body


def test_a_closed_accounts_team_is_left_without_flags(
    deactivate, client, administrator, make_account, owner
):
    account = make_account(state="closed")

    deactivate(owner)

    assert _member(account, owner).removed_on is not None
    assert not _events(account, "owner_wanted") and not _events(account, "team_below_policy")


def test_an_office_head_who_leaves_hands_office_and_approvals_to_their_line_manager(
    deactivate, client, administrator, make_proposal, office, office_head, staff, time_machine
):
    director = UserFactory(full_name="Morag Director")
    office_head.line_manager = director
    office_head.save()
    report = UserFactory(office=office, line_manager=office_head)
    time_machine.move_to(timezone.now() - datetime.timedelta(days=3))
    proposal = make_proposal("with_office_head")
    proposal_services_decision = Decision.objects.create(
        proposal=proposal,
        actor=staff,
        actor_role="Proposer",
        action="submit",
        from_state="draft",
        to_state="with_office_head",
    )
    time_machine.move_to(timezone.now() + datetime.timedelta(days=3))

    deactivate(office_head)

    office.refresh_from_db()
    assert office.head == director  # acting, until an administrator records otherwise
    report.refresh_from_db()
    assert report.line_manager == director
    proposal.refresh_from_db()
    assert proposal.approver == director
    (moved,) = Decision.objects.filter(proposal=proposal, action="approver_left")
    assert moved.actor == administrator
    assert moved.from_state == moved.to_state == "with_office_head"
    assert str(director) in moved.comment
    (told,) = _notices(director, f"leaver:{office_head.pk}:proposal:{proposal.pk}")
    assert told.kind == NoticeKind.ACTION
    assert _notices(staff, f"leaver:{office_head.pk}:proposal:{proposal.pk}")
    (acting,) = _notices(director, f"leaver:{office_head.pk}:successor")
    assert f"heading {office} (acting)" in acting.body and f"line-managing {report}" in acting.body

    # The director approves: the time with the office head is the whole of it, not cut short
    # by the note that the approver left.
    proposal_services.approve_in_principle(proposal=proposal, actor=director, comment="Yes.")
    (stage,) = TimeAtStage.objects.filter(decision__proposal=proposal, stage="with_office_head")
    assert stage.microseconds >= datetime.timedelta(days=3).total_seconds() * 1_000_000
    assert proposal_services_decision.pk < stage.decision_id


def test_a_head_with_no_line_manager_leaves_the_approval_to_an_administrator(
    deactivate, client, administrator, make_proposal, office, office_head, staff
):
    proposal = make_proposal("with_office_head")

    deactivate(office_head)

    office.refresh_from_db()
    assert office.head is None
    proposal.refresh_from_db()
    assert proposal.approver == office_head  # nobody to move it to
    (note,) = Decision.objects.filter(proposal=proposal, action="approver_left")
    assert "an administrator records the office head" in note.comment
    (told,) = _notices(administrator, f"leaver:{office_head.pk}:proposal:{proposal.pk}")
    assert told.kind == NoticeKind.ACTION
    assert _notices(staff, f"leaver:{office_head.pk}:proposal:{proposal.pk}")


def test_deactivating_outside_the_admin_is_a_leaver_too_logged_as_the_leaver(make_account, owner):
    account = make_account()

    owner.is_active = False
    owner.save()  # the shell, a command: nobody signed in

    (removed,) = _events(account, "remove_member")
    assert removed.actor == owner and removed.actor_role == "Left the organisation"
    assert _member(account, owner).removed_on is not None


def test_saving_someone_already_inactive_changes_nothing_more(make_account, owner):
    account = make_account()
    owner.is_active = False
    owner.save()
    events = AccountEvent.objects.filter(account=account).count()

    owner = User.objects.get(pk=owner.pk)
    owner.full_name = "Ailsa Owner-Smith"
    owner.save()

    assert AccountEvent.objects.filter(account=account).count() == events


def test_an_administrator_cannot_deactivate_themselves(deactivate, client, administrator):
    response = deactivate(administrator)

    administrator.refresh_from_db()
    assert administrator.is_active
    assert "You cannot deactivate yourself." in response.text


def test_the_action_needs_the_right_to_change_people(client, staff, owner):
    client.force_login(staff)

    response = client.post(
        reverse("admin:people_user_changelist"),
        {"action": "mark_as_left", "_selected_action": [owner.pk]},
    )

    assert response.status_code == 302  # to the admin's sign-in: not an administrator
    owner.refresh_from_db()
    assert owner.is_active


def test_a_flagged_account_that_has_since_closed_leaves_dcct_s_queue(
    client, make_account, owner, dcct
):
    account = make_account(trained=False)
    owner.is_active = False
    owner.save()
    client.force_login(dcct)
    assert account.display_name in client.get("/dashboard/?show=owner_wanted").text

    type(account).objects.filter(pk=account.pk).update(state="closed")

    assert account.display_name not in client.get("/dashboard/?show=owner_wanted").text


def test_a_leaver_process_that_fails_leaves_them_active_and_everything_as_it_was(
    make_account, owner, monkeypatch
):
    account = make_account()

    def broken(**kwargs):
        raise RuntimeError("a bug in a later step")

    monkeypatch.setattr(account_services, "member_left", broken)
    owner.is_active = False
    with pytest.raises(RuntimeError):
        owner.save()

    assert User.objects.get(pk=owner.pk).is_active  # not half gone: tried again next save
    assert _member(account, owner).removed_on is None


# --- Proposals they made, or are named on the team of -------------------------------------------


def _editor(proposal):
    return proposal.team.get(role="editor").person


def _made_alone(make_proposal, state, proposer, line_manager=None):
    """A proposal by `proposer` in `state`, nobody else named on its team."""
    if line_manager is not None:
        proposer.line_manager = line_manager
        proposer.save()
    proposal = make_proposal(state)
    proposal.team.exclude(person=proposer).delete()
    return proposal


def test_a_proposer_who_leaves_hands_the_proposal_to_the_next_on_its_team(
    deactivate, client, administrator, make_proposal, staff, office_head
):
    proposal = make_proposal("revising")
    editor = _editor(proposal)

    deactivate(staff)

    proposal.refresh_from_db()
    assert proposal.proposer == editor
    assert proposal.state == "revising"
    assert not proposal.team.filter(person=staff).exists()
    (logged,) = Decision.objects.filter(proposal=proposal, action="proposer_left")
    assert logged.actor == administrator and logged.actor_role == "Administrator"
    assert f"{editor} carries it on now" in logged.comment
    assert logged.from_state == logged.to_state == "revising"
    # Its history still says who started it.
    assert proposal.starter == staff
    client.force_login(editor)
    page = client.get(reverse("proposals:detail", args=[proposal.pk]))
    assert f"Draft started by {staff.get_full_name()}" in page.text
    # The proposal waits for its proposer: the one carrying it on is asked to act.
    (told,) = _notices(editor, f"leaver:{staff.pk}:made:{proposal.pk}")
    assert told.kind == NoticeKind.ACTION
    assert _notices(office_head, f"leaver:{staff.pk}:made:{proposal.pk}")
    # ... and can: the changes are theirs to make now, a second person named on the team among
    # them (the policy's minimum, which the leaver's going broke).
    assert proposal_permissions.can_edit(proposal, editor)
    ProposalTeamMember.objects.create(proposal=proposal, person=UserFactory(), role="editor")
    proposal_services.resubmit(proposal=proposal, actor=editor)
    proposal.refresh_from_db()
    assert proposal.state == "with_dcct"


def test_a_team_member_who_leaves_is_off_the_team_the_account_will_be_set_up_with(
    make_proposal, staff
):
    proposal = make_proposal("approved")
    editor = _editor(proposal)

    editor.is_active = False
    editor.save()  # the shell: nobody signed in

    assert list(proposal.team.values_list("person", flat=True)) == [staff.pk]
    (logged,) = Decision.objects.filter(proposal=proposal, action="member_left")
    assert logged.label == "Member left"
    assert logged.actor == editor and logged.actor_role == "Left the organisation"
    assert "no longer on its team" in logged.comment
    proposal.refresh_from_db()
    assert proposal.proposer == staff


def test_with_nobody_left_on_the_team_their_line_manager_carries_it_on(
    deactivate, make_proposal, staff, office
):
    manager = UserFactory(office=office, full_name="Calum Manager")
    proposal = _made_alone(make_proposal, "alternative_offered", staff, line_manager=manager)

    deactivate(staff)

    proposal.refresh_from_db()
    assert proposal.proposer == manager
    assert not proposal.team.exists()


def test_nobody_who_is_to_approve_it_carries_it_on_and_with_nobody_else_it_is_withdrawn(
    deactivate, make_proposal, staff, office_head
):
    # The office head approves it in principle: neither as line manager nor as head may they
    # also carry it; with nobody else, it is withdrawn, and counted as a withdrawal.
    proposal = _made_alone(make_proposal, "with_office_head", staff, line_manager=office_head)

    deactivate(staff)

    proposal.refresh_from_db()
    assert proposal.state == "withdrawn" and proposal.proposer == staff
    (logged,) = Decision.objects.filter(proposal=proposal, action="withdraw")
    assert logged.from_state == "with_office_head" and logged.to_state == "withdrawn"
    assert "nobody still here" in logged.comment
    (told,) = _notices(office_head, f"leaver:{staff.pk}:made:{proposal.pk}")
    assert "has been withdrawn" in told.body


def test_with_nobody_to_carry_it_on_a_proposal_dcct_is_deciding_stays_with_them(
    deactivate, make_proposal, staff, office, dcct
):
    proposal = _made_alone(make_proposal, "with_dcct", staff)
    office.head = None
    office.save()

    deactivate(staff)

    proposal.refresh_from_db()
    assert proposal.state == "with_dcct" and proposal.proposer == staff
    (logged,) = Decision.objects.filter(proposal=proposal, action="proposer_left")
    assert "It is with DCCT, who decide it without them" in logged.comment
    (told,) = _notices(dcct, f"leaver:{staff.pk}:made:{proposal.pk}")
    assert told.kind == NoticeKind.ACTION


def test_proposals_already_set_up_or_ended_are_left_as_they_were(deactivate, make_proposal, staff):
    finished = [make_proposal(state) for state in ("set_up", "declined", "withdrawn")]

    deactivate(staff)

    for proposal in finished:
        proposal.refresh_from_db()
        assert proposal.proposer == staff
        assert proposal.team.filter(person=staff).exists()
        assert not Decision.objects.filter(proposal=proposal).exists()


def test_a_draft_never_submitted_is_heard_of_only_by_whoever_carries_it_on(
    deactivate, make_proposal, staff, office_head
):
    proposal = make_proposal("draft")
    editor = _editor(proposal)

    deactivate(staff)

    proposal.refresh_from_db()
    assert proposal.proposer == editor
    assert _notices(editor, f"leaver:{staff.pk}:made:{proposal.pk}")
    assert not _notices(office_head, f"leaver:{staff.pk}:made:{proposal.pk}")


def test_the_owner_to_be_carries_it_on_before_an_editor_and_nobody_who_has_left(
    deactivate, make_proposal, staff, office
):
    proposal = make_proposal("revising")
    proposal.team.filter(role="owner").delete()  # the proposer was its owner-to-be
    gone = UserFactory(office=office, is_active=False)
    ProposalTeamMember.objects.create(proposal=proposal, person=gone, role="owner")
    owner_to_be = UserFactory(office=office)
    ProposalTeamMember.objects.create(proposal=proposal, person=owner_to_be, role="owner")

    deactivate(staff)

    proposal.refresh_from_db()
    assert proposal.proposer == owner_to_be


def test_nobody_carries_it_on_who_would_leave_it_with_nobody_free_to_judge_it(
    deactivate, make_proposal, staff, office, hec
):
    # Its proposer's line manager is the only member of HEC, who decide the escalation: as its
    # proposer they could not, so the office head carries it on instead.
    proposal = _made_alone(make_proposal, "escalated", staff, line_manager=hec)

    deactivate(staff)

    proposal.refresh_from_db()
    assert proposal.proposer == office.head
    assert proposal_permissions.may_decide_escalation(proposal, hec)


def test_a_draft_nobody_else_has_seen_is_carried_on_only_by_its_team(
    deactivate, make_proposal, staff, office
):
    proposal = _made_alone(make_proposal, "draft", staff, line_manager=UserFactory(office=office))

    deactivate(staff)

    proposal.refresh_from_db()
    assert proposal.state == "withdrawn" and proposal.proposer == staff
    assert not Notification.objects.filter(key__contains=f":made:{proposal.pk}").exists()


def test_an_approval_that_opens_no_new_account_is_left_alone(deactivate, make_proposal, staff):
    proposal = make_proposal("approved", outcome="alternative", for_new_account=False)

    deactivate(staff)

    proposal.refresh_from_db()
    assert proposal.proposer == staff
    assert not Decision.objects.filter(proposal=proposal).exists()


def test_a_member_who_leaves_a_proposal_being_revised_tells_its_proposer_to_name_another(
    deactivate, make_proposal, staff
):
    proposal = make_proposal("revising")
    editor = _editor(proposal)

    deactivate(editor)

    (told,) = _notices(staff, f"leaver:{editor.pk}:made:{proposal.pk}")
    assert "Its team needs at least 2 people named" in told.body
    other = make_proposal("with_dcct")
    gone = _editor(other)
    deactivate(gone)
    (told,) = _notices(staff, f"leaver:{gone.pk}:made:{other.pk}")
    assert "needs at least" not in told.body  # it cannot be changed while DCCT assess it


def test_a_returned_draft_s_notice_goes_to_its_approver(
    deactivate, make_proposal, staff, office, office_head
):
    proposal = make_proposal("draft")  # returned to its proposer by its approver
    type(proposal).objects.filter(pk=proposal.pk).update(
        submitted_at=timezone.now(), approver=office_head
    )
    office.head = UserFactory(office=office)  # a new head since it was returned
    office.save()

    deactivate(staff)

    assert _notices(office_head, f"leaver:{staff.pk}:made:{proposal.pk}")
    assert not _notices(office.head, f"leaver:{staff.pk}:made:{proposal.pk}")


def test_people_who_left_before_or_by_a_bulk_update_are_caught_up(make_proposal, staff, office):
    from django.core.management import call_command

    proposal = make_proposal("revising")
    editor = _editor(proposal)
    User.objects.filter(pk=staff.pk).update(is_active=False)  # sends nothing
    out = io.StringIO()

    call_command("catch_up_leavers", stdout=out)
    call_command("catch_up_leavers", stdout=out)  # again: nothing more moves

    proposal.refresh_from_db()
    assert proposal.proposer == editor
    assert Decision.objects.filter(proposal=proposal, action="proposer_left").count() == 1
    assert "People who have left, caught up: 1." in out.getvalue()
