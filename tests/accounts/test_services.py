"""Every step of the account table (DESIGN.md section 4) and the team's changes: allowed actors,
refused actors, guards and bad input."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import services
from accounts.models import Account, AccountEvent, ClosureEscalation
from people import policy
from people.models import TrainingRecord
from tests.accounts.conftest import complete_setup, exit_strategy
from tests.factories import UserFactory
from workflow.transitions import Changed, NotReady

pytestmark = pytest.mark.django_db

CAST = ["staff", "office_head", "owner", "outsider", "dcct", "hec", "policy_owner", "administrator"]


def arguments(action, comment="For the record."):
    return {
        "go_live": {},
        "propose_closure": {"reason": "not_effective", "explanation": "Reach fell all year."},
        "agree_exit_strategy": {"exit_strategy": exit_strategy(), "comment": comment},
        "contest_closure": {"comment": comment},
        "escalate_closure": {"business_area_position": "Keep it.", "dcct_position": "Close it."},
        "close_account": {"exit_strategy": exit_strategy(), "comment": comment},
        "retain_account": {"comment": comment},
        "mark_closed": {},
    }[action]


def ready(account, action):
    if action == "go_live":
        complete_setup(account)
    if action == "mark_closed":
        strategy = account.exit_strategy
        for field, *_ in strategy.STEPS:
            setattr(strategy, field, datetime.date.today())
        strategy.save()
    return Account.objects.get(pk=account.pk)


# action, source, who may, target, proposed_by (for closures)
TABLE = [
    ("go_live", "setting_up", "dcct", "live", "dcct"),
    ("propose_closure", "live", "dcct", "closure_proposed", "dcct"),
    ("propose_closure", "live", "office_head", "closure_proposed", "dcct"),
    ("propose_closure", "live", "owner", "closure_proposed", "dcct"),
    ("agree_exit_strategy", "closure_proposed", "office_head", "closing", "dcct"),
    ("agree_exit_strategy", "closure_proposed", "owner", "closing", "dcct"),
    ("agree_exit_strategy", "closure_proposed", "dcct", "closing", "business_area"),
    ("contest_closure", "closure_proposed", "office_head", "closure_contested", "dcct"),
    ("contest_closure", "closure_proposed", "owner", "closure_contested", "dcct"),
    ("contest_closure", "closure_proposed", "dcct", "closure_contested", "business_area"),
    ("escalate_closure", "closure_contested", "dcct", "closure_escalated", "dcct"),
    ("close_account", "closure_escalated", "hec", "closing", "dcct"),
    ("retain_account", "closure_escalated", "hec", "live", "dcct"),
    ("mark_closed", "closing", "dcct", "closed", "dcct"),
]
ALLOWED = {}
for action, source, persona, _, proposed_by in TABLE:
    ALLOWED.setdefault((action, source, proposed_by), set()).add(persona)


@pytest.mark.parametrize(("action", "source", "persona", "target", "proposed_by"), TABLE)
def test_allowed_actor_moves_the_account_and_it_is_logged(
    request, make_account, action, source, persona, target, proposed_by
):
    account = ready(make_account(source, proposed_by=proposed_by), action)
    actor = request.getfixturevalue(persona)

    event = services.ACTIONS[action](account=account, actor=actor, **arguments(action))

    account.refresh_from_db()
    assert account.state == target
    assert (event.actor, event.from_state, event.to_state) == (actor, source, target)


@pytest.mark.parametrize(("action", "source", "persona", "target", "proposed_by"), TABLE)
def test_everyone_else_is_refused_and_nothing_changes(
    request, make_account, action, source, persona, target, proposed_by
):
    account = ready(make_account(source, proposed_by=proposed_by), action)
    allowed = ALLOWED[(action, source, proposed_by)]

    for other in CAST:
        if other in allowed:
            continue
        with pytest.raises(PermissionDenied):
            services.ACTIONS[action](
                account=Account.objects.get(pk=account.pk),
                actor=request.getfixturevalue(other),
                **arguments(action),
            )

    assert Account.objects.get(pk=account.pk).state == source
    assert not AccountEvent.objects.filter(account=account).exists()


def test_go_live_needs_a_complete_checklist_and_two_trained_people(make_account, dcct):
    account = make_account("setting_up", trained=False)

    with pytest.raises(NotReady) as refused:
        services.go_live(account=account, actor=dcct)

    assert refused.value.reasons == [
        "Complete the set-up checklist.",
        "At least 2 team members need current training (0 have it).",
    ]
    assert Account.objects.get(pk=account.pk).state == "setting_up"


def test_expired_training_does_not_count_for_go_live(make_account, dcct, owner):
    from tests.factories import TrainingRecordFactory

    account = make_account("setting_up", trained=False)
    complete_setup(account)
    for member in account.members.all():
        TrainingRecordFactory(
            person=member.person,
            completed_on=datetime.date(2020, 1, 1),
            expires_on=datetime.date(2021, 1, 1),
        )

    with pytest.raises(NotReady, match="0 have it"):
        services.go_live(account=Account.objects.get(pk=account.pk), actor=dcct)


def test_go_live_records_the_date(make_account, dcct):
    account = ready(make_account("setting_up"), "go_live")

    services.go_live(account=account, actor=dcct)

    assert account.went_live_on == datetime.date.today()


def test_proposing_closure_needs_an_explanation(make_account, dcct):
    account = make_account("live")

    with pytest.raises(ValidationError):
        services.propose_closure(
            account=account, actor=dcct, reason="not_effective", explanation=" "
        )
    assert Account.objects.get(pk=account.pk).state == "live"


def test_closure_proposer_is_recorded_with_their_side(make_account, office_head, dcct):
    account = make_account("live")

    services.propose_closure(
        account=account,
        actor=office_head,
        reason="campaign_ended",
        explanation="The campaign ended in May.",
    )

    assert (account.closure_proposed_by, account.closure_proposer) == ("business_area", office_head)
    with pytest.raises(PermissionDenied):
        services.agree_exit_strategy(
            account=account, actor=office_head, exit_strategy=exit_strategy()
        )
    services.agree_exit_strategy(account=account, actor=dcct, exit_strategy=exit_strategy())
    assert account.exit_strategy.agreed_by == dcct


def test_an_incomplete_exit_strategy_saves_nothing(make_account, office_head):
    account = make_account("closure_proposed")

    with pytest.raises(ValidationError) as error:
        services.agree_exit_strategy(
            account=account,
            actor=office_head,
            exit_strategy=exit_strategy(final_post="", archive_location=""),
        )

    assert {"final_post", "archive_location"} <= set(error.value.message_dict)
    account = Account.objects.get(pk=account.pk)
    assert account.state == "closure_proposed"
    assert not hasattr(account, "exit_strategy")


def test_contest_needs_reasons(make_account, office_head):
    account = make_account("closure_proposed")

    with pytest.raises(ValidationError):
        services.contest_closure(account=account, actor=office_head, comment="")
    assert Account.objects.get(pk=account.pk).state == "closure_proposed"


def test_escalation_needs_both_positions(make_account, dcct):
    account = make_account("closure_contested")

    with pytest.raises(ValidationError):
        services.escalate_closure(
            account=account, actor=dcct, business_area_position="", dcct_position="Close it."
        )
    assert not ClosureEscalation.objects.exists()


def test_escalation_starts_from_the_contest(make_account, office_head, dcct):
    account = make_account("closure_proposed")
    services.contest_closure(account=account, actor=office_head, comment="We have new staff.")

    assert services.contested_position(account) == "We have new staff."


def test_hec_closing_the_account_rules_on_the_escalation_and_sets_the_exit(make_account, hec):
    account = make_account("closure_escalated")

    services.close_account(
        account=account, actor=hec, comment="Reach is too low.", exit_strategy=exit_strategy()
    )

    escalation = account.escalations.get()
    assert (escalation.ruling, escalation.reasons, escalation.decided_by) == (
        "close_account",
        "Reach is too low.",
        hec,
    )
    assert account.exit_strategy.agreed_by == hec


def test_hec_retaining_the_account_records_the_conditions(make_account, hec):
    account = make_account("closure_escalated")

    services.retain_account(account=account, actor=hec, comment="Review again in six months.")

    assert account.state == "live"
    assert account.retention_conditions == "Review again in six months."
    assert account.closure_reason == ""
    assert account.escalations.get().ruling == "retain_account"


def test_hec_decisions_need_reasons(make_account, hec):
    account = make_account("closure_escalated")

    for action in ("close_account", "retain_account"):
        with pytest.raises(ValidationError):
            services.ACTIONS[action](
                account=Account.objects.get(pk=account.pk),
                actor=hec,
                **arguments(action, comment=""),
            )
    assert Account.objects.get(pk=account.pk).state == "closure_escalated"


def test_closed_requires_every_exit_step(make_account, dcct):
    account = make_account("closing")

    with pytest.raises(NotReady, match="every step"):
        services.mark_closed(account=account, actor=dcct)

    account = ready(account, "mark_closed")
    services.mark_closed(account=account, actor=dcct)
    assert account.closed_on == datetime.date.today()


def test_two_people_acting_at_once_exactly_one_wins(make_account, office_head, dcct):
    account = make_account("closure_proposed")
    seen_by_head = Account.objects.get(pk=account.pk)
    seen_by_owner = Account.objects.get(pk=account.pk)

    services.contest_closure(account=seen_by_head, actor=office_head, comment="No.")
    with pytest.raises(Changed, match="has changed"):
        services.agree_exit_strategy(
            account=seen_by_owner,
            actor=seen_by_owner.members.get(role="owner").person,
            exit_strategy=exit_strategy(),
        )

    assert Account.objects.get(pk=account.pk).state == "closure_contested"
    assert not hasattr(Account.objects.get(pk=account.pk), "exit_strategy")


def test_closure_steps_are_emailed_to_the_other_side_once(
    make_account, dcct, office_head, owner, hec, django_capture_on_commit_callbacks
):
    from django.core import mail

    from accounts.tasks import notify_account_event

    account = make_account("live")
    with django_capture_on_commit_callbacks(execute=True):
        event = services.propose_closure(
            account=account, actor=dcct, reason="not_effective", explanation="Reach fell all year."
        )
    told = {address for message in mail.outbox for address in message.to}
    assert {office_head.email, owner.email} <= told
    assert dcct.email not in told
    assert "Reach fell all year." in mail.outbox[0].body

    notify_account_event(event.pk)
    assert len(mail.outbox) == len(told)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.contest_closure(account=account, actor=office_head, comment="No.")
        services.escalate_closure(
            account=account, actor=dcct, business_area_position="a", dcct_position="b"
        )
    assert hec.email in {address for message in mail.outbox for address in message.to}


def test_go_live_is_refused_when_the_handle_is_already_live(make_account, dcct):
    account = ready(make_account("setting_up", handle="ScotParlYouth"), "go_live")
    from tests.factories import AccountFactory

    AccountFactory(platform=account.platform, handle="scotparlyouth", state="live")

    with pytest.raises(NotReady) as refused:
        services.go_live(account=Account.objects.get(pk=account.pk), actor=dcct)
    assert "already uses the handle" in refused.value.reasons[-1]


def test_hec_cannot_retain_an_account_whose_handle_is_live_elsewhere(make_account, hec):
    from tests.factories import AccountFactory

    account = make_account("closure_escalated", handle="OldName")
    AccountFactory(platform=account.platform, handle="OldName", state="live")

    with pytest.raises(NotReady):
        services.retain_account(account=account, actor=hec, comment="Keep it.")
    assert Account.objects.get(pk=account.pk).state == "closure_escalated"


def test_a_dcct_member_who_owns_the_account_cannot_agree_for_dcct(make_account, owner, office_head):
    from people.roles import Role
    from people.services import assign_role

    assign_role(user=owner, role=Role.DCCT)
    account = make_account("closure_proposed", proposed_by="business_area")

    with pytest.raises(PermissionDenied):
        services.agree_exit_strategy(account=account, actor=owner, exit_strategy=exit_strategy())


def test_set_up_reads_the_proposed_handle_by_the_platforms_rules(make_proposal, dcct):
    from proposals import services as proposal_services

    proposal = make_proposal(
        "approved",
        outcome="as_proposed",
        proposed_handle="https://www.instagram.com/holyrood.youth/",
    )
    proposal_services.start_set_up(proposal=proposal, actor=dcct)

    account = Account.objects.get(proposal=proposal)
    assert (account.handle, account.url) == (
        "holyrood.youth",
        "https://www.instagram.com/holyrood.youth",
    )


@pytest.mark.parametrize("persona", ["dcct", "office_head", "owner"])
def test_team_changes_by_dcct_head_or_owner_are_logged(request, make_account, office, persona):
    account = make_account("live")
    newcomer = UserFactory(office=office)
    actor = request.getfixturevalue(persona)

    member = services.add_member(
        account=account, actor=actor, person=newcomer, role="moderator", provides_cover=True
    )
    services.remove_member(account=account, actor=actor, member=member, reason="Moved to SPICe")

    member.refresh_from_db()
    assert (member.removed_on, member.removal_reason) == (datetime.date.today(), "Moved to SPICe")
    actions = list(AccountEvent.objects.filter(account=account).values_list("action", flat=True))
    assert actions == ["add_member", "remove_member"]


@pytest.mark.parametrize("persona", ["staff", "outsider", "hec", "policy_owner"])
def test_others_cannot_change_the_team(request, make_account, office, persona):
    account = make_account("live")

    with pytest.raises(PermissionDenied):
        services.add_member(
            account=account,
            actor=request.getfixturevalue(persona),
            person=UserFactory(office=office),
            role="editor",
        )
    assert account.members.count() == 2


def test_removing_someone_needs_a_reason(make_account, dcct):
    account = make_account("live")
    editor = account.members.get(role="editor")

    with pytest.raises(ValidationError):
        services.remove_member(account=account, actor=dcct, member=editor, reason="  ")
    editor.refresh_from_db()
    assert editor.removed_on is None


def test_the_last_owner_cannot_leave_before_handing_over(make_account, dcct):
    account = make_account("live")
    owner_place = account.members.get(role="owner")

    with pytest.raises(ValidationError, match="Hand ownership"):
        services.remove_member(account=account, actor=dcct, member=owner_place, reason="Leaver")


def test_hand_over_makes_a_new_owner_and_the_old_one_an_editor(make_account, dcct, owner):
    account = make_account("live")
    editor = account.members.get(role="editor")

    services.hand_over(account=account, actor=dcct, new_owner=editor)

    assert account.members.get(person=owner).role == "editor"
    assert account.members.get(pk=editor.pk).role == "owner"
    event = AccountEvent.objects.get(account=account)
    assert event.comment == f"From {owner} to {editor.person}."


def test_someone_already_on_the_team_is_not_added_twice(make_account, dcct, owner):
    account = make_account("live")

    with pytest.raises(ValidationError, match="already on the team"):
        services.add_member(account=account, actor=dcct, person=owner, role="editor")


def test_dcct_records_training_and_it_counts_at_once(make_account, dcct):
    account = make_account("setting_up", trained=False)
    person = account.members.get(role="owner").person

    services.record_training(
        account=account,
        actor=dcct,
        person=person,
        course="Moderation",
        completed_on=datetime.date.today(),
    )

    record = TrainingRecord.objects.get(person=person)
    assert record.recorded_by == dcct
    assert AccountEvent.objects.filter(account=account, action="record_training").exists()


def test_only_dcct_records_training(make_account, office_head):
    account = make_account("live")

    with pytest.raises(PermissionDenied):
        services.record_training(
            account=account,
            actor=office_head,
            person=office_head,
            course="x",
            completed_on=datetime.date.today(),
        )


def test_training_that_expires_before_it_is_completed_is_refused(make_account, dcct, owner):
    account = make_account("live")

    with pytest.raises(ValidationError):
        services.record_training(
            account=account,
            actor=dcct,
            person=owner,
            course="x",
            completed_on=datetime.date(2026, 5, 1),
            expires_on=datetime.date(2026, 4, 1),
        )
    assert not TrainingRecord.objects.filter(course="x").exists()


def test_a_team_below_two_trained_people_is_flagged(make_account, dcct):
    account = make_account("live")
    assert len(account.trained_team()) >= policy.MIN_TRAINED_TEAM

    for record in TrainingRecord.objects.all()[:1]:
        record.expires_on = datetime.date.today() - datetime.timedelta(days=1)
        record.completed_on = datetime.date.today() - datetime.timedelta(days=400)
        record.save()

    from accounts.models import Account

    assert len(Account.objects.get(pk=account.pk).trained_team()) < policy.MIN_TRAINED_TEAM
