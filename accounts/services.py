"""Every change to an official account (DESIGN.md section 4, Account): set-up, go-live, team
and training, closure with an exit strategy, escalation to HEC, and the inventory import.
Each checks the actor's role for this account, runs in one transaction and logs an event."""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import inventory, permissions, register, signals
from accounts.catalogue import PLATFORMS
from accounts.handles import HandleError, canonical_url, normalise_handle
from accounts.models import (
    OPEN_REPORT_STATES,
    REPORT_OUTCOMES,
    Account,
    AccountEvent,
    AccountKind,
    AccountMember,
    AccountState,
    ExitStrategy,
    ImpersonationReport,
    ImpersonationReportEvent,
    Platform,
    ReportState,
    SetupChecklist,
    Side,
    trained_period,
)
from people import policy
from people.models import TrainingRecord
from people.services import lock_people
from workflow import transitions
from workflow.models import removed, save_fields
from workflow.permissions import require


@transaction.atomic
def load_platform_catalogue() -> int:
    """Create or update the shipped platforms; returns how many were created."""
    created = 0
    for order, entry in enumerate(PLATFORMS, start=1):
        defaults = {
            "name": entry["name"],
            "icon": entry["icon"],
            "internal": entry.get("internal", False),
            "hosts": entry.get("hosts", []),
            "profile_path": entry.get("profile_path", ""),
            "handle_pattern": entry.get("handle_pattern", ""),
            "canonical_url": entry.get("canonical_url", ""),
            "handles_case_sensitive": entry.get("handles_case_sensitive", False),
            "federated": entry.get("federated", False),
            "sort_order": order * 10,
        }
        _, was_created = Platform.objects.update_or_create(slug=entry["slug"], defaults=defaults)
        created += was_created
    return created


def _log(account, actor, action, comment=""):
    return AccountEvent.objects.create(
        account=account,
        actor=actor,
        actor_role=permissions.acting_role(account, actor),
        action=action,
        comment=comment,
    )


def _act(
    *,
    account,
    actor,
    action,
    comment="",
    expected_state=None,
    prepare=None,
    record=None,
    reasons=(),
):
    event = transitions.run(
        obj=account,
        action=action,
        actor=actor,
        actor_role=permissions.acting_role(account, actor),
        log=lambda **row: AccountEvent.objects.create(account=account, **row),
        comment=comment,
        expected_state=expected_state,
        prepare=prepare,
        record=record,
        not_ready_reasons=reasons,
    )
    transitions.notify_after_commit(lambda: _notify(event.pk))
    return event


def _notify(event_id):
    from accounts.tasks import notify_account_event

    notify_account_event.delay(event_id)


def _lock(account) -> None:
    """Lock the account until the transaction commits and read its state and team again
    (transitions.lock): changes to one account's team, set-up and exit steps, and its steps,
    happen one at a time, so that a rule of "at least N" (an owner; policy.MIN_TRAINED_TEAM
    trained to go live) checked after this still holds when the change commits."""
    if transitions.lock(account) != account.state:
        transitions.reload_state(account)


def _lock_people(people) -> None:
    """Lock these people (ids) until the transaction commits, before any account
    (people.services.lock_people): a change to someone's place on a team and a change to their
    training happen one after the other, so that each team's count of trained people
    (refresh_team_training) sees both."""
    lock_people(people)


# --- Set-up and going live ----------------------------------------------------------------------


def open_for_set_up(*, proposal, actor) -> Account:
    """Create the account of an approved proposal, in set-up, with the proposal's team.

    Part of the proposal's `start set-up`; runs inside its transaction."""
    try:
        handle = normalise_handle(proposal.platform, proposal.proposed_handle)
    except HandleError:
        handle = ""  # DCCT records the real handle during set-up; go-live waits for it
    team = list(proposal.team.all())
    _lock_people(member.person_id for member in team)
    account = Account(
        platform=proposal.platform,
        handle=handle,
        url=canonical_url(proposal.platform, handle) if handle else "",
        display_name=proposal.title,
        office=proposal.office,
        kind=AccountKind.BUSINESS_AREA,
        purpose=proposal.objectives,
        audience=proposal.audience,
        proposal=proposal,
    )
    account.save()
    SetupChecklist.objects.create(account=account)
    for member in team:
        AccountMember.objects.create(account=account, person_id=member.person_id, role=member.role)
    refresh_team_training(account_ids=[account.pk])
    _log(account, actor, "created", f"From proposal {proposal.reference}.")
    return account


@transaction.atomic
def update_details(*, account, actor, display_name, handle="", url="") -> None:
    """DCCT records the account's name, handle and address during set-up (checked against
    the platform's rules by Account.clean)."""
    _lock(account)
    require(permissions.can_tick_setup, account, actor)
    save_fields(account, {"display_name": display_name, "handle": handle, "url": url})
    _log(
        account,
        actor,
        "update_details",
        f"{account.display_name}: {account.handle or 'no handle yet'}.",
    )


@transaction.atomic
def update_setup(*, account, actor, checklist: dict) -> None:
    """Tick off the set-up checklist (DCCT): `checklist` has a value for each of its fields."""
    _lock(account)
    require(permissions.can_tick_setup, account, actor)
    save_fields(account.setup, checklist)
    items = account.setup.items
    done = [label for label, ticked in items if ticked]
    _log(account, actor, "update_setup", f"Done: {len(done)} of {len(items)}.")


@transaction.atomic
def go_live(*, account, actor, comment="", expected_state=None):
    """Go live: the checklist is complete and enough of the team is trained
    (policy.MIN_TRAINED_TEAM), as committed: the team and checklist are read behind the
    account's lock, which every change to them takes too."""
    return _act(
        account=account,
        actor=actor,
        action="go_live",
        comment=comment,
        expected_state=expected_state,
        record=lambda: signals.went_live.send(sender=Account, accounts=[account], actor=actor),
        reasons=account.go_live_blockers,
    )


# --- Team and training -------------------------------------------------------------------------


def _require_team_manager(account, actor):
    require(permissions.can_manage_team, account, actor)


@transaction.atomic
def add_member(*, account, actor, person, role, provides_cover=False, reason=""):
    """Add a person to the team; somebody already on it (added from another page at the same
    moment, too) is refused with a message, never added twice."""
    _lock_people([person.pk])
    _lock(account)
    _require_team_manager(account, actor)
    if not person.is_active:
        raise ValidationError({"person": "This person can no longer sign in."})
    try:
        with transaction.atomic():
            member = AccountMember.objects.create(
                account=account, person=person, role=role, provides_cover=provides_cover
            )
    except IntegrityError:
        raise ValidationError({"person": f"{person} is already on the team."}) from None
    refresh_team_training(account_ids=[account.pk])
    if member.role == AccountMember.Role.OWNER:
        _owner_found(account)
    _log(account, actor, "add_member", f"{person} as {member.get_role_display().lower()}. {reason}")
    return member


def _owner_found(account) -> None:
    """Someone owns the account again: off DCCT's queue of accounts wanting an owner."""
    if account.owner_wanted_since is not None:
        account.owner_wanted_since = None
        account.save(update_fields=["owner_wanted_since"])


@transaction.atomic
def remove_member(*, account, actor, member, reason):
    """A leaver or a change of duties; the record stays, with the date and reason. An account
    that is not closed keeps an owner: the owners are counted behind the account's lock, so of
    two owners removed at the same moment, the second is refused."""
    _lock_people([member.person_id])
    _lock(account)
    _require_team_manager(account, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why they are leaving the team."})
    member.refresh_from_db()  # as committed: they may have left, or become owner, meanwhile
    if member.account_id != account.pk or member.removed_on is not None:
        raise ValidationError({"reason": f"{member.person} is no longer on the team."})
    if member.role == AccountMember.Role.OWNER and account.state != AccountState.CLOSED:
        other_owners = AccountMember.objects.filter(
            account=account, role=AccountMember.Role.OWNER, removed_on__isnull=True
        ).exclude(pk=member.pk)
        if not other_owners.exists():
            raise ValidationError(
                {"reason": "Hand ownership to someone else before the owner leaves."}
            )
    member.removed_on = timezone.localdate()
    member.removal_reason = reason
    member.save(update_fields=["removed_on", "removal_reason"])
    refresh_team_training(account_ids=[account.pk])
    _log(account, actor, "remove_member", f"{member.person}: {reason}")


@transaction.atomic
def hand_over(*, account, actor, new_owner):
    """Make `new_owner` (a current member) the owner; the previous owners become editors. Behind
    the account's lock, so that the new owner cannot be leaving the team at the same moment."""
    _lock(account)
    _require_team_manager(account, actor)
    new_owner.refresh_from_db()
    if new_owner.account_id != account.pk or new_owner.removed_on is not None:
        raise ValidationError({"member": "Choose someone on the team."})
    previous = AccountMember.objects.filter(
        account=account, role=AccountMember.Role.OWNER, removed_on__isnull=True
    ).exclude(pk=new_owner.pk)
    names = ", ".join(str(member.person) for member in previous) or "nobody"
    previous.update(role=AccountMember.Role.EDITOR)
    new_owner.role = AccountMember.Role.OWNER
    new_owner.save(update_fields=["role"])
    _owner_found(account)
    _log(account, actor, "hand_over", f"From {names} to {new_owner.person}.")


LEFT = "Left the organisation"


@transaction.atomic
def member_left(*, person, actor=None) -> list[Account]:
    """A person left the organisation (people.signals.person_left): they leave every team they
    are on, kept on record. An owner's account passes to the other trained member (the one
    covering for them first, then the longest on the team); with nobody trained to take it,
    the account is flagged to DCCT (owner_wanted_since, a queue on their dashboard). A team
    left below policy.MIN_TRAINED_TEAM trained people is warned. Each step is logged on the
    account, by whoever deactivated them (or, where nobody signed in did, by the leaver), and
    the team, the office head and DCCT are told. Returns the accounts whose teams changed."""
    places = list(
        AccountMember.objects.filter(person=person, removed_on__isnull=True)
        .order_by("account_id")
        .values_list("pk", "account_id")
    )
    changed = []
    for member_pk, account_id in places:
        account = Account.objects.select_related("office", "platform").get(pk=account_id)
        _lock(account)
        member = AccountMember.objects.get(pk=member_pk)
        if member.removed_on is not None:  # taken off the team meanwhile
            continue
        by, role = (actor, None) if actor is not None else (person, LEFT)
        member.removed_on = timezone.localdate()
        member.removal_reason = LEFT
        member.save(update_fields=["removed_on", "removal_reason"])
        _log_as(account, by, role, "remove_member", f"{person}: {LEFT.lower()}.")
        refresh_team_training(account_ids=[account.pk])
        account.team_trained_from, account.team_trained_until = (
            Account.objects.filter(pk=account.pk)
            .values_list("team_trained_from", "team_trained_until")
            .get()
        )
        if member.role == AccountMember.Role.OWNER and account.state != AccountState.CLOSED:
            _replace_owner(account, person, by, role)
        if account.state in (AccountState.LIVE, AccountState.SETTING_UP) and not (
            account.team_trained_on(timezone.localdate())
        ):
            _log_as(
                account,
                by,
                role,
                "team_below_policy",
                f"Fewer than {policy.MIN_TRAINED_TEAM} trained people on the team now that "
                f"{person} has left.",
            )
        changed.append(account)
    for account in changed:
        _tell_team_of_leaver(account, person)
    return changed


def _replace_owner(account, leaver, by, role) -> None:
    others = list(
        AccountMember.objects.filter(account=account, removed_on__isnull=True)
        .select_related("person")
        .prefetch_related("person__training_records")
        .order_by("-provides_cover", "added_on", "pk")
    )
    if any(member.role == AccountMember.Role.OWNER for member in others):
        return  # another owner remains
    trained = [member for member in others if member.is_trained() and member.person.is_active]
    if trained:
        new_owner = trained[0]
        new_owner.role = AccountMember.Role.OWNER
        new_owner.save(update_fields=["role"])
        _log_as(
            account,
            by,
            role,
            "hand_over",
            f"From {leaver} ({LEFT.lower()}) to {new_owner.person}, the other trained member.",
        )
        return
    account.owner_wanted_since = timezone.localdate()
    account.save(update_fields=["owner_wanted_since"])
    _log_as(
        account,
        by,
        role,
        "owner_wanted",
        f"{leaver} owned it and has left, and nobody else on the team is trained to take "
        "over: DCCT finds a new owner.",
    )


def _log_as(account, actor, role, action, comment):
    """The account's log, in the actor's own role on it or, for a leaver's steps taken with
    nobody signed in, as the leaver who left."""
    if role is None:
        return _log(account, actor, action, comment)
    return AccountEvent.objects.create(
        account=account, actor=actor, actor_role=role, action=action, comment=comment
    )


def _tell_team_of_leaver(account, leaver) -> None:
    from accounts.notifications import tell_of_leaver

    transitions.notify_after_commit(lambda: tell_of_leaver(account.pk, leaver.pk))


@transaction.atomic
def record_training(*, account, actor, person, course, completed_on, expires_on=None):
    """DCCT records training a team member has completed (every team they are on counts it
    again as the record is saved: refresh_training_of, in accounts.apps)."""
    require(permissions.can_record_training, account, actor)
    record = TrainingRecord(
        person=person,
        course=course,
        completed_on=completed_on,
        expires_on=expires_on,
        recorded_by=actor,
    )
    record.full_clean()
    record.save()
    _log(account, actor, "record_training", f"{person}: {course}, {completed_on:%d %b %Y}.")
    return record


@transaction.atomic
def refresh_team_training(*, account_ids, today=None) -> int:
    """Keep on each account when its team has policy.MIN_TRAINED_TEAM people with current
    training (team_trained_from/until: models.trained_period), which DCCT's queue of teams below
    it reads by date. Run in the transaction of every change to a team or to a team member's
    training, behind the accounts' locks, taken in one order (by id), so that a team change and
    a training record committed at the same moment are both counted. Returns how many changed."""
    today = today or timezone.localdate()
    kept = {
        pk: (trained_from, trained_until)
        for pk, trained_from, trained_until in Account.objects.select_for_update(no_key=True)
        .filter(pk__in=list(account_ids))
        .order_by("pk")
        .values_list("pk", "team_trained_from", "team_trained_until")
    }
    training = {pk: defaultdict(list) for pk in kept}
    records = AccountMember.objects.filter(
        account_id__in=list(kept), removed_on__isnull=True, person__training_records__isnull=False
    ).values_list(
        "account_id",
        "person_id",
        "person__training_records__completed_on",
        "person__training_records__expires_on",
    )
    for account_id, person_id, completed_on, expires_on in records:
        training[account_id][person_id].append((completed_on, expires_on))
    changed = []
    for pk, was in kept.items():
        now = trained_period(training[pk], on=today, minimum=policy.MIN_TRAINED_TEAM)
        if now != was:
            changed.append(Account(pk=pk, team_trained_from=now[0], team_trained_until=now[1]))
    Account.objects.bulk_update(changed, ["team_trained_from", "team_trained_until"])
    return len(changed)


@transaction.atomic
def refresh_training_of(*, people) -> int:
    """Someone's training was recorded, corrected or removed: every team they are on now counts
    it again (accounts.apps connects this to every save of a TrainingRecord, from any page).
    Their teams are read behind their lock, which joining or leaving a team takes too."""
    _lock_people(people)
    teams = AccountMember.objects.filter(person__in=people, removed_on__isnull=True)
    return refresh_team_training(account_ids=teams.values_list("account_id", flat=True))


def refresh_all_team_training(*, today=None, batch=500) -> int:
    """The daily repair of team_trained_from/until on every account, a batch of accounts to a
    transaction: a run of trained days that ended is followed by the next one, a changed
    policy.MIN_TRAINED_TEAM is applied, and a value written past the services is put right.
    Returns how many accounts changed."""
    ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    return sum(
        refresh_team_training(account_ids=ids[start : start + batch], today=today)
        for start in range(0, len(ids), batch)
    )


# --- Closure -----------------------------------------------------------------------------------


@transaction.atomic
def propose_closure(*, account, actor, reason, explanation, expected_state=None):
    """Propose closure: the account is not effective, cannot be resourced or its campaign
    has ended. DCCT or the business area proposes; the other side answers."""
    explanation = (explanation or "").strip()
    if not explanation:
        raise ValidationError({"explanation": "Explain why it should close."})

    def record_reason():
        account.closure_reason = reason
        account.closure_explanation = explanation
        business_area = permissions.is_business_area(account, actor)
        account.closure_proposed_by = Side.BUSINESS_AREA if business_area else Side.DCCT
        account.closure_proposer = actor

    return _act(
        account=account,
        actor=actor,
        action="propose_closure",
        comment=explanation,
        expected_state=expected_state,
        prepare=record_reason,
    )


def _exit_strategy(account, actor, fields: dict) -> ExitStrategy:
    """An unsaved exit strategy: `fields` are final_post, redirect_to, archive_location,
    handle_outcome and closing_date. It is checked before the transition, saved after it."""
    return ExitStrategy(account=account, agreed_by=actor, **fields)


@transaction.atomic
def agree_exit_strategy(*, account, actor, exit_strategy: dict, comment="", expected_state=None):
    """Agree exit strategy: the other side accepts the closure and how it will be done."""
    strategy = _exit_strategy(account, actor, exit_strategy)
    return _act(
        account=account,
        actor=actor,
        action="agree_exit_strategy",
        comment=comment,
        expected_state=expected_state,
        prepare=strategy.full_clean,
        record=strategy.save,
    )


contest_closure = transitions.step(
    _act,
    "account",
    "contest_closure",
    "Contest closure: the other side does not agree, and says why.",
)


def contested_position(account) -> str:
    """The business area's case against the closure, which DCCT's escalation starts from."""
    return transitions.latest_comment(account.events, "contest_closure")


escalate_closure = transitions.escalation_step(
    _act,
    "account",
    "escalate_closure",
    "Escalate to HEC: the business area and DCCT cannot agree on the closure.",
)


@transaction.atomic
def close_account(*, account, actor, comment, exit_strategy: dict, expected_state=None):
    """Close account: HEC decides the account closes, with the exit strategy to follow."""
    strategy = _exit_strategy(account, actor, exit_strategy)

    def rule_and_plan():
        account.escalations.rule(ruling="close_account", reasons=comment, actor=actor)
        strategy.save()

    return _act(
        account=account,
        actor=actor,
        action="close_account",
        comment=comment,
        expected_state=expected_state,
        prepare=strategy.full_clean,
        record=rule_and_plan,
    )


@transaction.atomic
def retain_account(*, account, actor, comment, expected_state=None):
    """Retain account: HEC keeps it live; the reasons are the conditions it must meet."""

    def keep():
        account.retention_conditions = (comment or "").strip()

    return _act(
        account=account,
        actor=actor,
        action="retain_account",
        comment=comment,
        expected_state=expected_state,
        prepare=keep,
        record=lambda: (
            account.escalations.rule(ruling="retain_account", reasons=comment, actor=actor),
            signals.went_live.send(sender=Account, accounts=[account], actor=actor),
        ),
        reasons=["Another live account now uses this handle; it cannot go live again."],
    )


@transaction.atomic
def update_exit_steps(*, account, actor, steps: dict) -> None:
    """Record when each step of the exit strategy was done: `steps` maps its fields to dates."""
    _lock(account)
    require(permissions.can_tick_exit_steps, account, actor)
    save_fields(account.exit_strategy, steps)
    _log(account, actor, "update_exit_steps")


@transaction.atomic
def mark_closed(*, account, actor, comment="", expected_state=None):
    """Mark as closed: every step of the exit strategy is done."""
    return _act(
        account=account,
        actor=actor,
        action="mark_closed",
        comment=comment,
        expected_state=expected_state,
        record=lambda: signals.closed.send(sender=Account, accounts=[account], actor=actor),
        reasons=["Finish every step of the exit strategy first."],
    )


ACTIONS = {
    "go_live": go_live,
    "propose_closure": propose_closure,
    "agree_exit_strategy": agree_exit_strategy,
    "contest_closure": contest_closure,
    "escalate_closure": escalate_closure,
    "close_account": close_account,
    "retain_account": retain_account,
    "mark_closed": mark_closed,
}


# --- Inventory import --------------------------------------------------------------------------


@transaction.atomic
def import_inventory(*, actor, rows) -> list[Account]:
    """Register existing accounts straight into `live`; all rows or none.

    `rows` are the validated rows of accounts.inventory.read_inventory."""
    require(permissions.may_import_inventory, actor)
    _lock_people(owner.pk for row in rows for owner in row.owners)
    created = []
    for row in rows:
        account = inventory.new_account(row)
        account.save()
        for owner in row.owners:
            AccountMember.objects.create(
                account=account, person=owner, role=AccountMember.Role.OWNER
            )
        _log(
            account,
            actor,
            "import",
            f"Registered as live from the inventory import (line {row.line}).",
        )
        created.append(account)
    refresh_team_training(account_ids=[account.pk for account in created])
    signals.went_live.send(sender=Account, accounts=created, actor=actor)
    return created


# --- Reports of impersonation (DESIGN.md section 5) ---------------------------------------------


@dataclass(frozen=True)
class Filing:
    """What became of a report from the public: a new report in DCCT's queue, a report merged
    into the open report of the same account, or nothing, because the account is ours (`ours`)."""

    report: ImpersonationReport | None = None
    ours: Account | None = None

    @property
    def merged(self) -> bool:
        return self.report is not None and self.report.merged_into_id is not None


def _open_report_of(reported):
    """The report of this account still being dealt with (locked until the filing commits, so
    that it cannot close unnoticed while a new report joins it), or None."""
    same = Q(address=reported.address)
    if reported.handle_key:
        same |= Q(platform=reported.platform, handle_key=reported.handle_key)
    return (
        ImpersonationReport.objects.select_for_update()
        .filter(same, state__in=OPEN_REPORT_STATES)
        .order_by("created_at")
        .first()
    )


@transaction.atomic
def file_impersonation_report(*, address, looks_official, reporter_email="") -> Filing:
    """A member of the public reports an account pretending to be the Parliament. The address
    is read by the lookup's rules: one of our own official accounts is not filed (the page says
    so); an account already reported and still being dealt with gets no second queue item, the
    report joins the earlier one. DCCT hears of each new report; a reporter who gave an email
    address hears that it arrived."""
    status, account, _ = register.find(address)
    if status == "live":
        return Filing(ours=account)
    reported = register.read_reported(address)
    if not reported.address:
        raise ValidationError({"address": "Give the account's full address."})
    # Written as a browser sends it, a character beyond ASCII takes up to twelve times the room.
    if len(reported.address) > ImpersonationReport._meta.get_field("address").max_length:
        raise ValidationError({"address": "This address is too long for a profile's address."})
    fields = {
        "address": reported.address,
        "platform": reported.platform,
        "handle": reported.handle,
        "handle_key": reported.handle_key,
        "looks_official": looks_official.strip(),
        "reporter_email": (reporter_email or "").strip(),
    }
    earlier = _open_report_of(reported)
    if earlier is None:
        try:
            with transaction.atomic():
                report = ImpersonationReport.objects.create(**fields)
        except IntegrityError:  # reported by somebody else at the same moment
            earlier = _open_report_of(reported)
            if earlier is None:
                raise
        else:
            transitions.notify_after_commit(lambda: _tell_dcct_of_report(report.pk))
    if earlier is not None:
        report = ImpersonationReport.objects.create(
            **fields, state=ReportState.MERGED, merged_into=earlier
        )
    if report.reporter_email:
        transitions.notify_after_commit(lambda: _acknowledge_report(report.pk))
    return Filing(report=report)


def _tell_dcct_of_report(report_id):
    from accounts.tasks import notify_impersonation_report

    notify_impersonation_report.delay(report_id)


def _acknowledge_report(report_id):
    from accounts.tasks import acknowledge_impersonation_report

    acknowledge_impersonation_report.delay(report_id)


def _tell_reporters(report_id):
    from accounts.tasks import tell_impersonation_outcome

    tell_impersonation_outcome.delay(report_id)


def _act_on_report(
    *, report, actor, action, comment="", expected_state=None, prepare=None, record=None
):
    event = transitions.run(
        obj=report,
        action=action,
        actor=actor,
        actor_role="DCCT",
        log=lambda **row: ImpersonationReportEvent.objects.create(report=report, **row),
        comment=comment,
        expected_state=expected_state,
        prepare=prepare,
        record=record,
    )
    if report.state in REPORT_OUTCOMES:
        transitions.notify_after_commit(lambda: _tell_reporters(report.pk))
    return event


@transaction.atomic
def report_to_platform(*, report, actor, case_reference, comment="", expected_state=None):
    """Report to the platform: DCCT has asked the platform to take the account down; the
    platform's case reference is how the case is followed up."""
    case_reference = (case_reference or "").strip()

    def keep_reference():
        if not case_reference:
            raise ValidationError(
                {"case_reference": "Give the platform's case reference, to follow the case up."}
            )
        report.case_reference = case_reference

    comment = (comment or "").strip()
    return _act_on_report(
        report=report,
        actor=actor,
        action="report_to_platform",
        comment=f"The platform's case reference: {case_reference}.\n{comment}".strip(),
        expected_state=expected_state,
        prepare=keep_reference,
    )


mark_taken_down = transitions.step(
    _act_on_report,
    "report",
    "mark_taken_down",
    "Mark as taken down: the platform removed the account. Everyone who reported it is told.",
)

mark_platform_declined = transitions.step(
    _act_on_report,
    "report",
    "mark_platform_declined",
    "The platform declined to act: DCCT reported the account and the platform decided not to "
    "take it down. The platform's answer is required; everyone who reported it is told, with "
    "what they can do.",
)

close_as_not_impersonation = transitions.step(
    _act_on_report,
    "report",
    "close_as_not_impersonation",
    "Not impersonation: DCCT found that the account does not pretend to be the Parliament. "
    "Everyone who reported it is told, with the reason.",
)


REPORT_ACTIONS = {
    "report_to_platform": report_to_platform,
    "mark_taken_down": mark_taken_down,
    "mark_platform_declined": mark_platform_declined,
    "close_as_not_impersonation": close_as_not_impersonation,
}


# --- Retention ---------------------------------------------------------------------------------


def closed_before(day):
    """Accounts closed before `day`, not yet minimised."""
    return Account.objects.filter(
        state=AccountState.CLOSED, closed_on__lt=day, minimised_on__isnull=True
    )


@transaction.atomic
def minimise(*, account_ids, today) -> int:
    """Remove what a long-closed account no longer needs (the retention job,
    portal/retention.py): the free text of its purpose and audience. Its team, closure,
    exit strategy and every step stay on record. Returns how many."""
    return Account.objects.filter(pk__in=account_ids, minimised_on__isnull=True).update(
        **removed("purpose", "audience"), minimised_on=today
    )


def reporters_to_forget(moment):
    """Reports of impersonation dealt with before `moment` that still hold the reporter's
    email address (kept only to tell them the outcome). A report merged into an earlier one
    is dealt with when that one is: its reporter hears that one's outcome."""
    dealt_with = [
        ReportState.RESOLVED,
        ReportState.PLATFORM_DECLINED,
        ReportState.NOT_IMPERSONATION,
    ]
    own = Q(state__in=dealt_with, state_changed_at__lt=moment)
    merged = Q(
        state=ReportState.MERGED,
        merged_into__state__in=dealt_with,
        merged_into__state_changed_at__lt=moment,
    )
    return ImpersonationReport.objects.filter(own | merged).exclude(reporter_email="")


def forget_reporters(*, report_ids) -> int:
    return ImpersonationReport.objects.filter(pk__in=report_ids).update(reporter_email="")
