"""Who hears about a decision on a proposal, and what they are told."""

from people import roles
from people.models import User
from people.roles import Role
from proposals.models import STATES, Decision, ProposalState

S = ProposalState


def recipients(decision: Decision) -> list[User]:
    """Whoever must act next, and the proposer on every decision they did not take
    themselves; HEC's rulings also go to the office head and DCCT."""
    proposal = decision.proposal
    people = []
    state = decision.to_state
    if state == S.WITH_OFFICE_HEAD:
        people.append(proposal.approver)
    elif state in (S.WITH_DCCT, S.CONTESTED, S.APPROVED):
        people.extend(roles.members_of(Role.DCCT))
    elif state == S.ESCALATED:
        people.extend(roles.members_of(Role.HEC))
    elif state == S.SET_UP:
        people.extend(member.person for member in proposal.team.select_related("person"))
    people.append(proposal.proposer)
    if decision.actor_role == "HEC":
        people.append(proposal.approver)
        people.extend(roles.members_of(Role.DCCT))
    seen = set()
    unique = []
    for person in people:
        if person is None or person.pk == decision.actor_id or person.pk in seen:
            continue
        if person.pk == proposal.proposer_id or person.is_active:
            seen.add(person.pk)
            unique.append(person)
    return unique


def message(decision: Decision) -> tuple[str, str]:
    proposal = decision.proposal
    title = " ".join(proposal.title.split())  # a line break in a subject is refused by email
    subject = f"{proposal.reference} {title}: {decision.get_to_state_display()}"
    lines = [
        f"{decision.actor} ({decision.actor_role}) took the action "
        f"“{decision.label}” on {proposal.reference} {proposal.title}.",
        STATES[decision.to_state].next_step,
    ]
    if decision.comment:
        lines += ["", "Their comments:", decision.comment]
    return subject, "\n".join(lines)
