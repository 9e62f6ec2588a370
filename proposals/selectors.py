"""Reads for proposal pages; each returns a queryset whose page costs a fixed number of queries."""

from collections import defaultdict

from django.db.models import Case, F, Prefetch, Q, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Account, AccountKind, AccountState
from people.models import User
from people.roles import Role
from proposals import permissions
from proposals.models import (
    DCCT_QUEUE,
    STATES,
    Decision,
    Proposal,
    ProposalState,
    ProposalTeamMember,
)
from workflow.planning import joins_as_written
from workflow.waiting import Kind, Source


def _listed(queryset):
    return queryset.select_related("office", "platform", "proposer")


def my_proposals(user):
    """Proposals this person made or is named in the team of."""
    return _listed(Proposal.objects.filter(permissions.is_proposer_or_team(user))).order_by(
        "-updated_at", "-pk"
    )


def _not_theirs(proposals, user):
    """Without the proposals this person proposed or is on the team of: nobody judges their
    own (is_approver, may_assess, may_decide_escalation)."""
    return proposals.exclude(permissions.is_proposer_or_team(user))


def awaiting_approval(user):
    """What waits for this person's approval in principle, oldest first: their offices'
    proposals, and the proposals of office heads whose line manager they are."""
    waiting = Proposal.objects.filter(state=ProposalState.WITH_OFFICE_HEAD).order_by()
    heads_own, theirs = (
        waiting.filter(route).values("pk") for route in permissions.approval_routes(user)
    )
    waiting_for_them = Proposal.objects.filter(pk__in=heads_own.union(theirs, all=True))
    return _listed(_not_theirs(waiting_for_them, user)).order_by("state_changed_at", "pk")


def dcct_queue():
    """Open proposals past the office head, and approved ones waiting to be set up, oldest in
    their state first."""
    return _listed(Proposal.objects.filter(DCCT_QUEUE)).order_by("state_changed_at", "pk")


def _states_judged_by(rule) -> list[str]:
    """The states in which the transitions are this rule's to take."""
    field = Proposal._meta.get_field("state")
    return sorted({t.source for t in field.get_all_transitions(Proposal) if t.permission is rule})


def _nobody_free(role: Role, states) -> list[int]:
    """The proposals in `states` that no active member of `role` may judge, because each is
    the proposer or on the team. Read from the few proposals those members are on (a role has
    a handful of members), never by testing every open proposal."""
    judges = set(
        User.objects.filter(groups__name=role.value, is_active=True).values_list("pk", flat=True)
    )
    waiting = Proposal.objects.filter(state__in=states)
    if not judges:
        return list(waiting.values_list("pk", flat=True))
    barred = defaultdict(set)
    on_teams = ProposalTeamMember.objects.filter(
        proposal__state__in=states, person_id__in=judges
    ).order_by()  # not the team's display order, which joins each person
    for proposal_id, person_id in on_teams.values_list("proposal_id", "person_id"):
        barred[proposal_id].add(person_id)
    for proposal_id, proposer_id in waiting.filter(proposer_id__in=judges).values_list(
        "pk", "proposer_id"
    ):
        barred[proposal_id].add(proposer_id)
    return [pk for pk, people in barred.items() if people >= judges]


def _approver_on_team(states) -> list[int]:
    """The proposals in `states` whose approver (the office head, or the proposer's line
    manager when the proposer is the head) is on the team, found from the waiting teams."""
    approver = Case(
        When(
            proposal__office__head_id=F("proposal__proposer_id"),
            then=F("proposal__proposer__line_manager_id"),
        ),
        default=F("proposal__office__head_id"),
    )
    return list(
        ProposalTeamMember.objects.filter(proposal__state__in=states)
        .annotate(approver=approver)
        .filter(person_id=F("approver"))
        .order_by()
        .values_list("proposal_id", flat=True)
    )


def nobody_free_to_act():
    """Open proposals nobody may take forward, because everyone who judges them is their
    proposer or on their team: roles changed after the team was settled (the team form and
    submitting refuse such a team). DCCT's dashboard lists them, so none waits silently."""
    stuck = [
        *_nobody_free(Role.DCCT, _states_judged_by(permissions.may_assess)),
        *_nobody_free(Role.HEC, _states_judged_by(permissions.may_decide_escalation)),
        *_approver_on_team(_states_judged_by(permissions.is_approver)),
    ]
    return _listed(Proposal.objects.filter(pk__in=stuck)).order_by("state_changed_at")


def proposal_for(user, pk) -> Proposal:
    """The proposal with what its page shows, or 404 for anyone who may not see it (so that
    its existence does not leak)."""
    with joins_as_written():
        proposal = get_object_or_404(
            Proposal.objects.select_related(
                "office__head",
                "platform",
                "proposer",
                "started_by",
                "approver",
                "account__platform",
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


def _item(proposal, user):
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


WAITING = Kind("proposal", Proposal, _item, related=("office", "platform", "proposer"))


def waiting_for(user) -> list[Source]:
    """The proposals where this person must act next: to approve, to revise or resubmit their
    own, to assess (DCCT) and to decide (HEC), each with the rule its action uses."""
    mine = Proposal.objects.filter(proposer=user).filter(
        Q(state__in=[ProposalState.REVISING, ProposalState.ALTERNATIVE_OFFERED])
        | Q(state=ProposalState.DRAFT, submitted_at__isnull=False)
    )
    sources = [Source(WAITING, awaiting_approval(user)), Source(WAITING, mine)]
    if permissions.works_dcct_queue(user):
        # DCCT assesses only what none of them proposed or will help run (may_assess); any of
        # them sets up an approved account (may_set_up), theirs too.
        to_assess = [
            state
            for state, row in STATES.items()
            if row.holder == "dcct" and state != ProposalState.APPROVED
        ]
        sources += [
            Source(WAITING, _not_theirs(dcct_queue().filter(state__in=to_assess), user)),
            Source(WAITING, dcct_queue().filter(state=ProposalState.APPROVED)),
        ]
    if permissions.decides_escalations(user):
        escalated = Proposal.objects.filter(state=ProposalState.ESCALATED)
        sources.append(Source(WAITING, _not_theirs(escalated, user)))
    return sources
