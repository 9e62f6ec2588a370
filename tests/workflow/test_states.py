"""Every state of every workflow has its row in the state table that pages, emails and the home
page read; every state someone holds says what they are asked to do."""

import pytest

from accounts.models import (
    OPEN_REPORT_STATES,
    REPORT_TARGETS,
    Account,
    AccountState,
    ImpersonationReport,
    ReportState,
)
from evaluation.models import Recertification, RecertificationState, Review, ReviewState
from proposals.models import Proposal, ProposalState
from workflow.states import BADGE_LOOKS, Badge

WORKFLOWS = [
    (Proposal, ProposalState),
    (Account, AccountState),
    (Review, ReviewState),
    (Recertification, RecertificationState),
    (ImpersonationReport, ReportState),
]


@pytest.mark.parametrize(("model", "states"), WORKFLOWS)
def test_each_state_has_a_row(model, states):
    assert set(model.STATES) == set(states.values)
    for state in states.values:
        row = model.STATES[state]
        assert row.next_step.endswith("."), state
        assert bool(row.to_do) == bool(row.holder), state


def test_dcct_holds_every_report_still_being_dealt_with_and_each_has_a_target(settings):
    """So that each shows on DCCT's home page, marked once it has waited too long."""
    held = {state: ImpersonationReport.STATES[state].holder for state in ReportState.values}

    assert {state for state, holder in held.items() if holder} == set(OPEN_REPORT_STATES)
    assert {held[state] for state in OPEN_REPORT_STATES} == {"dcct"}
    assert set(REPORT_TARGETS) == set(OPEN_REPORT_STATES)
    assert all(key in settings.WORKFLOW_TARGET_DAYS for key in REPORT_TARGETS.values())


def test_each_badge_has_a_colour_and_an_icon():
    assert set(BADGE_LOOKS) == set(Badge)
    assert all(icon.startswith("bi-") for _, icon in BADGE_LOOKS.values())
