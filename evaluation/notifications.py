"""Who hears about a review's step, and what they are told: DCCT when the team submits it, the
team and the office head when DCCT assesses it. Likewise for a yearly recertification: DCCT
when an answer is "no", the owners and the office head when it is done."""

from evaluation import permissions
from evaluation.models import (
    RECERTIFICATION_STATES,
    STATES,
    RecertificationEvent,
    RecertificationState,
    ReviewEvent,
    ReviewState,
)
from people import roles
from people.roles import Role
from workflow.notifications import others


def holders(event: ReviewEvent) -> list:
    """Who must act on the review after this step: DCCT assesses a submitted review; a review
    sent back (due again) waits for the account's team."""
    review = event.review
    if event.to_state == ReviewState.SUBMITTED:
        return roles.members_of(Role.DCCT)
    if event.to_state == ReviewState.DUE:
        return [m.person for m in review.account.members.all() if m.removed_on is None]
    return []


def recipients(event: ReviewEvent) -> list:
    review = event.review
    account = review.account
    if event.to_state == ReviewState.SUBMITTED:
        people = roles.members_of(Role.DCCT)
    else:
        people = [m.person for m in account.members.all() if m.removed_on is None]
        people.append(account.office.head)
    return others(people, event.actor_id)


def message(event: ReviewEvent) -> tuple[str, str]:
    review = event.review
    account = review.account
    subject = f"Review of {account}, {review.period_label}: {event.get_to_state_display()}"
    lines = [
        f"{event.actor} ({event.actor_role}) took the step “{event.label}” on the review of "
        f"{account.display_name} for {review.period_label}.",
        STATES[event.to_state].next_step,
    ]
    if event.to_state == ReviewState.ASSESSED:
        lines += ["", f"Outcome: {review.get_outcome_display()}.", "", review.assessment]
        if review.action_plan:
            lines += ["", "Action plan:", review.action_plan]
    return subject, "\n".join(lines)


# --- Yearly recertification ----------------------------------------------------------------------


def recertification_owners(account) -> list:
    """Who is asked to recertify: the account's current owners who can still sign in; without
    one, the office head, who may answer or make somebody owner (permissions.may_recertify).
    Uses a prefetch of the current team where there is one."""
    return permissions.current_owners(account) or [account.office.head]


def recertification_holders(event: RecertificationEvent) -> list:
    """Who must act after this step: DCCT follows up an answer "no"; nobody once it is done."""
    if event.to_state == RecertificationState.NEEDS_FOLLOW_UP:
        return roles.members_of(Role.DCCT)
    return []


def recertification_recipients(event: RecertificationEvent) -> list:
    """DCCT hears of an answer "no" (to follow up); the owners and the office head hear that it
    was recertified, or how DCCT followed it up. A withdrawal tells nobody: the account's
    closing has told them already."""
    recertification = event.recertification
    account = recertification.account
    if event.to_state == RecertificationState.WITHDRAWN:
        return []
    if event.to_state == RecertificationState.NEEDS_FOLLOW_UP:
        people = roles.members_of(Role.DCCT)
    else:
        people = [*recertification_owners(account), account.office.head]
        if recertification.submitted_by is not None:
            people.append(recertification.submitted_by)
    return others(people, event.actor_id)


def recertification_message(event: RecertificationEvent) -> tuple[str, str]:
    recertification = event.recertification
    account = recertification.account
    subject = f"Recertification of {account}: {event.get_to_state_display()}"
    lines = [
        f"{event.actor} ({event.actor_role}) took the step “{event.label}” on the yearly "
        f"recertification of {account.display_name} ({recertification.due_label}).",
        RECERTIFICATION_STATES[event.to_state].next_step,
    ]
    answered_no = [item for item in recertification.answers() if item["answer"] is False]
    if answered_no:
        lines += ["", "Answered no:"]
        lines += [f"- {item['question']}: {item['note']}" for item in answered_no]
    if event.comment:
        lines += ["", "Comments:" if event.action == "submit" else "What DCCT did:", event.comment]
    return subject, "\n".join(lines)
