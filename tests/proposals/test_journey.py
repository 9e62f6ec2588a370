"""The whole journey through the web pages, as the people involved would click it."""

import pytest
from django.core import mail

from proposals.models import Proposal
from tests.factories import (
    WHY_NOT_EXISTING,
    EngagementPriorityFactory,
    PlatformFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def post(client, path, data, expect_redirect=True):
    response = client.post(path, data)
    if expect_redirect:
        assert response.status_code == 302, getattr(response, "context", None) and [
            (form.errors if hasattr(form, "errors") else form)
            for form in (response.context.get("form"), response.context.get("formset"))
            if form is not None
        ]
    return response


def test_draft_to_hec_approving_the_alternative(
    client, staff, office_head, dcct, hec, office, django_capture_on_commit_callbacks
):
    platform = PlatformFactory(slug="tiktok", name="TikTok")
    priority = EngagementPriorityFactory(name="Young people")
    colleague = UserFactory(office=office)

    # The proposer drafts the business case, section by section.
    client.force_login(staff)
    response = post(
        client,
        "/proposals/new/",
        {
            "title": "Holyrood for under-18s",
            "platform": platform.pk,
            "proposed_handle": "@HolyroodU18",
            "start_date": "2027-02-01",
        },
    )
    proposal = Proposal.objects.get()
    base = f"/proposals/{proposal.pk}"
    assert response.url == f"{base}/edit/2/"
    sections = {
        2: {
            "objectives": "Get pupils taking part in committee inquiries.",
            "priorities": [priority.pk],
        },
        3: {"audience": "Pupils aged 14 to 18.", "audience_evidence": "Ofcom 2026 survey."},
        4: {"why_not_existing": WHY_NOT_EXISTING},
        5: {
            "content_types": "Short videos",
            "posting_frequency": "Three a week",
            "content_sources": "Education Service",
            "website_links": "Link in bio",
        },
        6: {
            "hours_per_week": "6",
            "cover_arrangements": "Two editors",
            "monitoring_plan": "Twice a day",
            "response_time": "one_day",
            "team-TOTAL_FORMS": "2",
            "team-INITIAL_FORMS": "0",
            "team-0-email": staff.email,
            "team-0-role": "owner",
            "team-1-email": colleague.email,
            "team-1-role": "moderator",
        },
        7: {
            "review_frequency": "quarterly",
            "kpis-TOTAL_FORMS": "1",
            "kpis-INITIAL_FORMS": "0",
            "kpis-0-metric": "Followers",
            "kpis-0-unit": "followers",
            "kpis-0-target": "800",
            "kpis-0-direction": "higher",
        },
        8: {
            "risks": "Abusive comments",
            "accessibility": "Captions",
            "records_and_data_protection": "No personal data",
        },
        9: {"exit_plan": "Point followers to the corporate account."},
    }
    for number, data in sections.items():
        post(client, f"{base}/edit/{number}/", {**data, "continue": ""})
    assert client.get(f"{base}/").context["missing"] == []

    with django_capture_on_commit_callbacks(execute=True):
        post(client, f"{base}/submit/", {"expected_state": "draft"})
    assert office_head.email in mail.outbox[-1].to

    # The office head approves it in principle.
    client.force_login(office_head)
    assert "Holyrood for under-18s" in client.get("/proposals/awaiting/").text
    post(
        client,
        f"{base}/act/approve_in_principle/",
        {"expected_state": "with_office_head", "comment": "Worth exploring."},
    )

    # DCCT advises against it and offers a campaign instead.
    client.force_login(dcct)
    assert "Holyrood for under-18s" in client.get("/proposals/queue/").text
    post(
        client,
        f"{base}/act/advise_against/",
        {
            "expected_state": "with_dcct",
            "approach": "campaign",
            "recommendation": "A six-week campaign on the corporate TikTok.",
            "rationale": "Same pupils, no new account to resource.",
            "proposer_gets": "Six weekly videos made with DCCT.",
        },
    )

    # The proposer sees both side by side and disagrees.
    client.force_login(staff)
    page = client.get(f"{base}/").text
    assert "A six-week campaign on the corporate TikTok." in page
    assert "Accept alternative" in page and "Disagree" in page
    post(
        client,
        f"{base}/act/disagree/",
        {"expected_state": "alternative_offered", "comment": "Pupils will not find it there."},
    )

    # DCCT escalates with both positions.
    client.force_login(dcct)
    form = client.get(f"{base}/act/escalate/").context["form"]
    assert form.initial["business_area_position"] == "Pupils will not find it there."
    post(
        client,
        f"{base}/act/escalate/",
        {
            "expected_state": "contested",
            "business_area_position": form.initial["business_area_position"],
            "dcct_position": "A campaign tests demand before we commit staff.",
        },
    )

    # HEC sees both positions and the history, and approves the alternative.
    client.force_login(hec)
    page = client.get(f"{base}/").text
    assert "Pupils will not find it there." in page
    assert "A campaign tests demand before we commit staff." in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post(
            client,
            f"{base}/act/approve_alternative/",
            {"expected_state": "escalated", "comment": "Test demand with a campaign first."},
        )

    proposal.refresh_from_db()
    assert (proposal.state, proposal.outcome) == ("approved", "alternative")
    assert list(proposal.decisions.values_list("action", flat=True)) == [
        "submit",
        "approve_in_principle",
        "advise_against",
        "disagree",
        "escalate",
        "approve_alternative",
    ]
    told = {address for message in mail.outbox for address in message.to}
    assert {staff.email, office_head.email} <= told
    assert "Test demand with a campaign first." in mail.outbox[0].body
