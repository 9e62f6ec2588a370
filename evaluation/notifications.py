"""Who hears about a review's step, and what they are told: DCCT when the team submits it, the
team and the office head when DCCT assesses it."""

from evaluation.models import STATES, ReviewEvent, ReviewState
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
