"""Reads for proposal pages; each returns a queryset whose page costs a fixed number of queries."""

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Account, AccountKind, AccountState
from proposals import permissions
from proposals.models import (
    OPEN_STATES,
    STATES,
    AlternativeApproach,
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
    return (
        _listed(Proposal.objects.filter(state=ProposalState.WITH_OFFICE_HEAD))
        .filter(permissions.approvals_for(user))
        .exclude(proposer=user)
        .exclude(team__person=user)
        .order_by("state_changed_at")
    )


def dcct_queue():
    """Open proposals past the office head, and approved ones waiting to be set up, oldest in
    their state first."""
    awaiting_set_up = Q(state=ProposalState.APPROVED) & (
        Q(outcome=Outcome.AS_PROPOSED)
        | Q(outcome=Outcome.ALTERNATIVE, alternative_plans__approach=AlternativeApproach.PILOT)
    )
    in_progress = Q(state__in=OPEN_STATES) & ~Q(state=ProposalState.WITH_OFFICE_HEAD)
    return (
        _listed(Proposal.objects.filter(in_progress | awaiting_set_up))
        .distinct()
        .order_by("state_changed_at")
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
