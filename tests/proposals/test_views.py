"""Proposal pages: the business case section by section, submission, each decision's page,
comments and evidence, for every role, and bad input refused."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from proposals import services
from proposals.models import Attachment, Decision, Proposal
from tests.factories import AccountFactory, PlatformFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(proposal, rest=""):
    return f"/proposals/{proposal.pk}/{rest}"


# --- Creating a draft ---------------------------------------------------------------------------


def test_staff_member_starts_a_draft(client, staff):
    platform = PlatformFactory()
    client.force_login(staff)

    response = client.post(
        "/proposals/new/",
        {"title": "Young voices", "platform": platform.pk, "proposed_handle": "@YoungVoices"},
    )

    proposal = Proposal.objects.get()
    assert response.url == url(proposal, "edit/2/")
    assert (proposal.proposer, proposal.office, proposal.state) == (staff, staff.office, "draft")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        (
            {"title": "T", "start_date": "2026-05-01", "end_date": "2026-04-01"},
            "end_date",
            "The end date must be after the start date.",
        ),
        (
            {"title": "T", "time_limited": "on"},
            "end_date",
            "A time-limited account needs an end date.",
        ),
        ({"title": "T", "start_date": "not a date"}, "start_date", "Enter a valid date."),
        (
            {"title": "T", "platform": ""},
            "platform",
            "Choose the platform, or “Other or new channel” and name it.",
        ),
        ({"title": "T", "platform": "other"}, "other_platform_name", "Name the new channel."),
        ({"title": "T", "platform": "nonsense"}, "platform", None),
    ],
)
def test_bad_input_on_the_first_section_saves_nothing(client, staff, data, field, message):
    client.force_login(staff)

    response = client.post("/proposals/new/", data)

    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert message in errors if message else errors
    assert response.context["form"]["title"].value() == data["title"]
    assert not Proposal.objects.exists()


def test_the_platform_starts_unchosen_and_other_channel_is_a_choice(client, staff):
    PlatformFactory(name="Bluesky")
    client.force_login(staff)

    page = client.get("/proposals/new/").text

    assert '<option value="" selected>Choose the platform</option>' in page
    assert '<option value="other">Other or new channel (name it below)</option>' in page


def test_a_new_channel_is_saved_by_name_and_shown_as_chosen_again(client, staff):
    client.force_login(staff)

    client.post(
        "/proposals/new/",
        {"title": "Podcast", "platform": "other", "other_platform_name": "Spotify podcast"},
    )

    proposal = Proposal.objects.get()
    assert (proposal.platform, proposal.other_platform_name) == (None, "Spotify podcast")
    form = client.get(url(proposal, "edit/1/")).context["form"]
    assert form["platform"].value() == "other"


def test_internal_platform_needs_no_approval_and_nothing_is_recorded(client, staff):
    blog = PlatformFactory(slug="sharepoint-blog", name="SharePoint blog", internal=True)
    client.force_login(staff)

    response = client.post("/proposals/new/", {"title": "Team blog", "platform": blog.pk})

    assert response.status_code == 200
    assert "site owners decide" in response.text
    assert not Proposal.objects.exists()


def test_person_without_an_office_cannot_propose(client, administrator):
    client.force_login(administrator)

    assert client.get("/proposals/new/").status_code == 403


# --- Editing sections ---------------------------------------------------------------------------


def test_proposer_saves_a_section_and_comes_back_to_it(client, staff):
    proposal = ProposalFactory(proposer=staff, complete=False)
    client.force_login(staff)

    response = client.post(
        url(proposal, "edit/3/"),
        {"audience": "Pupils aged 14 to 18", "audience_evidence": "", "save": ""},
    )

    assert response.url == url(proposal, "edit/3/")
    proposal.refresh_from_db()
    assert proposal.audience == "Pupils aged 14 to 18"
    page = client.get(url(proposal, "edit/3/"))
    assert "Pupils aged 14 to 18" in page.text


def test_save_and_continue_goes_to_the_next_section_then_to_submit(client, staff):
    proposal = ProposalFactory(proposer=staff)
    client.force_login(staff)

    response = client.post(url(proposal, "edit/4/"), {"why_not_existing": "x", "continue": ""})
    assert response.url == url(proposal, "edit/5/")
    response = client.post(url(proposal, "edit/9/"), {"exit_plan": "Close it.", "continue": ""})
    assert response.url == url(proposal, "submit/")


def team_data(*rows, initial=0):
    data = {"team-TOTAL_FORMS": str(len(rows)), "team-INITIAL_FORMS": str(initial)}
    for number, (email, role) in enumerate(rows):
        data[f"team-{number}-email"] = email
        data[f"team-{number}-role"] = role
    return data


RESOURCING = {
    "hours_per_week": "4",
    "cover_arrangements": "c",
    "monitoring_plan": "m",
    "response_time": "one_day",
}


def test_proposer_names_the_team_by_email(client, staff, office_head, office):
    colleague = UserFactory(office=office)
    proposal = ProposalFactory(proposer=staff, complete=False)
    client.force_login(staff)

    response = client.post(
        url(proposal, "edit/6/"),
        {**RESOURCING, **team_data((staff.email.upper(), "owner"), (colleague.email, "editor"))},
    )

    assert response.status_code == 302
    assert {m.person for m in proposal.team.all()} == {staff, colleague}


def test_a_team_may_not_take_in_whoever_judges_the_proposal(client, staff, office_head, dcct, hec):
    """The office head approves it, DCCT assesses it, HEC decides disputes: none may judge a
    proposal they are on the team of, so a team that took in all of one would leave it stuck."""
    proposal = ProposalFactory(proposer=staff, complete=False)
    client.force_login(staff)

    response = client.post(
        url(proposal, "edit/6/"),
        {
            **RESOURCING,
            **team_data(
                (staff.email, "owner"),
                (office_head.email, "editor"),
                (dcct.email, "editor"),
                (hec.email, "editor"),
            ),
        },
    )

    assert response.status_code == 200
    page = response.text
    assert "approves this proposal in principle (office head), so cannot also be on" in page
    assert "Leave at least one member of DCCT off the team: DCCT assess it" in page
    assert "Leave at least one member of Head of Engagement and Communications off" in page
    assert f'value="{dcct.email}"' in page  # what was typed is kept
    assert not proposal.team.exists()
    proposal.refresh_from_db()
    assert proposal.hours_per_week is None


def test_a_dcct_colleague_may_join_the_team_while_another_is_free_to_assess(
    client, staff, dcct, second_dcct
):
    proposal = ProposalFactory(proposer=staff, complete=False)
    client.force_login(staff)

    response = client.post(
        url(proposal, "edit/6/"),
        {**RESOURCING, **team_data((staff.email, "owner"), (dcct.email, "editor"))},
    )

    assert response.status_code == 302
    assert proposal.team.filter(person=dcct).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"hours_per_week": "-1"}, "Ensure this value is greater than or equal to 0.5."),
        ({"hours_per_week": "lots"}, "Enter a number."),
        ({"team-0-email": "nobody@example.org"}, "Nobody with this email address can sign in."),
        ({"team-1-email": "SAME"}, "Name each person once."),
    ],
)
def test_bad_resourcing_input_saves_nothing(client, staff, office_head, data, message):
    proposal = ProposalFactory(proposer=staff, complete=False)
    client.force_login(staff)
    colleague = UserFactory(office=staff.office)
    posted = {**RESOURCING, **team_data((staff.email, "owner"), (colleague.email, "editor"))}
    posted.update({k: (staff.email if v == "SAME" else v) for k, v in data.items()})

    response = client.post(url(proposal, "edit/6/"), posted)

    assert response.status_code == 200
    assert message in response.text
    proposal.refresh_from_db()
    assert proposal.hours_per_week is None
    assert not proposal.team.exists()


def test_kpi_needs_a_numeric_target(client, staff):
    proposal = ProposalFactory(proposer=staff, complete=False)
    client.force_login(staff)

    response = client.post(
        url(proposal, "edit/7/"),
        {
            "review_frequency": "quarterly",
            "kpis-TOTAL_FORMS": "1",
            "kpis-INITIAL_FORMS": "0",
            "kpis-0-metric": "Followers",
            "kpis-0-unit": "people",
            "kpis-0-target": "many",
            "kpis-0-direction": "higher",
        },
    )

    assert response.status_code == 200
    assert "Enter a number." in response.text
    assert not proposal.kpis.exists()


def test_choosing_an_internal_platform_for_a_draft_is_refused(client, staff):
    proposal = ProposalFactory(proposer=staff, complete=False)
    blog = PlatformFactory(slug="sharepoint-forum", name="SharePoint forum", internal=True)
    client.force_login(staff)

    response = client.post(url(proposal, "edit/1/"), {"title": "Forum", "platform": blog.pk})

    assert "site owners decide" in response.text
    proposal.refresh_from_db()
    assert proposal.platform is None


@pytest.mark.parametrize(
    ("persona", "status"),
    [("outsider", 404), ("office_head", 404), ("dcct", 404), ("teammate", 403)],
)
def test_only_the_proposer_edits_a_draft(request, client, staff, office, persona, status):
    from tests.factories import UserFactory

    proposal = ProposalFactory(proposer=staff)
    teammate = UserFactory(office=office)
    proposal.team.create(person=teammate, role="editor")
    client.force_login(teammate if persona == "teammate" else request.getfixturevalue(persona))

    assert client.get(url(proposal, "edit/1/")).status_code == status
    assert client.post(url(proposal, "edit/1/"), {"title": "Hijacked"}).status_code == status
    proposal.refresh_from_db()
    assert proposal.title != "Hijacked"


def test_a_submitted_proposal_cannot_be_edited(client, make_proposal, staff):
    proposal = make_proposal("with_office_head")
    client.force_login(staff)

    assert client.get(url(proposal, "edit/1/")).status_code == 403


# --- Seeing proposals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "persona", "status"),
    [
        ("draft", "staff", 200),
        ("draft", "colleague", 404),
        ("draft", "outsider", 404),
        ("draft", "dcct", 404),
        ("draft", "hec", 404),
        ("with_office_head", "colleague", 200),
        ("with_office_head", "office_head", 200),
        ("with_office_head", "outsider", 404),
        ("with_dcct", "dcct", 200),
        ("with_dcct", "hec", 200),
        ("with_dcct", "policy_owner", 200),
        ("with_dcct", "outsider", 404),
    ],
)
def test_who_sees_a_proposal(request, client, make_proposal, office, state, persona, status):
    from tests.factories import UserFactory

    proposal = make_proposal(state)
    viewer = (
        UserFactory(office=office) if persona == "colleague" else request.getfixturevalue(persona)
    )
    client.force_login(viewer)

    assert client.get(url(proposal)).status_code == status


def test_proposal_page_shows_only_this_persons_actions(client, make_proposal, office_head, dcct):
    proposal = make_proposal("with_office_head")

    client.force_login(office_head)
    page = client.get(url(proposal)).text
    for label in ("Approve in principle", "Return to proposer", "Decline"):
        assert label in page
    assert "Endorse" not in page

    client.force_login(dcct)
    page = client.get(url(proposal)).text
    assert "Approve in principle" not in page


def test_proposal_page_explains_the_state_and_who_holds_it(
    client, make_proposal, staff, office_head
):
    proposal = make_proposal("with_office_head")
    client.force_login(staff)

    page = client.get(url(proposal)).text

    assert "Waiting for the office head to approve it in principle" in page
    assert f"{office_head} (office head)" in page
    assert "Withdraw" in page


def test_draft_page_lists_what_is_missing(client, staff):
    proposal = ProposalFactory(proposer=staff, complete=False)
    client.force_login(staff)

    page = client.get(url(proposal)).text

    assert "Still missing before it can be submitted" in page
    assert "Add at least one KPI with a target." in page


# --- Submitting ---------------------------------------------------------------------------------


def test_submit_page_shows_existing_corporate_accounts_on_the_platform(
    client, make_proposal, staff
):
    proposal = make_proposal("draft")
    AccountFactory(platform=proposal.platform, display_name="Scottish Parliament", kind="corporate")
    AccountFactory(platform=proposal.platform, display_name="Closed one", state="closed")
    client.force_login(staff)

    page = client.get(url(proposal, "submit/")).text

    assert "Scottish Parliament" in page
    assert "Closed one" not in page
    assert "Why are these accounts not enough?" in page


def test_submit_without_saying_why_existing_accounts_fall_short_saves_nothing(
    client, make_proposal, staff
):
    proposal = make_proposal("draft")
    AccountFactory(platform=proposal.platform, kind="corporate")
    client.force_login(staff)

    response = client.post(url(proposal, "submit/"), {"expected_state": "draft"})

    assert response.status_code == 200
    assert "Existing channels come first" in response.text
    proposal.refresh_from_db()
    assert proposal.state == "draft"


def test_submit_sends_the_proposal_to_the_office_head(client, make_proposal, staff, office_head):
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = client.post(url(proposal, "submit/"), {"expected_state": "draft"}, follow=True)

    assert f"is with {office_head} for approval in principle" in response.text
    proposal.refresh_from_db()
    assert proposal.state == "with_office_head"


def test_an_incomplete_case_cannot_be_submitted_from_the_page(client, staff, office_head):
    proposal = ProposalFactory(proposer=staff, complete=False)
    client.force_login(staff)

    response = client.post(url(proposal, "submit/"), {"expected_state": "draft"})

    assert "Choose the platform or channel." in response.text
    proposal.refresh_from_db()
    assert proposal.state == "draft"


def test_only_the_proposer_can_submit(client, make_proposal, staff, office_head):
    proposal = make_proposal("draft")
    proposal.team.create(person=office_head, role="editor")
    client.force_login(office_head)

    assert client.post(url(proposal, "submit/"), {"expected_state": "draft"}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.state == "draft"


# --- Acting -------------------------------------------------------------------------------------


def test_action_page_refuses_people_without_the_role(client, make_proposal, staff, outsider):
    proposal = make_proposal("with_office_head")

    client.force_login(staff)
    response = client.post(
        url(proposal, "act/approve_in_principle/"), {"expected_state": "with_office_head"}
    )
    assert response.status_code == 403
    client.force_login(outsider)
    assert client.get(url(proposal, "act/approve_in_principle/")).status_code == 404
    proposal.refresh_from_db()
    assert proposal.state == "with_office_head"


def test_unknown_action_is_not_found(client, make_proposal, office_head):
    proposal = make_proposal("with_office_head")
    client.force_login(office_head)

    assert client.get(url(proposal, "act/delete_everything/")).status_code == 404


def test_decline_without_a_reason_shows_a_message_and_saves_nothing(
    client, make_proposal, office_head
):
    proposal = make_proposal("with_office_head")
    client.force_login(office_head)

    response = client.post(
        url(proposal, "act/decline/"), {"expected_state": "with_office_head", "comment": ""}
    )

    assert response.status_code == 200
    assert "Give your reasons" in response.text
    proposal.refresh_from_db()
    assert proposal.state == "with_office_head"
    assert not Decision.objects.exists()


def test_alternative_plan_form_needs_the_corporate_account_for_a_slot(client, make_proposal, dcct):
    proposal = make_proposal("with_dcct")
    client.force_login(dcct)

    response = client.post(
        url(proposal, "act/advise_against/"),
        {
            "expected_state": "with_dcct",
            "approach": "corporate_slot",
            "recommendation": "r",
            "rationale": "r",
            "proposer_gets": "p",
        },
    )

    assert response.status_code == 200
    assert "Choose the corporate account." in response.text
    proposal.refresh_from_db()
    assert proposal.state == "with_dcct"


def test_escalation_form_starts_from_the_proposers_disagreement(client, make_proposal, staff, dcct):

    proposal = make_proposal("alternative_offered")
    services.disagree(proposal=proposal, actor=staff, comment="Pupils are not there.")
    client.force_login(dcct)

    page = client.get(url(proposal, "act/escalate/"))

    assert page.context["form"].initial["business_area_position"] == "Pupils are not there."


def test_hec_sees_both_positions_side_by_side(client, make_proposal, hec):
    proposal = make_proposal("escalated")
    client.force_login(hec)

    page = client.get(url(proposal)).text

    assert "Pupils do not follow the corporate account." in page
    assert "A campaign reaches them at a fraction of the effort." in page
    assert "DCCT's alternative" in page
    for label in ("Approve as proposed", "Approve alternative", "Reject", "Refer back to DCCT"):
        assert label in page


# --- Comments -----------------------------------------------------------------------------------


def test_comment_thread(client, make_proposal, staff, dcct, outsider):
    proposal = make_proposal("with_dcct")
    client.force_login(dcct)
    client.post(url(proposal, "comments/"), {"body": "Can you share the survey?"})
    client.force_login(staff)

    assert "Can you share the survey?" in client.get(url(proposal)).text
    response = client.post(url(proposal, "comments/"), {"body": "  "}, follow=True)
    assert "Write a comment before posting it." in response.text
    assert proposal.comments.count() == 1

    client.force_login(outsider)
    assert client.post(url(proposal, "comments/"), {"body": "Hello"}).status_code == 404
    assert proposal.comments.count() == 1


# --- Lists --------------------------------------------------------------------------------------


def test_my_proposals_lists_mine_and_those_i_am_on_the_team_of(client, staff, outsider):
    mine = ProposalFactory(proposer=staff, title="Mine")
    theirs = ProposalFactory(proposer=outsider, title="Theirs")
    theirs.team.create(person=staff, role="editor")
    ProposalFactory(proposer=outsider, title="Not mine")
    client.force_login(staff)

    page = client.get("/proposals/").text

    assert mine.title in page and theirs.title in page
    assert "Not mine" not in page


def test_awaiting_approval_lists_what_waits_for_this_head(
    client, make_proposal, office_head, outsider
):
    waiting = make_proposal("with_office_head", title="Waiting")
    make_proposal("with_dcct", title="Already approved")
    client.force_login(office_head)

    page = client.get("/proposals/awaiting/").text

    assert waiting.title in page
    assert "Already approved" not in page
    client.force_login(outsider)
    assert waiting.title not in client.get("/proposals/awaiting/").text


@pytest.mark.parametrize(
    ("persona", "status"),
    [("dcct", 200), ("hec", 200), ("policy_owner", 200), ("staff", 403), ("office_head", 403)],
)
def test_queue_is_for_dcct_hec_and_the_policy_owner(request, client, persona, status):
    client.force_login(request.getfixturevalue(persona))

    assert client.get("/proposals/queue/").status_code == status


def test_queue_filters_and_searches(client, make_proposal, dcct, outsider, other_office):
    make_proposal("with_dcct", title="Youth pilot")
    make_proposal("contested", title="Gaelic channel")
    make_proposal("draft", title="Secret draft")
    make_proposal("approved", title="Done deal", outcome="alternative")  # no new account
    client.force_login(dcct)

    page = client.get("/proposals/queue/").text
    assert "Youth pilot" in page and "Gaelic channel" in page
    assert "Secret draft" not in page and "Done deal" not in page

    page = client.get("/proposals/queue/?state=contested").text
    assert "Gaelic channel" in page and "Youth pilot" not in page

    page = client.get("/proposals/queue/?q=gaelic").text
    assert "Gaelic channel" in page and "Youth pilot" not in page

    page = client.get(f"/proposals/queue/?office={other_office.pk}").text
    assert "Gaelic channel" not in page


def test_queue_pages_long_lists(client, make_proposal, dcct):
    for _ in range(27):
        make_proposal("with_dcct")
    client.force_login(dcct)

    first = client.get("/proposals/queue/")
    second = client.get("/proposals/queue/?page=2")

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 2
    assert "Page 1 of 2" in first.text


@pytest.mark.parametrize("path", ["/proposals/", "/proposals/queue/", "/proposals/awaiting/"])
def test_lists_run_the_same_number_of_queries_whatever_their_length(
    client, make_proposal, dcct, staff, office_head, django_assert_max_num_queries, path
):
    viewer = {"/proposals/": staff, "/proposals/queue/": dcct}.get(path, office_head)
    for _ in range(5):
        make_proposal("with_office_head" if path.endswith("awaiting/") else "with_dcct")
    client.force_login(viewer)
    client.get(path)  # warm the caches of the session and content types

    with django_assert_max_num_queries(12) as few:
        client.get(path)
    for _ in range(20):
        make_proposal("with_office_head" if path.endswith("awaiting/") else "with_dcct")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(path)


def test_proposal_page_runs_a_bounded_number_of_queries(
    client, make_proposal, staff, django_assert_max_num_queries
):
    proposal = make_proposal("with_dcct", start_date=datetime.date(2027, 1, 1))
    client.force_login(staff)

    with django_assert_max_num_queries(30):
        client.get(url(proposal))


@pytest.mark.parametrize(
    "path",
    [
        "/admin/proposals/proposal/",
        "/admin/proposals/decision/",
        "/admin/accounts/account/",
        "/admin/proposals/escalation/",
    ],
)
def test_administrator_reads_proposals_in_the_admin(client, make_proposal, administrator, path):

    proposal = make_proposal("draft")
    services.submit(proposal=proposal, actor=proposal.proposer)
    client.force_login(administrator)

    assert client.get(path).status_code == 200
    assert client.get(f"/admin/proposals/proposal/{proposal.pk}/change/").status_code == 200
    assert client.post(f"/admin/proposals/proposal/{proposal.pk}/delete/").status_code == 403


@pytest.mark.parametrize(
    ("action", "source", "persona"),
    [
        ("return_to_proposer", "with_office_head", "office_head"),
        ("decline", "with_office_head", "office_head"),
        ("request_changes", "with_dcct", "dcct"),
        ("disagree", "alternative_offered", "staff"),
        ("revise_advice", "contested", "dcct"),
        ("approve_as_proposed", "escalated", "hec"),
        ("approve_alternative", "escalated", "hec"),
        ("reject", "escalated", "hec"),
        ("refer_back", "escalated", "hec"),
    ],
)
def test_every_page_that_needs_reasons_refuses_a_blank_one(
    request, client, make_proposal, action, source, persona
):
    proposal = make_proposal(source)
    client.force_login(request.getfixturevalue(persona))

    response = client.post(
        url(proposal, f"act/{action}/"), {"expected_state": source, "comment": "  "}
    )

    assert response.status_code == 200
    assert "Give your reasons" in response.text
    proposal.refresh_from_db()
    assert proposal.state == source
    assert not proposal.decisions.exists()


def test_escalation_page_needs_both_positions(client, make_proposal, dcct):
    proposal = make_proposal("contested")
    client.force_login(dcct)

    response = client.post(
        url(proposal, "act/escalate/"),
        {
            "expected_state": "contested",
            "business_area_position": "",
            "dcct_position": "We disagree.",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["business_area_position"]
    proposal.refresh_from_db()
    assert proposal.state == "contested"


def test_endorse_page_records_conditions(client, make_proposal, dcct):
    proposal = make_proposal("with_dcct")
    client.force_login(dcct)

    response = client.post(
        url(proposal, "act/endorse/"),
        {"expected_state": "with_dcct", "conditions": "Review in 3 months."},
        follow=True,
    )

    assert "Endorse: done." in response.text
    proposal.refresh_from_db()
    assert (proposal.state, proposal.conditions) == ("approved", "Review in 3 months.")


def test_a_stale_page_is_refused_with_a_clear_message(client, make_proposal, office_head):
    proposal = make_proposal("with_office_head")
    client.force_login(office_head)

    response = client.post(
        url(proposal, "act/approve_in_principle/"), {"expected_state": "draft"}, follow=True
    )

    assert "has changed since you opened it" in response.text
    proposal.refresh_from_db()
    assert proposal.state == "with_office_head"


def test_resourcing_section_reads_the_team_at_a_fixed_cost(
    client, staff, office, django_assert_max_num_queries
):
    proposal = ProposalFactory(proposer=staff)
    client.force_login(staff)
    client.get(f"/proposals/{proposal.pk}/edit/6/")
    for _ in range(6):
        proposal.team.create(person=UserFactory(office=office), role="editor")

    with django_assert_max_num_queries(14):
        client.get(f"/proposals/{proposal.pk}/edit/6/")


PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, proposal, name, content, content_type="application/pdf"):
    return client.post(
        f"/proposals/{proposal.pk}/evidence/",
        {
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "description": "Survey results",
        },
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "content", "stored_type"),
    [
        ("survey.pdf", PDF, "application/pdf"),
        ("chart.png", PNG, "image/png"),
        (
            "plan.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_proposer_attaches_evidence(client, make_proposal, staff, name, content, stored_type):
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = upload(client, proposal, name, content)

    assert "Evidence attached." in response.text
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        name,
        stored_type,
        len(content),
    )


def test_a_file_that_is_too_large_is_refused(client, make_proposal, staff, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = upload(client, proposal, "big.pdf", PDF + b"0" * 2048)

    assert "evidence files can be at most 1.0" in response.text
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n"),  # a PDF in name only
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("notes.txt", b"plain text"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused(client, make_proposal, staff, name, content):
    proposal = make_proposal("draft")
    client.force_login(staff)

    response = upload(client, proposal, name, content)

    assert "This type of file cannot be attached." in response.text
    assert not Attachment.objects.exists()


def test_evidence_cannot_be_added_once_with_the_office_head(client, make_proposal, staff):
    proposal = make_proposal("with_office_head")
    client.force_login(staff)

    response = upload(client, proposal, "survey.pdf", PDF)

    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_colleagues_and_dcct_may_not_add_evidence(client, make_proposal, dcct):
    proposal = make_proposal("with_dcct")
    client.force_login(dcct)

    assert upload(client, proposal, "survey.pdf", PDF).status_code == 403


@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff", 200), ("office_head", 200), ("dcct", 200), ("outsider", 404)],
)
def test_evidence_is_served_only_to_people_who_may_see_the_proposal(
    request, client, make_proposal, staff, persona, status
):
    proposal = make_proposal("draft")
    client.force_login(staff)
    upload(client, proposal, "survey.pdf", PDF)
    attachment = Attachment.objects.get()

    services.submit(proposal=proposal, actor=staff)
    services.approve_in_principle(proposal=proposal, actor=request.getfixturevalue("office_head"))

    client.force_login(request.getfixturevalue(persona))
    response = client.get(f"/proposals/{proposal.pk}/evidence/{attachment.pk}/")

    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith('attachment; filename="survey.pdf"')
        assert b"".join(response.streaming_content) == PDF


def test_evidence_of_a_draft_is_hidden_from_the_office(client, make_proposal, staff, office):
    from tests.factories import UserFactory

    proposal = make_proposal("draft")
    client.force_login(staff)
    upload(client, proposal, "survey.pdf", PDF)
    attachment = Attachment.objects.get()

    client.force_login(UserFactory(office=office))
    assert client.get(f"/proposals/{proposal.pk}/evidence/{attachment.pk}/").status_code == 404


def test_evidence_is_not_reachable_through_a_public_url(client, make_proposal, staff):
    proposal = make_proposal("draft")
    client.force_login(staff)
    upload(client, proposal, "survey.pdf", PDF)
    attachment = Attachment.objects.get()
    client.logout()

    assert client.get(f"/media/{attachment.file.name}").status_code in (302, 404)


def test_a_proposal_set_up_links_to_its_account_and_shows_the_accounts_state(
    client, make_proposal, staff
):
    from tests.factories import AccountFactory

    proposal = make_proposal("set_up")
    account = AccountFactory(proposal=proposal, state="live", display_name="Youth Parliament")
    client.force_login(staff)

    page = client.get(url(proposal)).text

    assert f'href="{account.get_absolute_url()}"' in page
    assert "Youth Parliament" in page and "Live and on the register." in page


def test_starting_set_up_of_a_new_channel_asks_for_its_platform(client, make_proposal, dcct):
    PlatformFactory(name="Bluesky", slug="bluesky-new")
    proposal = make_proposal("approved", platform=None, other_platform_name="Bluesky")
    client.force_login(dcct)
    page = client.get(url(proposal))
    assert "Start set-up" in page.text

    form = client.get(url(proposal, "act/start_set_up/")).context["form"]
    response = client.post(
        url(proposal, "act/start_set_up/"),
        {"expected_state": form.initial["expected_state"], "platform": "", "comment": "Soon"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["platform"]
    assert response.context["form"]["comment"].value() == "Soon"
    assert Proposal.objects.get(pk=proposal.pk).state == "approved"


def test_a_decision_page_summarises_what_is_being_decided(client, make_proposal, office_head):
    proposal = make_proposal("with_office_head")
    client.force_login(office_head)

    page = client.get(url(proposal, "act/approve_in_principle/")).text

    assert "What is being decided" in page
    assert proposal.objectives in page and proposal.audience in page
    assert 'href="/proposals/awaiting/">Awaiting my approval</a>' in page


def test_dccts_breadcrumb_leads_back_to_the_queue(client, make_proposal, dcct):
    proposal = make_proposal("with_dcct")
    client.force_login(dcct)

    page = client.get(url(proposal)).text

    assert 'href="/proposals/queue/">Proposal queue</a>' in page


def test_new_team_rows_may_stay_empty_and_are_not_marked_required(client, staff):
    proposal = ProposalFactory(proposer=staff, complete=False)
    client.force_login(staff)

    formset = client.get(url(proposal, "edit/6/")).context["formset"]

    new_row = formset.forms[0]
    assert not new_row.fields["email"].required and "DELETE" not in new_row.fields
    assert not formset.forms[0].fields["email"].widget.is_required


def test_a_new_team_row_half_filled_is_refused_beside_the_missing_field(client, staff):
    proposal = ProposalFactory(proposer=staff, complete=False)
    client.force_login(staff)

    response = client.post(url(proposal, "edit/6/"), {**RESOURCING, **team_data(("", "owner"))})

    row = response.context["formset"].forms[0]
    assert row.errors["email"] == ["This field is required."]
    assert row["role"].value() == "owner"
    assert not proposal.team.exists()


def test_a_section_s_fields_come_before_the_list_of_sections(client, staff):
    """With the keyboard, the fields come first; the sections' links follow the form."""
    client.force_login(staff)
    client.post(
        "/proposals/new/", {"title": "Podcast", "platform": "other", "other_platform_name": "X"}
    )
    page = client.get(url(Proposal.objects.get(), "edit/2/")).text
    assert page.index('name="objectives"') < page.index(
        'aria-label="Sections of the business case"'
    )
