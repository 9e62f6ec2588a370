"""Every change to a proposal. Each public function is one action from the policy's table
(DESIGN.md section 4): it checks that this person may take it, that the guards hold, runs the
django-fsm transition, writes the Decision and sends the notices once the transaction commits."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_fsm import can_proceed

from accounts import services as accounts_services
from people.roles import Role
from people.services import lock_people
from proposals import evidence, permissions
from proposals.catalogue import ENGAGEMENT_PRIORITIES
from proposals.models import (
    OPEN_STATES,
    STATES,
    AlternativePlan,
    Attachment,
    Comment,
    Decision,
    EngagementPriority,
    Proposal,
    ProposalKPI,
    ProposalState,
    ProposalTeamMember,
)
from proposals.selectors import existing_corporate_accounts
from workflow import transitions
from workflow.models import REMOVED, removed, save_fields
from workflow.permissions import require
from workflow.transitions import NotReady


@transaction.atomic
def load_engagement_priorities() -> int:
    """Create or update the shipped priorities; returns how many were created."""
    created = 0
    for order, (name, description) in enumerate(ENGAGEMENT_PRIORITIES, start=1):
        _, was_created = EngagementPriority.objects.update_or_create(
            name=name, defaults={"description": description, "sort_order": order * 10}
        )
        created += was_created
    return created


# --- Drafting ----------------------------------------------------------------------------------


def _approver_on_submit(proposal: Proposal):
    """Who the proposal goes to (permissions.approver_of), refusing with what to do when
    nobody who can sign in is recorded. Nobody approves their own proposal."""
    approver = permissions.approver_of(proposal)
    heads_it = proposal.office.head_id == proposal.proposer_id
    if approver is None or not approver.is_active or approver.pk == proposal.proposer_id:
        if heads_it:
            raise NotReady(
                [
                    "You head this office, so your own line manager approves your proposal in "
                    "principle. Ask an administrator to record your line manager."
                ]
            )
        raise NotReady(
            [
                f"{proposal.office} has no active office head recorded. Ask an administrator to "
                "record one."
            ]
        )
    return approver


def role_in(proposal: Proposal, transition_role: str) -> str:
    return {
        "proposer": "Proposer",
        "approver": permissions.approves_as(proposal),
        "dcct": "DCCT",
        "hec": "HEC",
    }[transition_role]


# --- Transitions -------------------------------------------------------------------------------


def _act(
    *,
    proposal,
    actor,
    action,
    comment="",
    expected_state=None,
    prepare=None,
    record=None,
    reasons=None,
):
    """Run one transition for `actor` and log it as a Decision; notices go after commit."""
    transition = transitions.transition_of(proposal, action)
    decision = transitions.run(
        obj=proposal,
        action=action,
        actor=actor,
        actor_role=role_in(proposal, transition.custom["role"]) if transition else "",
        log=lambda **row: Decision.objects.create(proposal=proposal, **row),
        comment=comment,
        expected_state=expected_state,
        prepare=prepare,
        record=record,
        not_ready_reasons=reasons
        if reasons is not None
        else lambda: [item for _, item in proposal.missing_items()],  # read behind the lock
    )
    transitions.notify_after_commit(lambda: _notify(decision.pk))
    return decision


def _decision(action: str, doc: str, *, record=None):
    return transitions.step(_act, "proposal", action, doc, record=record)


def _notify(decision_id):
    from proposals.tasks import notify_decision

    notify_decision.delay(decision_id)


def _existing_channels_answered(proposal, response):
    """Existing channels come first: where live corporate accounts are on the same platform,
    the proposer must say why they are not enough."""
    response = (response or "").strip()
    if not response and existing_corporate_accounts(proposal.platform).exists():
        raise ValidationError(
            {
                "existing_accounts_response": "Say why the existing corporate accounts on "
                "this platform cannot reach your audience."
            }
        )
    return response


@transaction.atomic
def submit(*, proposal, actor, existing_accounts_response="", expected_state=None):
    """Submit to office head: the business case is complete and goes for approval in
    principle, to the office head (or, for a head's own proposal, their line manager)."""

    def choose_approver():
        proposal.existing_accounts_response = _existing_channels_answered(
            proposal, existing_accounts_response
        )
        proposal.approver = _approver_on_submit(proposal)
        # Roles may have changed since the team was saved: nobody who judges it may be on it.
        problems = permissions.judges_left_out(
            proposal, proposal.team.values_list("person_id", flat=True)
        )
        if problems:
            raise ValidationError(problems)

    return _act(
        proposal=proposal,
        actor=actor,
        action="submit",
        expected_state=expected_state,
        prepare=choose_approver,
    )


withdraw = _decision(
    "withdraw",
    "Withdraw: the proposer may stop the proposal at any point before a decision.",
)


approve_in_principle = _decision(
    "approve_in_principle",
    "Approve in principle: the office head agrees it may be discussed with DCCT.",
)


return_to_proposer = _decision(
    "return_to_proposer",
    "Return to proposer: the office head sends it back to draft with comments.",
)


decline = _decision(
    "decline",
    "Decline: the office head does not approve it in principle, with a reason.",
)


@transaction.atomic
def endorse(*, proposal, actor, conditions="", comment="", expected_state=None):
    """Endorse: DCCT supports the proposal, optionally with conditions."""

    def record_conditions():
        proposal.conditions = (conditions or "").strip()

    return _act(
        proposal=proposal,
        actor=actor,
        action="endorse",
        comment=comment,
        expected_state=expected_state,
        prepare=record_conditions,
    )


request_changes = _decision(
    "request_changes",
    "Request changes: DCCT asks the proposer to revise the business case.",
)


@transaction.atomic
def resubmit(*, proposal, actor, comment="", expected_state=None):
    """Resubmit: the revised business case goes back to DCCT (existing channels still first,
    even if the platform changed while revising)."""

    def still_answered():
        try:
            _existing_channels_answered(proposal, proposal.existing_accounts_response)
        except ValidationError:
            raise NotReady(
                [
                    "Section 4: say why the live corporate accounts on "
                    f"{proposal.platform_name} are not enough."
                ]
            ) from None

    return _act(
        proposal=proposal,
        actor=actor,
        action="resubmit",
        comment=comment,
        expected_state=expected_state,
        prepare=still_answered,
    )


@transaction.atomic
def advise_against(
    *,
    proposal,
    actor,
    approach,
    recommendation,
    rationale,
    proposer_gets,
    corporate_account=None,
    pilot_end_date=None,
    comment="",
    expected_state=None,
):
    """Advise against: DCCT recommends an alternative plan that better meets the aims. The
    plan is checked before the transition and saved with the decision."""
    plan = AlternativePlan(
        proposal=proposal,
        created_by=actor,
        approach=approach,
        recommendation=recommendation,
        rationale=rationale,
        proposer_gets=proposer_gets,
        corporate_account=corporate_account,
        pilot_end_date=pilot_end_date,
    )

    return _act(
        proposal=proposal,
        actor=actor,
        action="advise_against",
        comment=comment,
        expected_state=expected_state,
        prepare=plan.full_clean,
        record=plan.save,
    )


accept_alternative = _decision(
    "accept_alternative",
    "Accept alternative: the proposer takes DCCT's plan; it is approved as the outcome.",
)


disagree = _decision(
    "disagree",
    "Disagree: the proposer does not accept the alternative and says why.",
)


revise_advice = _decision(
    "revise_advice",
    "Revise advice: DCCT takes a disputed proposal back to reconsider it.",
)


def business_area_position(proposal) -> str:
    """The proposer's latest disagreement, which DCCT's escalation starts from."""
    return transitions.latest_comment(proposal.decisions, "disagree")


escalate = transitions.escalation_step(
    _act,
    "proposal",
    "escalate",
    "Escalate to HEC: DCCT and the business area cannot agree; both positions go to HEC.",
)


def _hec_ruling(action: str, doc: str):
    """HEC's ruling on an escalation: the step, and the open escalation closed with it."""

    def rule(proposal, actor, comment):
        proposal.escalations.rule(ruling=action, reasons=comment, actor=actor)

    return _decision(action, doc, record=rule)


approve_as_proposed = _hec_ruling(
    "approve_as_proposed", "Approve as proposed: HEC sides with the business area."
)
approve_alternative = _hec_ruling(
    "approve_alternative", "Approve alternative: HEC sides with DCCT's alternative plan."
)
reject = _hec_ruling("reject", "Reject: HEC decides that neither goes ahead.")
refer_back = _hec_ruling("refer_back", "Refer back to DCCT: HEC asks DCCT to work on it further.")


@transaction.atomic
def start_set_up(*, proposal, actor, platform=None, comment="", expected_state=None):
    """Start set-up: DCCT creates the account, in set-up, from the approved proposal. A
    proposal for a new channel is set up on the catalogue platform DCCT chooses (`platform`),
    recorded with the decision."""
    comment = (comment or "").strip()
    if proposal.platform_id is None and platform is not None:
        named = f" (proposed as “{proposal.other_platform_name}”)"
        comment = f"Set up on {platform}{named if proposal.other_platform_name else ''}. {comment}"

    def pilot_ends():
        if proposal.platform_id is None:
            if platform is not None and (platform.internal or not platform.active):
                raise ValidationError(
                    {"platform": f"{platform} is not offered for new accounts: choose another."}
                )
            if platform is None:
                raise ValidationError(
                    {
                        "platform": "Choose the platform from the catalogue; add the new "
                        "channel to the catalogue first if it is not there."
                    }
                )
            proposal.platform = platform
        plan = proposal.current_alternative if proposal.outcome == "alternative" else None
        if plan is not None and plan.pilot_end_date and not proposal.end_date:
            proposal.end_date = plan.pilot_end_date

    # The team's people before the proposal, in the order a leaver's departure locks them
    # (people.services.lock_people); the team is read again behind the proposal's lock.
    lock_people(proposal.team.values_list("person_id", flat=True))
    return _act(
        proposal=proposal,
        actor=actor,
        action="start_set_up",
        comment=comment,
        expected_state=expected_state,
        prepare=pilot_ends,
        record=lambda: accounts_services.open_for_set_up(proposal=proposal, actor=actor),
        reasons=["Only a proposal approved for a new account is set up."],
    )


ACTIONS = {
    "submit": submit,
    "withdraw": withdraw,
    "approve_in_principle": approve_in_principle,
    "return_to_proposer": return_to_proposer,
    "decline": decline,
    "endorse": endorse,
    "request_changes": request_changes,
    "resubmit": resubmit,
    "advise_against": advise_against,
    "accept_alternative": accept_alternative,
    "disagree": disagree,
    "revise_advice": revise_advice,
    "escalate": escalate,
    "approve_as_proposed": approve_as_proposed,
    "approve_alternative": approve_alternative,
    "reject": reject,
    "refer_back": refer_back,
    "start_set_up": start_set_up,
}


# --- Drafts, evidence and comments --------------------------------------------------------------


@transaction.atomic
def save_section(*, proposal, actor, fields: dict, team=None, kpis=None) -> None:
    """Save one section of a draft business case; incomplete is fine, invalid is not.

    `fields` are the section's own; `team` (section 6) and `kpis` (section 7), when given,
    replace the lists: dicts of person and role, or of metric, unit, target and direction.

    Behind the proposal's lock (transitions.lock), which submitting takes too: a section saved
    at the same moment from another tab is saved before or after this one, never half, and a
    proposal submitted meanwhile is no longer changed (Changed)."""
    if transitions.lock(proposal) != proposal.state:
        transitions.reload_state(proposal)
        raise transitions.Changed(proposal)
    require(permissions.can_edit, proposal, actor)
    if team is not None and len({row["person"].pk for row in team}) != len(team):
        raise ValidationError("Name each person once.")
    if team is not None:
        problems = permissions.judges_left_out(proposal, [row["person"].pk for row in team])
        if problems:
            raise ValidationError(problems)
    save_fields(proposal, fields)
    if team is not None:
        proposal.team.all().delete()
        ProposalTeamMember.objects.bulk_create(
            ProposalTeamMember(proposal=proposal, **row) for row in team
        )
    if kpis is not None:
        proposal.kpis.all().delete()
        ProposalKPI.objects.bulk_create(ProposalKPI(proposal=proposal, **row) for row in kpis)


@transaction.atomic
def create_draft(*, proposer, **fields) -> Proposal:
    require(permissions.may_propose, proposer)
    proposal = Proposal(proposer=proposer, office=proposer.office, **fields)
    proposal.full_clean(exclude=["approver", "state"])
    proposal.save()
    return proposal


@transaction.atomic
def add_comment(*, proposal, author, body) -> Comment:
    require(permissions.can_view, proposal, author)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a comment before posting it."})
    return Comment.objects.create(proposal=proposal, author=author, body=body)


@transaction.atomic
def add_evidence(*, proposal, actor, upload, description="") -> Attachment:
    """Attach evidence to the business case. Whoever calls, the file is checked here: its size,
    its name (cleaned, and kept only to show) and its type, read from its own bytes, never from
    its name or the browser's word; it is stored under a generated name with that type's
    extension (proposals/evidence.py)."""
    require(permissions.can_add_evidence, proposal, actor)
    try:
        evidence.check_size(upload)
        name = evidence.display_name(upload.name)
        kind = evidence.detect_type(upload)
    except ValidationError as error:
        raise ValidationError({"file": error}) from None
    return Attachment.objects.create(
        proposal=proposal,
        file=upload,
        original_name=name,
        content_type=kind.mime,
        size=upload.size,
        description=description,
        uploaded_by=actor,
    )


# --- Leavers -----------------------------------------------------------------------------------

LEFT = "Left the organisation"


@transaction.atomic
def approver_left(*, person, actor=None, **kwargs) -> list[Proposal]:
    """A person left (people.signals.person_left), after the offices they headed were given an
    acting head: each proposal waiting for their approval in principle now waits for whoever
    approves it now (permissions.approver_of: the acting head, or a head's line manager). Where
    nobody who can approve it is recorded, it says so, and administrators are told to record
    one. Each is logged on the proposal (by whoever deactivated them or, where nobody signed in
    did, by the leaver), and the new approver and the proposer are told."""
    moved = []
    for pk in _awaiting_approval_of(person).order_by("pk").values_list("pk", flat=True):
        proposal = Proposal.objects.select_related("office__head", "proposer__line_manager").get(
            pk=pk
        )
        transitions.lock(proposal)
        if proposal.state != ProposalState.WITH_OFFICE_HEAD or proposal.approver_id != person.pk:
            continue  # decided, or moved, meanwhile
        approver = permissions.approver_of(proposal)
        can = (
            approver is not None
            and approver.is_active
            and approver.pk != proposal.proposer_id
            and not permissions.on_team(proposal, approver)
        )
        if can:
            proposal.approver = approver
            proposal.save(update_fields=["approver"])
            comment = (
                f"{person} has left the organisation: the approval in principle now waits for "
                f"{approver} ({permissions.approves_as(proposal).lower()})."
            )
        else:
            comment = (
                f"{person} has left the organisation, and nobody who can approve this proposal "
                "in principle is recorded: an administrator records the office head (or the "
                "head's line manager)."
            )
        Decision.objects.create(
            proposal=proposal,
            actor=actor or person,
            actor_role="Administrator" if actor else LEFT,
            action="approver_left",
            from_state=proposal.state,
            to_state=proposal.state,
            comment=comment,
        )
        moved.append(proposal)
        transitions.notify_after_commit(
            lambda pk=proposal.pk, found=can: _tell_of_approver_left(pk, person.pk, found)
        )
    return moved


# Proposals still under way: drafts, open ones, and approved ones waiting to be set up as a new
# account. Their proposer may still be needed, and their named team is the team the account
# will be set up with.
UNDER_WAY = (ProposalState.DRAFT, *OPEN_STATES)
UNFINISHED = Q(state__in=UNDER_WAY) | Q(state=ProposalState.APPROVED, for_new_account=True)


def _unfinished(proposal) -> bool:
    """UNFINISHED, of a proposal already read (and locked)."""
    return proposal.state in UNDER_WAY or (
        proposal.state == ProposalState.APPROVED and proposal.for_new_account
    )


@transaction.atomic
def leaver_left_proposals(*, person, actor=None) -> None:
    """A person left (people.signals.leaving_approvals): the approvals waiting for them move on
    (`approver_left`), then the proposals they made or are named on (`proposer_left`). Every
    proposal either touches is locked first, in one order, so that two people leaving at once
    never wait for each other's proposals."""
    ids = {
        *_awaiting_approval_of(person).values_list("pk", flat=True),
        *_of_leaver(person).values_list("pk", flat=True),
    }
    list(Proposal.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
    approver_left(person=person, actor=actor)
    proposer_left(person=person, actor=actor)


def _awaiting_approval_of(person):
    """The proposals waiting for `person`'s approval in principle."""
    return Proposal.objects.filter(state=ProposalState.WITH_OFFICE_HEAD, approver=person)


def _of_leaver(person):
    """The proposals still under way that `person` made or is named on the team of."""
    named = ProposalTeamMember.objects.filter(person=person).values("proposal_id")
    return Proposal.objects.filter(UNFINISHED & (Q(proposer=person) | Q(pk__in=named)))


@transaction.atomic
def proposer_left(*, person, actor=None, **kwargs) -> list[Proposal]:
    """A person left, after their approvals moved on: on every proposal still under way they
    leave its named team (its account would otherwise be set up with them on it), and a
    proposal they made passes to whoever carries it on (`_carrier`). With nobody to, it is
    withdrawn where it waits for its proposer or office head; where DCCT or HEC are deciding
    it, it stays with them, who are told. Each change is logged on the proposal (by whoever
    deactivated them or, where nobody signed in did, by the leaver), and the people concerned
    are told. Returns the proposals that changed."""
    changed = []
    for pk in _of_leaver(person).order_by("pk").values_list("pk", flat=True):
        proposal = Proposal.objects.select_related("office__head", "proposer").get(pk=pk)
        transitions.lock(proposal)
        if not _unfinished(proposal):
            continue  # set up, or ended, meanwhile
        notes, outcome = [], "member"
        if proposal.team.filter(person=person).delete()[0]:
            notes.append(f"{person} has left the organisation and is no longer on its team.")
        if proposal.proposer_id == person.pk:
            carrier = _carrier(proposal, person)
            if carrier is not None:
                proposal.started_by = proposal.starter
                proposal.proposer = carrier
                proposal.save(update_fields=["started_by", "proposer"])
                notes.append(f"{person} made it and has left: {carrier} carries it on now.")
                outcome = "carried"
            elif can_proceed(proposal.withdraw):
                notes.append(
                    f"{person} made it and has left, and nobody still here could carry it on: "
                    "withdrawn."
                )
                outcome = "withdrawn"
            else:
                notes.append(
                    f"{person} made it and has left, and nobody still here could carry it on. "
                    f"It is with {_deciding_team(proposal).value}, who decide it without them."
                )
                outcome = "nobody"
        from_state = proposal.state
        if outcome == "withdrawn":
            proposal.withdraw()
            proposal.state_changed_at = timezone.now()
            proposal.save()
        Decision.objects.create(
            proposal=proposal,
            actor=actor or person,
            actor_role="Administrator" if actor else LEFT,
            # A withdrawal is counted as one (the reports, the time at each stage).
            action={"withdrawn": "withdraw", "member": "member_left"}.get(outcome, "proposer_left"),
            from_state=from_state,
            to_state=proposal.state,
            comment=" ".join(notes),
        )
        changed.append(proposal)
        transitions.notify_after_commit(
            lambda pk=proposal.pk, outcome=outcome: _tell_of_proposer_left(pk, person.pk, outcome)
        )
    return changed


def _deciding_team(proposal) -> Role:
    """The team deciding a proposal that waits for neither its proposer nor its approver."""
    return Role.HEC if STATES[proposal.state].holder == "hec" else Role.DCCT


def _carrier(proposal, leaver):
    """Who carries on a leaver's proposal: the first active person still named on its team
    (its owner-to-be first), else the leaver's line manager, else its office's head; for a
    draft never submitted, which nobody else has seen, only its team. Never somebody who would
    leave it with nobody free to judge it (its approver now; the only member of DCCT or HEC
    not on its team: permissions.judges_left_out)."""
    owners_first = sorted(
        proposal.team.select_related("person").order_by("pk"),
        key=lambda member: member.role != ProposalTeamMember.Role.OWNER,
    )
    candidates = [member.person for member in owners_first]
    if proposal.submitted_at is not None:
        line_manager = leaver.line_manager if leaver.line_manager_id else None
        candidates += [line_manager, proposal.office.head]
    team_ids = {member.person_id for member in owners_first}
    approver_id = (
        permissions.approver_id_of(proposal)
        if proposal.state == ProposalState.WITH_OFFICE_HEAD
        else None
    )
    already = set(permissions.judges_left_out(proposal, team_ids))
    for person in candidates:
        if person is None or not person.is_active or person.pk in (leaver.pk, approver_id):
            continue
        proposal.proposer = person
        left_out = set(permissions.judges_left_out(proposal, team_ids)) - already
        proposal.proposer = leaver
        if not left_out:
            return person
    return None


def _tell_of_proposer_left(proposal_id, leaver_id, outcome) -> int:
    """Tell whoever carries the proposal on (to act, where it waits for its proposer), or its
    proposer that a member of its team has left, or, where nobody carries it on, whoever was
    to decide it; and those who can see it: its team and, once submitted, its approver (a
    returned draft) or office head."""
    from people import policy, roles
    from people.models import User
    from workflow.notifications import others, tell

    proposal = Proposal.objects.select_related("proposer", "approver", "office__head").get(
        pk=proposal_id
    )
    leaver = User.objects.get(pk=leaver_id)
    team = [member.person for member in proposal.team.select_related("person")]
    named = f"{proposal.reference} {proposal.title}"
    people, must_act = list(team), []
    if proposal.submitted_at is not None:
        draft = proposal.state == ProposalState.DRAFT
        people.append(proposal.approver if draft else proposal.office.head)
    if outcome == "carried":
        body = (
            f"{leaver} has left the organisation. {proposal.proposer} now carries on {named} "
            f"in their place ({proposal.get_state_display().lower()})."
        )
        people.append(proposal.proposer)
        if STATES[proposal.state].holder == "proposer":
            must_act = [proposal.proposer]
    elif outcome == "member":
        body = f"{leaver} has left the organisation and is no longer named on the team of {named}."
        if len(team) < policy.MIN_TEAM and permissions.can_edit(proposal, proposal.proposer):
            body += f" Its team needs at least {policy.MIN_TEAM} people named before it goes on."
        people.append(proposal.proposer)
    elif outcome == "withdrawn":
        body = (
            f"{leaver} has left the organisation. They made {named}, and nobody still here "
            "could carry it on, so it has been withdrawn."
        )
        people.append(proposal.approver)
    else:
        holder = _deciding_team(proposal)
        body = (
            f"{leaver} has left the organisation. They made {named}, and nobody still here "
            f"could carry it on. It is with {holder.label}, who decide it without them: "
            "changes asked for, or an alternative offered, would wait for nobody."
        )
        must_act = roles.members_of(holder)
        people += must_act
    return tell(
        f"leaver:{leaver_id}:made:{proposal_id}",
        others(people, leaver_id),
        f"{proposal.reference}: {leaver} has left",
        body,
        proposal.get_absolute_url(),
        must_act=must_act,
    )


def _tell_of_approver_left(proposal_id, leaver_id, found) -> int:
    from people import roles
    from people.models import User
    from people.roles import Role
    from workflow.notifications import others, tell

    proposal = Proposal.objects.select_related("proposer", "approver", "office").get(pk=proposal_id)
    leaver = User.objects.get(pk=leaver_id)
    subject = f"{proposal.reference}: {leaver} has left"
    if found:
        body = (
            f"{leaver} has left the organisation. {proposal.reference} {proposal.title} now "
            f"waits for {proposal.approver} to approve it in principle."
        )
        people, must_act = [proposal.proposer, proposal.approver], [proposal.approver]
    else:
        body = (
            f"{leaver} has left the organisation, and nobody who can approve "
            f"{proposal.reference} {proposal.title} in principle is recorded for "
            f"{proposal.office}. An administrator records the office head."
        )
        administrators = roles.members_of(Role.ADMINISTRATOR)
        people, must_act = [proposal.proposer, *administrators], administrators
    return tell(
        f"leaver:{leaver_id}:proposal:{proposal_id}",
        others(people, None),
        " ".join(subject.split()),
        body,
        proposal.get_absolute_url(),
        must_act=must_act,
    )


# --- Retention ---------------------------------------------------------------------------------

# The business case's answers in the proposer's own words, where personal details may be:
# removed. The title, platform, office, team, KPIs and every decision stay.
NARRATIVE = (
    "objectives",
    "audience",
    "audience_evidence",
    "why_not_existing",
    "existing_accounts_response",
    "content_types",
    "content_sources",
    "website_links",
    "cover_arrangements",
    "monitoring_plan",
    "risks",
    "accessibility",
    "records_and_data_protection",
    "exit_plan",
    "conditions",
)
ENDED = (ProposalState.WITHDRAWN, ProposalState.DECLINED, ProposalState.REJECTED)


def ended_before(moment):
    """Proposals withdrawn, declined or rejected before `moment`, not yet minimised."""
    return Proposal.objects.filter(
        state__in=ENDED, state_changed_at__lt=moment, minimised_on__isnull=True
    )


@transaction.atomic
def minimise(*, proposal_ids, today) -> dict[str, int]:
    """Remove what an ended proposal no longer needs (the retention job, portal/retention.py):
    its attachments (the files once this commits), the free text of its business case and its
    comments. Returns how many of each."""
    proposals = Proposal.objects.filter(pk__in=proposal_ids, minimised_on__isnull=True)
    ids = list(proposals.select_for_update().values_list("pk", flat=True))
    attachments = Attachment.objects.filter(proposal_id__in=ids)
    files = list(attachments.values_list("file", flat=True))
    removed_attachments, _ = attachments.delete()
    comments = Comment.objects.filter(proposal_id__in=ids).exclude(body=REMOVED)
    removed_comments = comments.update(body=REMOVED)
    Proposal.objects.filter(pk__in=ids).update(**removed(*NARRATIVE), minimised_on=today)
    storage = Attachment._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in files if name])
    return {"proposals": len(ids), "attachments": removed_attachments, "comments": removed_comments}
