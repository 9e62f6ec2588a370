"""What people type into the proposal pages, however odd: names and titles are one line, dates
fall within the years the policy deals in, a choice is one of those offered, a search is any
text at all. Each is refused with a message beside its field, or read sensibly; never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from proposals.models import Proposal
from tests.factories import EngagementPriorityFactory, PlatformFactory

pytestmark = pytest.mark.django_db
HUGE_ID = "9" * 30


def errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_a_title_with_a_line_break_is_refused_and_nothing_is_kept(client, staff):
    client.force_login(staff)

    response = client.post(
        "/proposals/new/", {"title": "Young\nvoices", "platform": PlatformFactory().pk}
    )

    assert errors(response, "title") == [
        "Keep this to one line of plain text: it contains a line break."
    ]
    assert not Proposal.objects.exists()


def test_a_line_break_pasted_at_the_end_of_a_title_is_let_go(client, staff):
    client.force_login(staff)

    client.post("/proposals/new/", {"title": "Young voices\r\n", "platform": PlatformFactory().pk})

    assert Proposal.objects.get().title == "Young voices"


@pytest.mark.parametrize("field", ["other_platform_name", "proposed_handle"])
def test_the_channel_and_handle_are_one_line_too(client, staff, field):
    client.force_login(staff)
    data = {"title": "Young voices", "platform": "other", "other_platform_name": "Mastodon"}

    response = client.post("/proposals/new/", {**data, field: "Mast\todon"})

    assert errors(response, field) == ["Keep this to one line of plain text: it contains a tab."]
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2100-01-01", "1999-12-31"])
def test_a_start_date_outside_the_years_the_policy_deals_in_is_refused(client, staff, day):
    client.force_login(staff)
    data = {"title": "Young voices", "platform": PlatformFactory().pk, "start_date": day}

    response = client.post("/proposals/new/", data)

    assert errors(response, "start_date") == [
        "Give a date from 1 January 2000 to 31 December 2099."
    ]
    assert not Proposal.objects.exists()


def test_a_priority_id_too_large_for_any_column_is_not_one_of_the_choices(
    client, staff, make_proposal
):
    """SQLite refused a 30-digit id in the priorities' `in` lookup (a 500); it is now simply
    not one of the priorities offered, and nothing is saved."""
    proposal = make_proposal("draft")
    kept = set(proposal.priorities.all())
    client.force_login(staff)

    response = client.post(
        f"/proposals/{proposal.pk}/edit/2/",
        {
            "objectives": "Changed objectives",
            "priorities": [EngagementPriorityFactory().pk, HUGE_ID],
        },
    )

    assert response.status_code == 200
    assert "Select a valid choice" in errors(response, "priorities")[0]
    proposal.refresh_from_db()
    assert (proposal.objectives, set(proposal.priorities.all())) != ("Changed objectives", kept)
    assert proposal.objectives != "Changed objectives"


def test_a_kpi_named_on_two_lines_is_refused_beside_its_row(client, staff, make_proposal):
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = client.post(
        f"/proposals/{proposal.pk}/edit/7/",
        {
            "review_frequency": "quarterly",
            "kpis-TOTAL_FORMS": "1",
            "kpis-INITIAL_FORMS": "0",
            "kpis-0-metric": "Followers\nand friends",
            "kpis-0-unit": "people",
            "kpis-0-target": "500",
            "kpis-0-direction": "higher",
        },
    )

    assert response.status_code == 200
    assert response.context["formset"].errors[0]["metric"] == [
        "Keep this to one line of plain text: it contains a line break."
    ]
    assert list(proposal.kpis.values_list("metric", flat=True)) == ["Followers"]


@pytest.mark.parametrize("q", ["²", "P-²", "١٢٣", HUGE_ID, "P-" + "9" * 19, "9" * 254])
def test_the_queue_search_takes_any_text(client, dcct, make_proposal, q):
    """isdigit() said yes to "²" and int() refused it (a 500)."""
    make_proposal("with_dcct", title="Youth pilot")
    client.force_login(dcct)

    response = client.get("/proposals/queue/", {"q": q})

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []


@pytest.mark.parametrize("q", ["9" * 5000, "x" * 255])
def test_a_search_longer_than_anything_searched_is_refused_beside_the_box(
    client, dcct, make_proposal, q
):
    """SQLite refuses a LIKE pattern over 50,000 bytes (a 500)."""
    make_proposal("with_dcct", title="Youth pilot")
    client.force_login(dcct)

    response = client.get("/proposals/queue/", {"q": q})

    assert response.status_code == 200
    assert "at most 254 characters" in response.context["filter"].form.errors["q"][0]


def test_the_queue_still_finds_a_proposal_by_its_reference(client, dcct, make_proposal):
    proposal = make_proposal("with_dcct", title="Youth pilot")
    client.force_login(dcct)

    response = client.get("/proposals/queue/", {"q": f"p-{proposal.pk}"})

    assert list(response.context["page"].object_list) == [proposal]


def test_an_evidence_description_on_two_lines_is_refused(client, staff, make_proposal):
    proposal = make_proposal("draft")
    client.force_login(staff)
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

    response = client.post(
        f"/proposals/{proposal.pk}/evidence/",
        {"file": SimpleUploadedFile("survey.pdf", pdf), "description": "Survey\nresults"},
        follow=True,
    )

    assert "Keep this to one line of plain text: it contains a line break." in response.text
    assert not proposal.attachments.exists()
