"""A proposal acted on from two places at the same moment (two tabs, two colleagues): one
winner, a clear message for the other, and the team rule (policy.MIN_TEAM people) holds. The
first tests run everywhere: a page acting on what it read earlier. Those marked
`on_postgresql` race real threads and connections."""

import pytest
from django.core.exceptions import ValidationError

from people import policy
from proposals import services
from proposals.models import Decision, Proposal, ProposalTeamMember
from tests.factories import ProposalFactory, UserFactory
from tests.proposals.test_views import RESOURCING
from tests.races import at_once, changed_message, meet_before, on_postgresql, signed_in
from workflow import transitions
from workflow.transitions import Changed


def url(proposal, rest=""):
    return f"/proposals/{proposal.pk}/{rest}"


def team_page(client, proposal):
    """What the team section's form posts back as it stands on the page: its rows, with their
    ids."""
    formset = client.get(url(proposal, "edit/6/")).context["formset"]
    rows = formset.forms[: formset.initial_form_count()]
    data = {**RESOURCING, "team-TOTAL_FORMS": str(len(rows)), "team-INITIAL_FORMS": str(len(rows))}
    for number, form in enumerate(rows):
        data[f"team-{number}-id"] = str(form.instance.pk)
        data[f"team-{number}-email"] = form.instance.person.email
        data[f"team-{number}-role"] = form.instance.role
    return data


def add_row(data, person, role):
    """Fill in a new row of the team section, as in one of its empty rows."""
    number = int(data["team-TOTAL_FORMS"])
    data.update(
        {
            f"team-{number}-email": person.email,
            f"team-{number}-role": role,
            "team-TOTAL_FORMS": str(number + 1),
        }
    )
    return data


def team_of(proposal):
    return sorted(
        ProposalTeamMember.objects.filter(proposal=proposal).values_list("person", "role")
    )


@pytest.fixture
def draft(staff, office_head):
    """A complete draft by `staff`, whose office has a head to submit it to: a team of two
    (staff as owner, and an editor)."""
    return ProposalFactory(proposer=staff)


# --- Pages acting on what they read earlier -------------------------------------------------------


@pytest.mark.django_db
def test_a_second_tab_saving_the_team_is_told_to_reload(client, staff, office, draft):
    newcomer, other = UserFactory(office=office), UserFactory(office=office)
    client.force_login(staff)
    first_tab, second_tab = team_page(client, draft), team_page(client, draft)
    add_row(first_tab, newcomer, "editor")
    assert client.post(url(draft, "edit/6/"), first_tab).status_code == 302
    saved = team_of(draft)

    add_row(second_tab, other, "moderator")
    response = client.post(url(draft, "edit/6/"), second_tab)

    assert response.status_code == 200
    assert "saved elsewhere while this page was open" in str(
        response.context["formset"].non_form_errors()
    )
    assert "Reload the page" in response.text
    assert team_of(draft) == saved  # the first tab's newcomer is not undone


@pytest.mark.django_db
def test_a_section_saved_on_a_proposal_submitted_meanwhile_changes_nothing(staff, draft):
    stale = Proposal.objects.get(pk=draft.pk)
    services.submit(proposal=draft, actor=staff)

    with pytest.raises(Changed, match="it is now “With office head”"):
        services.save_section(proposal=stale, actor=staff, fields={"title": "Renamed"})

    assert Proposal.objects.get(pk=draft.pk).title != "Renamed"


@pytest.mark.django_db
def test_a_team_naming_someone_twice_is_refused_and_nothing_changes(staff, draft):
    before = team_of(draft)

    with pytest.raises(ValidationError, match="Name each person once"):
        services.save_section(
            proposal=draft,
            actor=staff,
            fields={},
            team=[{"person": staff, "role": "owner"}, {"person": staff, "role": "editor"}],
        )

    assert team_of(draft) == before


# --- Real races on PostgreSQL ---------------------------------------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_approving_from_two_tabs_at_once_decides_once(make_proposal, office_head):
    proposal = make_proposal("with_office_head")
    data = {"expected_state": transitions.stamp(proposal)}
    tabs = [signed_in(office_head), signed_in(office_head)]

    responses = at_once(
        *(
            lambda tab=tab: tab.post(url(proposal, "act/approve_in_principle/"), data, follow=True)
            for tab in tabs
        )
    )

    assert [response.status_code for response in responses] == [200, 200]
    assert sorted(changed_message(response) for response in responses) == [False, True]
    assert list(Decision.objects.values_list("action", flat=True)) == ["approve_in_principle"]
    assert Proposal.objects.get(pk=proposal.pk).state == "with_dcct"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_endorsing_and_requesting_changes_at_once_make_one_decision(
    make_proposal, dcct, second_dcct
):
    proposal = make_proposal("with_dcct")
    stamp = transitions.stamp(proposal)

    endorsing, requesting = at_once(
        lambda: signed_in(dcct).post(
            url(proposal, "act/endorse/"), {"expected_state": stamp}, follow=True
        ),
        lambda: signed_in(second_dcct).post(
            url(proposal, "act/request_changes/"),
            {"expected_state": stamp, "comment": "Say more about moderation."},
            follow=True,
        ),
    )

    assert endorsing.status_code == requesting.status_code == 200
    assert changed_message(endorsing) != changed_message(requesting)
    decisions = list(Decision.objects.values_list("action", "to_state"))
    assert len(decisions) == 1
    assert Proposal.objects.get(pk=proposal.pk).state == decisions[0][1]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_tabs_adding_the_same_person_at_once_name_them_once(monkeypatch, staff, office, draft):
    """Each save replaces the team; saved at once, one goes after the other (the proposal is
    locked), never both half-way (that was an IntegrityError, a 500)."""
    newcomer = UserFactory(office=office)
    tab = signed_in(staff)
    pages = [team_page(tab, draft), team_page(tab, draft)]
    for page in pages:
        add_row(page, newcomer, "editor")
    meet_before(monkeypatch, (services, "save_section"))

    responses = at_once(
        *(lambda page=page: signed_in(staff).post(url(draft, "edit/6/"), page) for page in pages)
    )

    assert [response.status_code for response in responses] == [302, 302]
    people = [person for person, _ in team_of(draft)]
    assert len(people) == len(set(people)) == 3
    assert newcomer.pk in people


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_submitting_while_the_team_shrinks_never_submits_a_team_too_small(
    monkeypatch, staff, draft
):
    """The proposer submits in one tab as the other saves a team of one: either the submission
    went first (and the save is told the proposal has moved on), or the save did (and the
    submission is refused until the team has policy.MIN_TEAM people)."""
    tab = signed_in(staff)
    shrinking = team_page(tab, draft)
    editor_row = next(n for n in range(2) if shrinking[f"team-{n}-email"] != staff.email)
    shrinking[f"team-{editor_row}-DELETE"] = "on"
    meet_before(monkeypatch, (services, "save_section"), (services, "submit"))

    submitting, saving = at_once(
        lambda: signed_in(staff).post(
            url(draft, "submit/"), {"expected_state": transitions.stamp(draft)}, follow=True
        ),
        lambda: signed_in(staff).post(url(draft, "edit/6/"), shrinking, follow=True),
    )

    assert submitting.status_code == saving.status_code == 200
    draft.refresh_from_db()
    if draft.state == "with_office_head":
        assert draft.team.count() >= policy.MIN_TEAM
        assert changed_message(saving)
    else:
        assert draft.team.count() == 1
        assert f"Name at least {policy.MIN_TEAM} people in the team" in submitting.text
