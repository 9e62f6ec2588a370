"""The one transition page every workflow uses: unknown actions, stale pages and wrong roles."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_action_the_workflow_does_not_have_is_not_found(client, make_proposal, dcct):
    proposal = make_proposal("with_dcct")
    client.force_login(dcct)

    assert client.get(f"/proposals/{proposal.pk}/act/fly_away/").status_code == 404


def test_an_action_the_state_no_longer_allows_says_so_on_the_object(client, make_proposal, dcct):
    proposal = make_proposal("approved")
    client.force_login(dcct)

    response = client.get(f"/proposals/{proposal.pk}/act/endorse/", follow=True)

    assert response.redirect_chain[-1][0] == proposal.get_absolute_url()
    assert "That is not possible now: the proposal is “Approved”." in response.text


def test_a_decision_posted_from_a_stale_page_says_somebody_acted_first(client, make_proposal, dcct):
    proposal = make_proposal("approved")
    client.force_login(dcct)

    response = client.post(
        f"/proposals/{proposal.pk}/act/endorse/", {"expected_state": "with_dcct"}, follow=True
    )

    assert "has changed since you opened it" in response.text


def test_a_person_without_the_role_is_refused(client, make_proposal, staff):
    proposal = make_proposal("with_dcct")
    client.force_login(staff)

    assert client.get(f"/proposals/{proposal.pk}/act/endorse/").status_code == 403
