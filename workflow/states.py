"""One table per workflow says, for each state, how it looks and what happens next. Pages,
emails and the home page all read the same table, so they never tell a person different things."""

from dataclasses import dataclass
from enum import StrEnum


class Badge(StrEnum):
    """How a state looks: colour and icon always come together, never colour alone."""

    DRAFT = "draft"
    WAITING = "waiting"
    ATTENTION = "attention"
    GOOD = "good"
    ENDED = "ended"
    WORKING = "working"


BADGE_LOOKS = {
    Badge.DRAFT: ("text-bg-light border", "bi-pencil"),
    Badge.WAITING: ("text-bg-info", "bi-hourglass-split"),
    Badge.ATTENTION: ("text-bg-warning", "bi-exclamation-triangle"),
    Badge.GOOD: ("text-bg-success", "bi-check-circle"),
    Badge.ENDED: ("text-bg-secondary", "bi-x-circle"),
    Badge.WORKING: ("text-bg-info", "bi-tools"),
}


@dataclass(frozen=True)
class State:
    badge: Badge
    next_step: str  # the state in words: what happens next, and who does it
    to_do: str = ""  # what its holder is asked to do, on their home page
    holder: str = ""  # who acts next: a role name the model turns into people

    @property
    def badge_class(self) -> str:
        return BADGE_LOOKS[self.badge][0]

    @property
    def icon(self) -> str:
        return BADGE_LOOKS[self.badge][1]


def state_of(obj) -> State:
    """The table row of a workflow object's current state (its model's `STATES`)."""
    return type(obj).STATES[obj.state]
