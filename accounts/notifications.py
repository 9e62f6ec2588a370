"""Who hears about an account's step, and what they are told."""

from accounts.models import STATES, AccountEvent, AccountState
from people import roles
from people.models import User
from people.roles import Role
from workflow.notifications import others

A = AccountState


def business_area(account) -> list[User]:
    """The office head and the account's current owners."""
    owners = [m.person for m in account.current_team() if m.role == "owner"]
    return [account.office.head, *owners]


def holders(account, teams=None) -> list[User]:
    """Who must act on this account now: the state table's holder, as people. `teams`
    (roles.teams()) saves a job reading DCCT and HEC again."""
    teams = teams or roles.teams()
    holder = STATES[account.state].holder
    if holder == "other_side":
        proposed_by_dcct = account.closure_proposed_by == "dcct"
        return business_area(account) if proposed_by_dcct else teams["dcct"]
    if holder == "both_sides":
        return [*business_area(account), *teams["dcct"]]
    if holder in ("dcct", "hec"):
        return teams[holder]
    return []


def recipients(event: AccountEvent) -> list[User]:
    """The business area (team and office head) hears of every step; DCCT of every step of a
    closure; HEC of an escalation. Never the person who took the step."""
    account = event.account
    people = [member.person for member in account.current_team()]
    if account.office.head is not None:
        people.append(account.office.head)
    if event.to_state != A.LIVE or event.from_state == A.CLOSURE_ESCALATED:
        people.extend(roles.members_of(Role.DCCT))
    if event.to_state == A.CLOSURE_ESCALATED:
        people.extend(roles.members_of(Role.HEC))
    return others(people, event.actor_id)


def message(event: AccountEvent) -> tuple[str, str]:
    account = event.account
    subject = f"{account}: {event.get_to_state_display()}"
    lines = [
        f"{event.actor} ({event.actor_role}) took the step “{event.label}” on "
        f"{account.display_name}.",
        STATES[event.to_state].next_step,
    ]
    if event.comment:
        lines += ["", "Their comments:", event.comment]
    return subject, "\n".join(lines)
