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


def is_approver(proposal, user) -> bool:
    """The office head (or, for a head's own proposal, their line manager) chosen at submission."""
    return _signed_in(user) and proposal.approver_id == user.pk and proposal.proposer_id != user.pk


def may_assess(proposal, user) -> bool:
    """DCCT assesses, but never a proposal its member proposed or will help run."""
    return roles.is_dcct(user) and not is_proposer(proposal, user) and not on_team(proposal, user)


def may_decide_escalation(proposal, user) -> bool:
    return roles.is_hec(user) and not is_proposer(proposal, user) and not on_team(proposal, user)


def may_set_up(proposal, user) -> bool:
    return roles.is_dcct(user)


def can_view(proposal, user) -> bool:
    """Drafts are the proposer's (and their named team's, and their approver's once returned);
    submitted proposals are seen by their office, DCCT, HEC and the policy owner."""
    if not _signed_in(user):
        return False
    if is_proposer(proposal, user) or on_team(proposal, user) or proposal.approver_id == user.pk:
        return True
    if proposal.state == "draft":
        return False
    return roles.sees_all_offices(user) or roles.is_member_of(user, proposal.office)


def can_edit(proposal, user) -> bool:
    return is_proposer(proposal, user) and proposal.state in ("draft", "revising")


def can_add_evidence(proposal, user) -> bool:
    return (is_proposer(proposal, user) or on_team(proposal, user)) and proposal.state in (
        "draft",
        "revising",
        "alternative_offered",
        "contested",
    )
