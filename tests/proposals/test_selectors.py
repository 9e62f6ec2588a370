"""The proposal lists and queues: who sees what waiting, and for how long."""

import pytest

from proposals import selectors, services

pytestmark = pytest.mark.django_db


def test_approved_proposals_wait_in_the_queue_until_set_up(
    make_proposal, dcct, django_capture_on_commit_callbacks
):
    proposal = make_proposal("with_dcct")
    with django_capture_on_commit_callbacks(execute=True):
        services.endorse(proposal=proposal, actor=dcct)

    assert proposal in selectors.dcct_queue()
    services.start_set_up(proposal=proposal, actor=dcct)
    assert proposal not in selectors.dcct_queue()
