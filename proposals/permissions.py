"""Who may do what to a proposal (DESIGN.md section 2). The model's transitions name these as
their `permission=`, the views use them to show only this person's actions, and the services
enforce them: one set of rules for all three."""

from people import roles


def _signed_in(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def is_proposer(proposal, user) -> bool:
    return _signed_in(user) and proposal.proposer_id == user.pk


def on_team(proposal, user) -> bool:
    return _signed_in(user) and any(member.person_id == user.pk for member in proposal.team.all())


def rightful_approver_id(proposal):
    """Who approves in principle now: the office's current head, or, when the head is the
    proposer, the head's line manager. Follows a change of head while a proposal waits."""
    head_id = proposal.office.head_id
    if head_id is not None and head_id == proposal.proposer_id:
        return proposal.proposer.line_manager_id
    return head_id


def is_approver(proposal, user) -> bool:
    """Never the proposer, nor anyone named to help run the account."""
    return (
        _signed_in(user)
        and rightful_approver_id(proposal) == user.pk
        and not is_proposer(proposal, user)
        and not on_team(proposal, user)
    )


def may_assess(proposal, user) -> bool:
    """DCCT assesses, but never a proposal its member proposed or will help run."""
    return roles.is_dcct(user) and not is_proposer(proposal, user) and not on_team(proposal, user)


def may_decide_escalation(proposal, user) -> bool:
    return roles.is_hec(user) and not is_proposer(proposal, user) and not on_team(proposal, user)


def may_set_up(proposal, user) -> bool:
    return roles.is_dcct(user)


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


def can_edit(proposal, user) -> bool:
    return is_proposer(proposal, user) and proposal.state in ("draft", "revising")


def can_add_evidence(proposal, user) -> bool:
    return (is_proposer(proposal, user) or on_team(proposal, user)) and proposal.state in (
        "draft",
        "revising",
        "alternative_offered",
        "contested",
    )
