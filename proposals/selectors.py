"""Reads for proposal pages; each returns a queryset whose page costs a fixed number of queries."""

from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Account, AccountKind, AccountState
from people.models import User
from people.roles import Role
from proposals import permissions
from proposals.models import (
    OPEN_STATES,
    STATES,
    AlternativeApproach,
    AlternativePlan,
    Decision,
    Outcome,
    Proposal,
    ProposalState,
    ProposalTeamMember,
)


def _listed(queryset):
    return queryset.select_related("office", "platform", "proposer")


def my_proposals(user):
    """Proposals this person made or is named in the team of."""
    return _listed(Proposal.objects.filter(permissions.is_proposer_or_team(user))).order_by(
        "-updated_at"
    )


def awaiting_approval(user):
    """What waits for this person's approval in principle, oldest first: their offices'
    proposals, and the proposals of office heads whose line manager they are."""
    waiting = Proposal.objects.filter(state=ProposalState.WITH_OFFICE_HEAD).order_by()
    heads_own, theirs = (
        waiting.filter(route).values("pk") for route in permissions.approval_routes(user)
    )
    return (
        _listed(Proposal.objects.filter(pk__in=heads_own.union(theirs, all=True)))
        .exclude(proposer=user)
        .exclude(team__person=user)
        .order_by("state_changed_at")
    )


def dcct_queue():
    """Open proposals past the office head, and approved ones waiting to be set up, oldest in
    their state first."""
    # An EXISTS, not a join: a join would repeat a proposal per plan and need DISTINCT.
    pilot_agreed = Exists(
        AlternativePlan.objects.filter(
            proposal_id=OuterRef("pk"), approach=AlternativeApproach.PILOT
        )
    )
    awaiting_set_up = Q(state=ProposalState.APPROVED) & (
        Q(outcome=Outcome.AS_PROPOSED) | (Q(outcome=Outcome.ALTERNATIVE) & pilot_agreed)
    )
    in_progress = Q(state__in=[s for s in OPEN_STATES if s != ProposalState.WITH_OFFICE_HEAD])
    return _listed(Proposal.objects.filter(in_progress | awaiting_set_up)).order_by(
        "state_changed_at"
    )


def _states_judged_by(rule) -> list[str]:
    """The states in which the transitions are this rule's to take."""
    field = Proposal._meta.get_field("state")
    return sorted({t.source for t in field.get_all_transitions(Proposal) if t.permission is rule})


def _someone_free(role: Role):
    """A member of `role` who is neither the proposal's proposer nor on its team."""
    on_team = ProposalTeamMember.objects.filter(
        proposal_id=OuterRef(OuterRef("pk")), person_id=OuterRef("pk")
    )
    return Exists(
        User.objects.filter(groups__name=role.value, is_active=True)
        .exclude(pk=OuterRef("proposer_id"))
        .exclude(Exists(on_team))
    )


def nobody_free_to_act():
    """Open proposals nobody may take forward, because everyone who judges them is their
    proposer or on their team: roles changed after the team was settled (the team form and
    submitting refuse such a team). DCCT's dashboard lists them, so none waits silently."""
    approver = Case(
        When(office__head_id=F("proposer_id"), then=F("proposer__line_manager_id")),
        default=F("office__head_id"),
    )
    approving = _states_judged_by(permissions.is_approver)
    # The teams of waiting proposals only: PostgreSQL hashes this once, and every team there
    # has ever been would grow with history.
    approver_on_team = Exists(
        ProposalTeamMember.objects.filter(
            proposal_id=OuterRef("pk"),
            person_id=OuterRef("approver_now"),
            proposal__state__in=approving,
        )
    )
    stuck = (
        (Q(state__in=_states_judged_by(permissions.may_assess)) & ~_someone_free(Role.DCCT))
        | (
            Q(state__in=_states_judged_by(permissions.may_decide_escalation))
            & ~_someone_free(Role.HEC)
        )
        | (Q(state__in=approving) & Q(approver_on_team))
    )
    return _listed(Proposal.objects.annotate(approver_now=approver).filter(stuck)).order_by(
        "state_changed_at"
    )


def proposal_for(user, pk) -> Proposal:
    """The proposal with what its page shows, or 404 for anyone who may not see it (so that
    its existence does not leak)."""
    proposal = get_object_or_404(
        Proposal.objects.select_related(
            "office__head", "platform", "proposer", "approver", "account__platform"
        ).prefetch_related(
            Prefetch("team", queryset=ProposalTeamMember.objects.select_related("person")),
            "priorities",
            "kpis",
        ),
        pk=pk,
    )
    if not permissions.can_view(proposal, user):
        raise Http404("No proposal found")
    return proposal


def timeline(proposal):
    return Decision.objects.filter(proposal=proposal).select_related("actor")


def existing_corporate_accounts(platform):
    """Live corporate accounts on the same platform: the policy says these come first."""
    if platform is None:
        return Account.objects.none()
    return Account.objects.filter(
        platform=platform, state=AccountState.LIVE, kind=AccountKind.CORPORATE
    ).select_related("office")


def _item(proposal):
    """A proposal on someone's "waiting for you" list, with what its holder is asked to do."""
    return {
        "kind": "Proposal",
        "title": f"{proposal.reference} {proposal.title}",
        "url": proposal.get_absolute_url(),
        "what": STATES[proposal.state].to_do,
        "since": proposal.state_changed_at,
        "office": proposal.office,
        "platform": proposal.platform_name,
        "state": proposal.get_state_display(),
    }


def waiting_for(user, limit=50):
    """Every proposal where this person must act next, with what they must do."""
    items = [_item(p) for p in awaiting_approval(user)[:limit]]
    mine = _listed(
        Proposal.objects.filter(proposer=user).filter(
            Q(state__in=[ProposalState.REVISING, ProposalState.ALTERNATIVE_OFFERED])
            | Q(state=ProposalState.DRAFT, submitted_at__isnull=False)
        )
    )[:limit]
    items += [_item(p) for p in mine]
    if permissions.works_dcct_queue(user):
        dcct_states = [state for state, row in STATES.items() if row.holder == "dcct"]
        queue = (
            dcct_queue()
            .filter(state__in=dcct_states)
            .exclude(proposer=user)
            .exclude(team__person=user)
        )[:limit]
        items += [_item(p) for p in queue]
    if permissions.decides_escalations(user):
        escalated = (
            _listed(Proposal.objects.filter(state=ProposalState.ESCALATED))
            .prefetch_related("team")
            .order_by("state_changed_at")[:limit]
        )
        items += [_item(p) for p in escalated if permissions.may_decide_escalation(p, user)]
    return items
