import pytest

from people import roles
from people.roles import Role
from people.services import assign_role, remove_role

pytestmark = pytest.mark.django_db

CAST = ["staff", "office_head", "outsider", "dcct", "hec", "policy_owner", "administrator"]

EXPECTED = {
    "is_dcct": {"dcct"},
    "is_hec": {"hec"},
    "is_policy_owner": {"policy_owner"},
    "is_administrator": {"administrator"},
    "is_office_head": {"office_head"},
    "sees_all_offices": {"dcct", "hec", "policy_owner"},
}


@pytest.mark.parametrize("check", sorted(EXPECTED))
@pytest.mark.parametrize("persona", CAST)
def test_role_api_answers_for_every_role(request, check, persona):
    user = request.getfixturevalue(persona)

    assert getattr(roles, check)(user) is (persona in EXPECTED[check])


@pytest.mark.parametrize("persona", CAST)
def test_only_the_head_is_office_head_of_the_office(request, persona, office):
    user = request.getfixturevalue(persona)

    assert roles.is_office_head_of(user, office) is (persona == "office_head")


def test_office_head_of_one_office_is_not_head_of_another(office_head, other_office):
    assert not roles.is_office_head_of(office_head, other_office)
    assert not roles.is_office_head_of(office_head, None)


def test_membership_of_an_office(staff, office_head, outsider, office):
    assert roles.is_member_of(staff, office)
    assert roles.is_member_of(office_head, office)
    assert not roles.is_member_of(outsider, office)


def test_anonymous_and_inactive_people_hold_no_roles(dcct, office_head, office):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not roles.is_dcct(anonymous)
    assert not roles.is_office_head_of(anonymous, office)
    assert not roles.is_member_of(anonymous, office)

    dcct.is_active = False
    office_head.is_active = False
    assert not roles.is_dcct(dcct)
    assert not roles.is_office_head_of(office_head, office)


def test_superuser_counts_as_administrator(staff):
    staff.is_superuser = True

    assert roles.is_administrator(staff)


def test_assigning_and_removing_a_role_takes_effect_at_once(staff):
    assert not roles.is_dcct(staff)

    assign_role(user=staff, role=Role.DCCT)
    assert roles.is_dcct(staff)

    remove_role(user=staff, role=Role.DCCT)
    assert not roles.is_dcct(staff)


def test_administrator_role_opens_and_closes_the_admin_site(staff):
    assign_role(user=staff, role=Role.ADMINISTRATOR)
    staff.refresh_from_db()
    assert staff.is_staff

    remove_role(user=staff, role=Role.ADMINISTRATOR)
    staff.refresh_from_db()
    assert not staff.is_staff


def test_roles_are_read_once_per_request(dcct, django_assert_num_queries):
    dcct.refresh_from_db()
    with django_assert_num_queries(1):
        assert roles.is_dcct(dcct)
        assert not roles.is_hec(dcct)
        assert roles.sees_all_offices(dcct)


def test_describe_roles_in_words(office_head, dcct, administrator, office):
    assert roles.describe_roles(office_head) == ["Staff", f"Office head ({office.name})"]
    assert roles.describe_roles(dcct) == ["Staff", "DCCT"]
    assert roles.describe_roles(administrator) == ["Administrator"]


def test_every_role_has_its_group_after_migrate():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


def test_administrators_may_manage_reference_data():
    from django.contrib.auth.models import Group

    administrators = Group.objects.get(name=Role.ADMINISTRATOR.value)
    codenames = set(administrators.permissions.values_list("codename", flat=True))

    expected = {"change_office", "add_user", "change_platform", "change_engagementpriority"}
    assert expected <= codenames


def test_roles_offices_headed_and_managing_a_head_are_one_query(
    office_head, other_office, dcct, django_assert_num_queries
):
    from people.models import User
    from proposals.permissions import may_approve_any
    from tests.factories import UserFactory

    other_office.head = office_head
    other_office.save()
    assign_role(user=office_head, role=Role.HEC)
    office_head.line_manager = dcct
    office_head.save()
    nobody = UserFactory()
    for person, expected in [
        (office_head, ({"HEC"}, {office_head.office_id, other_office.pk}, False)),
        (dcct, ({"DCCT"}, set(), True)),
        (nobody, (set(), set(), False)),
    ]:
        person = User.objects.get(pk=person.pk)
        with django_assert_num_queries(1):
            found = (
                set(roles.role_names(person)),
                set(roles.offices_headed_ids(person)),
                roles.manages_a_head(person),
            )
            assert may_approve_any(person) is bool(found[1] or found[2])
        assert found == expected
