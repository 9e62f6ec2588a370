"""Who hears about a decision on a proposal, and what they are told."""

from people import roles
from people.models import User
from people.roles import Role
from proposals import permissions
from proposals.models import STATES, Decision, ProposalState
from workflow.notifications import others

S = ProposalState


def holders(proposal, state=None, teams=None) -> list[User]:
    """Who must act on this proposal in `state` (its current one by default): the state
    table's holder, as people. `teams` (roles.teams()) saves a job reading DCCT and HEC again."""
    holder = STATES[state or proposal.state].holder
    if holder == "approver":
        return [permissions.approver_of(proposal)]
    if holder == "proposer":
        return [proposal.proposer]
    if holder in ("dcct", "hec"):
        return (teams or roles.teams())[holder]
    return []


def recipients(decision: Decision) -> list[User]:
    """Whoever must act next, and the proposer on every decision they did not take
    themselves; HEC's rulings also go to the office head and DCCT; the team hears that set-up
    has started."""
    proposal = decision.proposal
    people = list(holders(proposal, decision.to_state))
    if decision.to_state == S.SET_UP:
        people = [member.person for member in proposal.team.select_related("person")]
    people.append(proposal.proposer)
    if decision.actor_role == "HEC":
        people.append(proposal.approver)
        people.extend(roles.members_of(Role.DCCT))
    return others(people, decision.actor_id)


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
