"""Who may do what to a proposal (DESIGN.md section 2). The model's transitions name these as
their `permission=`, the views use them to show only this person's actions, and the services
enforce them: one set of rules for all three."""

from django.db.models import F, Q

from people import roles
from workflow.permissions import refuses


def _signed_in(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


@refuses("Only the proposer can do this.")
def is_proposer(proposal, user) -> bool:
    return _signed_in(user) and proposal.proposer_id == user.pk


def on_team(proposal, user) -> bool:
    return _signed_in(user) and any(member.person_id == user.pk for member in proposal.team.all())


# Who approves a proposal in principle: the office's current head; when the head is the
# proposer, the head's line manager (recorded as such, never silently). It follows a change of
# head while a proposal waits. The permission, the submit service, the approval queue and the
# reminders all read it from here: in Python (approver_of) and in SQL (approval_routes).


def approver_of(proposal):
    """The person who approves this proposal in principle now, or None if nobody is recorded."""
    head = proposal.office.head
    if head is not None and head.pk == proposal.proposer_id:
        return proposal.proposer.line_manager
    return head


def approver_id_of(proposal):
    """As approver_of, reading ids only."""
    head_id = proposal.office.head_id
    if head_id is not None and head_id == proposal.proposer_id:
        return proposal.proposer.line_manager_id
    return head_id


def approves_as(proposal) -> str:
    """The approver's role in words, for the decision log."""
    if proposal.office.head_id == proposal.proposer_id:
        return "Line manager (the proposer heads the office)"
    return "Office head"


def approval_routes(user) -> tuple[Q, Q]:
    """The two ways this person approves proposals in principle, as filters: the proposals of
    office heads whose line manager they are, and their offices' other proposals; never their
    own or ones they are named to help run (the caller excludes those). Each is served by its
    own index, so a queue reads them apart and joins them with a UNION."""
    heads_own = Q(office__head=F("proposer")) & Q(proposer__line_manager=user)
    theirs = Q(office_id__in=roles.offices_headed_ids(user)) & ~Q(office__head=F("proposer"))
    return heads_own, theirs


def approvals_for(user) -> Q:
    """The proposals this person approves in principle (either approval route), as a filter."""
    heads_own, theirs = approval_routes(user)
    return heads_own | theirs


def is_approver(proposal, user) -> bool:
    """Never the proposer, nor anyone named to help run the account."""
    return (
        _signed_in(user)
        and approver_id_of(proposal) == user.pk
        and not is_proposer(proposal, user)
        and not on_team(proposal, user)
    )


def may_assess(proposal, user) -> bool:
    """DCCT assesses, but never a proposal its member proposed or will help run."""
    return roles.is_dcct(user) and not is_proposer(proposal, user) and not on_team(proposal, user)


def may_decide_escalation(proposal, user) -> bool:
    return roles.is_hec(user) and not is_proposer(proposal, user) and not on_team(proposal, user)


# Who judges a proposal may not be on its team (is_approver, may_assess, may_decide_escalation).
# A team that took in every one of them would leave the proposal with nobody free to act.
JUDGES = (
    (roles.Role.DCCT, "DCCT assess it"),
    (roles.Role.HEC, "the Head of Engagement and Communications decides a dispute about it"),
)


def judges_left_out(proposal, team_ids) -> list[str]:
    """Why a team of the people `team_ids` would leave `proposal` with nobody free to judge it:
    its approver on the team, or every DCCT (or HEC) member its proposer or on the team. The
    team form refuses such a team, and submitting checks again; empty when all is well."""
    team_ids = set(team_ids)
    problems = []
    approver = approver_of(proposal)
    if approver is not None and approver.pk in team_ids:
        problems.append(
            f"{approver} approves this proposal in principle ({approves_as(proposal).lower()}), "
            "so cannot also be on its team."
        )
    for role, judging in JUDGES:
        members = {person.pk for person in roles.members_of(role)}
        if members and members <= team_ids | {proposal.proposer_id}:
            problems.append(
                f"Leave at least one member of {role.label} off the team: {judging}, and "
                "nobody on the team may."
            )
    return problems


@refuses("Only people in an office can propose an account.")
def may_propose(user) -> bool:
    return _signed_in(user) and user.office_id is not None


@refuses("Only DCCT, HEC and the policy owner see the proposal queue.")
def may_see_queue(user) -> bool:
    """DCCT works the queue; HEC and the policy owner see it for the overall picture."""
    return roles.sees_all_offices(user)


def may_approve_any(user) -> bool:
    """Heads an office, or is the line manager of someone who does."""
    return roles.is_office_head(user) or roles.manages_a_head(user)


def works_dcct_queue(user) -> bool:
    return roles.is_dcct(user)


def decides_escalations(user) -> bool:
    return roles.is_hec(user)


def may_set_up(proposal, user) -> bool:
    return roles.is_dcct(user)


@refuses("Only the proposer can submit a proposal, while it is a draft.")
def may_submit(proposal, user) -> bool:
    return is_proposer(proposal, user) and proposal.state == "draft"


@refuses("You may not see this proposal.")
def can_view(proposal, user) -> bool:
    """Drafts are the proposer's and their named team's (and, once returned, their approver's);
    submitted proposals are seen by their office, their approver, DCCT, HEC and the policy
    owner. A draft never submitted stays private even after it is withdrawn."""
    if not _signed_in(user):
        return False
    if is_proposer(proposal, user) or on_team(proposal, user):
        return True
    if proposal.submitted_at is None or proposal.state == "draft":
        return proposal.submitted_at is not None and proposal.approver_id == user.pk
    return (
        proposal.approver_id == user.pk
        or is_approver(proposal, user)
        or roles.sees_all_offices(user)
        or roles.is_member_of(user, proposal.office)
    )


def is_proposer_or_team(user) -> Q:
    """The proposals this person made or is named in the team of, as a filter: an IN over a
    UNION of two indexed lookups (an OR with the team's EXISTS would read every proposal)."""
    from proposals.models import Proposal, ProposalTeamMember

    made = Proposal.objects.filter(proposer=user).order_by().values("pk")
    named = ProposalTeamMember.objects.filter(person=user).order_by().values("proposal_id")
    return Q(pk__in=made.union(named, all=True))


def visible_to(user) -> Q:
    """The filter for what can_view allows, for lists and counts."""
    if not _signed_in(user):
        return Q(pk__in=[])
    submitted = Q(submitted_at__isnull=False)
    returned_to_draft = submitted & Q(state="draft") & Q(approver=user)
    if roles.sees_all_offices(user):
        others = Q()
    else:
        office_ids = set(roles.offices_headed_ids(user))
        if user.office_id:
            office_ids.add(user.office_id)
        others = Q(approver=user) | approvals_for(user) | Q(office_id__in=office_ids)
    return is_proposer_or_team(user) | returned_to_draft | (submitted & ~Q(state="draft") & others)


@refuses("Only the proposer can change a draft or a proposal being revised.")
def can_edit(proposal, user) -> bool:
    return is_proposer(proposal, user) and proposal.state in ("draft", "revising")


@refuses("You may not add evidence to this proposal now.")
def can_add_evidence(proposal, user) -> bool:
    return (is_proposer(proposal, user) or on_team(proposal, user)) and proposal.state in (
        "draft",
        "revising",
        "alternative_offered",
        "contested",
    )
