"""Each person's home: what waits for them, then their own work."""

import pytest

from tests.factories import TrainingRecordFactory

pytestmark = pytest.mark.django_db

# The management form of the training inline on the admin's person page.
NO_TRAINING_ROWS = {"training_records-TOTAL_FORMS": "0", "training_records-INITIAL_FORMS": "0"}


def test_home_shows_office_head_and_roles(client, staff, office_head, office):
    client.force_login(staff)

    page = client.get("/").text

    assert office.name in page
    assert office_head.full_name in page
    assert "signed in as Staff" in page


def test_home_lists_own_training_with_its_status(client, staff, outsider):
    TrainingRecordFactory(person=staff, course="Moderating comments and messages")
    TrainingRecordFactory(person=outsider, course="Somebody else's course")
    client.force_login(staff)

    page = client.get("/").text

    assert "Moderating comments and messages" in page
    assert "Current until" in page
    assert "Somebody else" not in page


@pytest.mark.parametrize(
    ("persona", "shows_admin"),
    [("staff", False), ("dcct", False), ("hec", False), ("administrator", True)],
)
def test_navigation_offers_administration_to_administrators_only(
    request, client, persona, shows_admin
):
    client.force_login(request.getfixturevalue(persona))

    page = client.get("/").text

    assert ('href="/admin/"' in page) is shows_admin


def test_every_page_has_a_skip_link_to_main_content(client, staff):
    client.force_login(staff)

    page = client.get("/").text

    assert 'href="#main"' in page
    assert 'id="main"' in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("administrator", 200), ("dcct", 302), ("staff", 302)],
)
def test_only_administrators_reach_the_admin_site(request, client, persona, status):
    client.force_login(request.getfixturevalue(persona))

    assert client.get("/admin/people/user/").status_code == status


def test_administrator_adds_a_person_whose_email_is_normalised(client, administrator, office):
    client.force_login(administrator)

    response = client.post(
        "/admin/people/user/add/",
        {
            "email": "New.Person@Example.org",
            "full_name": "New Person",
            "office": office.pk,
            "staff_type": "contractor",
            "usable_password": "false",
            **NO_TRAINING_ROWS,
        },
    )

    assert response.status_code == 302
    from people.models import User

    assert User.objects.get(email="new.person@example.org").staff_type == "contractor"


def test_admin_refuses_a_duplicate_email_in_another_case(client, administrator, staff):
    client.force_login(administrator)

    response = client.post(
        "/admin/people/user/add/",
        {
            "email": staff.email.upper(),
            "full_name": "Duplicate",
            "staff_type": "staff",
            "usable_password": "false",
            **NO_TRAINING_ROWS,
        },
    )

    assert response.status_code == 200
    assert "already exists" in response.text


def test_staff_can_propose_a_new_account_from_their_home(client, staff):
    client.force_login(staff)

    page = client.get("/").text

    assert 'href="/proposals/new/"' in page and "Propose a new account" in page


@pytest.mark.parametrize(
    ("persona", "path", "label"),
    [
        ("dcct", "/dashboard/", "Dashboard"),
        ("hec", "/hec/", "HEC inbox"),
        ("office_head", "/office/", "My office"),
        ("policy_owner", "/reports/", "Reports"),
    ],
)
def test_the_navigation_marks_the_current_page(request, client, persona, path, label):
    client.force_login(request.getfixturevalue(persona))

    page = client.get(path).text

    assert f'aria-current="page" href="{path}">{label}</a>' in page


def test_staff_home_shows_their_offices_accounts_and_open_reviews(client, make_review, staff):
    review = make_review("due")  # an account of staff's office, which staff does not help run
    client.force_login(staff)

    page = client.get("/").text

    assert "Your office's accounts" in page and review.account.display_name in page
    assert "Open reviews for your office" in page and review.get_absolute_url() in page


@pytest.mark.parametrize(
    ("persona", "starts_with"),
    [("policy_owner", "Reports"), ("administrator", "Administration")],
)
def test_policy_owner_and_administrator_homes_start_with_their_tools(
    request, client, persona, starts_with
):
    client.force_login(request.getfixturevalue(persona))

    page = client.get("/").text

    tools = page.index("Where to start")
    assert page.index(starts_with, tools) < page.index("Waiting for you")


def test_a_long_waiting_list_is_paged_with_its_full_count(client, make_proposal, office_head):
    for _ in range(12):
        make_proposal("with_office_head")
    client.force_login(office_head)

    first = client.get("/")
    second = client.get("/?page=2")

    assert first.context["waiting"].paginator.count == 12
    assert len(first.context["waiting"].object_list) == 10
    assert len(second.context["waiting"].object_list) == 2
    assert "Page 1 of 2" in first.text
