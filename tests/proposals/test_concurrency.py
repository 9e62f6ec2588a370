import pytest

from proposals import services
from proposals.models import Decision, Proposal
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_dcct(dcct):
    from people.roles import Role
    from people.services import assign_role

    member = UserFactory(office=dcct.office)
    assign_role(user=member, role=Role.DCCT)
    return member


def test_two_dcct_members_acting_at_once_exactly_one_wins(make_proposal, dcct, second_dcct):
    proposal = make_proposal("with_dcct")
    # Both open the proposal before either acts.
    seen_by_first = Proposal.objects.get(pk=proposal.pk)
    seen_by_second = Proposal.objects.get(pk=proposal.pk)

    services.endorse(proposal=seen_by_first, actor=dcct)
    with pytest.raises(services.ProposalChanged) as changed:
        services.request_changes(
            proposal=seen_by_second, actor=second_dcct, comment="Needs more evidence."
        )

    assert "has changed since you opened it" in str(changed.value)
    proposal.refresh_from_db()
    assert proposal.state == "approved"
    assert list(Decision.objects.filter(proposal=proposal).values_list("action", flat=True)) == [
        "endorse"
    ]


def test_the_same_action_twice_at_once_is_logged_once(make_proposal, dcct, second_dcct):
    proposal = make_proposal("with_dcct")
    seen_by_first = Proposal.objects.get(pk=proposal.pk)
    seen_by_second = Proposal.objects.get(pk=proposal.pk)

    services.endorse(proposal=seen_by_first, actor=dcct)
    with pytest.raises(services.ProposalChanged):
        services.endorse(proposal=seen_by_second, actor=second_dcct)

    assert Decision.objects.filter(proposal=proposal).count() == 1


def test_the_loser_sees_a_clear_message_on_the_page(client, make_proposal, dcct, second_dcct):
    proposal = make_proposal("with_dcct")
    client.force_login(second_dcct)
    page = client.get(f"/proposals/{proposal.pk}/act/request_changes/")
    expected_state = page.context["form"].initial["expected_state"]

    services.endorse(proposal=Proposal.objects.get(pk=proposal.pk), actor=dcct)
    response = client.post(
        f"/proposals/{proposal.pk}/act/request_changes/",
        {"expected_state": expected_state, "comment": "More evidence please."},
        follow=True,
    )

    assert "not possible now" in response.text or "has changed" in response.text
    proposal.refresh_from_db()
    assert proposal.state == "approved"
