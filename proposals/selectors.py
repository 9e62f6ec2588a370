"""Reads for proposal pages; each returns a queryset whose page costs a fixed number of queries."""

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Account, AccountKind, AccountState
from people import roles
from proposals import permissions
from proposals.models import OPEN_STATES, Decision, Proposal, ProposalState, ProposalTeamMember


def _listed(queryset):
    return queryset.select_related("office", "platform", "proposer")


def visible_proposals(user):
    """Everything this person may see (the same rule as permissions.can_view, as a query)."""
    mine = Q(proposer=user) | Q(team__person=user) | Q(approver=user)
    if roles.sees_all_offices(user):
        others = ~Q(state=ProposalState.DRAFT)
    else:
        office_ids = set(roles.offices_headed_ids(user))
        if user.office_id:
            office_ids.add(user.office_id)
        others = Q(office_id__in=office_ids) & ~Q(state=ProposalState.DRAFT)
    return _listed(Proposal.objects.filter(mine | others).distinct())


def my_proposals(user):
    """Proposals this person made or is named in the team of."""
    return _listed(
        Proposal.objects.filter(Q(proposer=user) | Q(team__person=user)).distinct()
    ).order_by("-updated_at")


def awaiting_approval(user):
    """What waits for this person's approval in principle, oldest first."""
    return _listed(
        Proposal.objects.filter(state=ProposalState.WITH_OFFICE_HEAD, approver=user)
    ).order_by("state_changed_at")


def dcct_queue():
    """Open proposals past the office head, oldest in their state first."""
    return _listed(
        Proposal.objects.filter(state__in=OPEN_STATES).exclude(state=ProposalState.WITH_OFFICE_HEAD)
    ).order_by("state_changed_at")


def may_see_queue(user) -> bool:
    return roles.sees_all_offices(user)


def proposal_for(user, pk) -> Proposal:
    """The proposal with what its page shows, or 404 for anyone who may not see it (so that
    its existence does not leak)."""
    proposal = get_object_or_404(
        Proposal.objects.select_related(
            "office__head", "platform", "proposer", "approver"
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
