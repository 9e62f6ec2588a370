"""Sign-in lockout after repeated wrong passwords (django-axes, people/lockout.py): per person
and address, per person from anywhere, cool-off, unlock in the admin, behind the proxy."""

import datetime
import io

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from people.roles import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LIMIT = 5
HERE = {"REMOTE_ADDR": "192.0.2.10"}
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def numbers(settings):
    """The defaults, set here so that a deployment's environment cannot change what is tested."""
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.SIGN_IN_FAILURE_LIMIT_PER_PERSON = 20
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    settings.HELP_EMAIL = "help@example.org"


def sign_in(client, email, password, path="/sign-in/", **extra):
    return client.post(path, {"username": email, "password": password}, **{**HERE, **extra})


def signed_in(client):
    return "_auth_user_id" in client.session


def fail(client, email, times, **extra):
    return [sign_in(client, email, "wrong-password", **extra) for _ in range(times)]


def test_five_wrong_passwords_then_the_right_one_is_refused(client, staff):
    answers = fail(client, staff.email, LIMIT)

    assert [a.status_code for a in answers] == [200] * (LIMIT - 1) + [429]
    response = sign_in(client, staff.email, PASSWORD)
    assert response.status_code == 429
    assert "Sign-in paused" in response.text
    assert not signed_in(client)


def test_fewer_wrong_passwords_than_the_limit_still_let_the_right_one_in(client, staff):
    fail(client, staff.email, LIMIT - 1)

    response = sign_in(client, staff.email, PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_the_lockout_page_says_how_long_and_whom_to_ask_in_the_layout(client, staff, time_machine):
    time_machine.move_to(START, tick=False)
    fail(client, staff.email, LIMIT)

    response = sign_in(client, staff.email, PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == str(30 * 60)
    page = response.text
    assert "Skip to main content" in page  # base.html: the product's layout
    assert "<title>Sign-in paused – Social media governance</title>" in page
    assert staff.email in page
    assert "try again after <strong>09:30</strong>" in page  # London is on GMT in March
    assert "in about 30 minutes" in page
    assert 'href="mailto:help@example.org"' in page
    assert reverse("password_reset") in page


def test_email_spelt_in_another_case_counts_as_the_same_person(client, staff):
    for email in (staff.email.upper(), staff.email, f" {staff.email.title()} "):
        sign_in(client, email, "wrong-password")
    fail(client, staff.email.upper(), LIMIT - 3)

    assert sign_in(client, staff.email, PASSWORD).status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {staff.email}


def test_a_colleague_behind_the_same_address_is_not_locked_out(client, staff, office):
    colleague = UserFactory(office=office)
    fail(client, staff.email, LIMIT)

    response = sign_in(client, colleague.email, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)


def test_the_same_person_from_another_address_is_not_locked_by_one_address(client, staff):
    fail(client, staff.email, LIMIT)

    response = sign_in(client, staff.email, PASSWORD, REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 302


def test_guesses_spread_over_many_addresses_lock_the_person_everywhere(client, staff):
    # Four from each of five addresses: no address reaches its limit of five.
    for n in range(5):
        answers = fail(client, staff.email, LIMIT - 1, REMOTE_ADDR=f"203.0.113.{n}")
        assert all(a.status_code == 200 for a in answers[:-1])

    response = sign_in(client, staff.email, PASSWORD, REMOTE_ADDR="203.0.113.200")

    assert response.status_code == 429
    assert not signed_in(client)


def test_a_stranger_guessing_cannot_lock_a_person_out_of_their_own_browser(client, staff):
    """The person's limit from anywhere does not apply in a browser they have signed in with:
    knowing somebody's email address is not enough to keep them out."""
    sign_in(client, staff.email, PASSWORD)
    client.post("/sign-out/")  # the browser keeps its cookie saying who has signed in with it
    stranger = Client()
    for n in range(5):
        fail(stranger, staff.email, LIMIT - 1, REMOTE_ADDR=f"203.0.113.{n}")
    assert sign_in(stranger, staff.email, PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 429

    assert sign_in(client, staff.email, PASSWORD).status_code == 302
    assert signed_in(client)


def test_a_known_browser_still_has_the_limit_from_its_own_address(client, staff):
    sign_in(client, staff.email, PASSWORD)
    client.post("/sign-out/")
    fail(client, staff.email, LIMIT)

    assert sign_in(client, staff.email, PASSWORD).status_code == 429


def test_the_browser_is_known_for_the_person_who_signed_in_only(client, staff, office):
    colleague = UserFactory(office=office)
    sign_in(client, colleague.email, PASSWORD)
    client.post("/sign-out/")
    for n in range(5):
        fail(Client(), staff.email, LIMIT - 1, REMOTE_ADDR=f"203.0.113.{n}")

    assert sign_in(client, staff.email, PASSWORD).status_code == 429


def test_a_forged_known_browser_cookie_counts_for_nothing(client, staff):
    for n in range(5):
        fail(client, staff.email, LIMIT - 1, REMOTE_ADDR=f"203.0.113.{n}")
    client.cookies["known_sign_in"] = "0123456789abcdef"

    assert sign_in(client, staff.email, PASSWORD).status_code == 429


def test_a_person_limit_reached_elsewhere_does_not_lock_out_colleagues(client, staff, office):
    colleague = UserFactory(office=office)
    for n in range(5):
        fail(client, staff.email, LIMIT - 1, REMOTE_ADDR=f"203.0.113.{n}")

    assert sign_in(client, colleague.email, PASSWORD, REMOTE_ADDR="203.0.113.1").status_code == 302


def test_an_address_nobody_has_locks_out_and_reads_the_same(client):
    """The lockout tells nothing about whether an account exists."""
    answers = fail(client, "nobody@example.org", LIMIT)

    assert answers[-1].status_code == 429
    assert "Sign-in paused" in answers[-1].text
    assert "nobody@example.org" in answers[-1].text


def test_signing_in_clears_the_failures_counted_so_far(client, staff):
    fail(client, staff.email, LIMIT - 1)
    assert sign_in(client, staff.email, PASSWORD).status_code == 302
    client.post("/sign-out/", **HERE)

    answers = fail(client, staff.email, LIMIT - 1)

    assert all(a.status_code == 200 for a in answers)
    assert sign_in(client, staff.email, PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, staff, time_machine):
    time_machine.move_to(START, tick=False)
    fail(client, staff.email, LIMIT)

    time_machine.move_to(START + datetime.timedelta(minutes=29, seconds=59), tick=False)
    assert sign_in(client, staff.email, PASSWORD).status_code == 429

    time_machine.move_to(START + datetime.timedelta(minutes=30, seconds=1), tick=False)
    assert sign_in(client, staff.email, PASSWORD).status_code == 302
    assert signed_in(client)


def test_trying_again_while_locked_out_does_not_make_it_longer(client, staff, time_machine):
    time_machine.move_to(START, tick=False)
    fail(client, staff.email, LIMIT)
    time_machine.move_to(START + datetime.timedelta(minutes=20), tick=False)
    fail(client, staff.email, 3)
    assert sign_in(client, staff.email, PASSWORD).status_code == 429

    time_machine.move_to(START + datetime.timedelta(minutes=31), tick=False)

    assert sign_in(client, staff.email, PASSWORD).status_code == 302


def test_the_cool_off_is_a_setting(client, staff, settings, time_machine):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=5)
    time_machine.move_to(START, tick=False)
    fail(client, staff.email, LIMIT)
    assert "in about 5 minutes" in sign_in(client, staff.email, PASSWORD).text

    time_machine.move_to(START + datetime.timedelta(minutes=6), tick=False)

    assert sign_in(client, staff.email, PASSWORD).status_code == 302


def test_the_admin_sign_in_is_locked_out_too(client, administrator):
    answers = fail(client, administrator.email, LIMIT, path="/admin/login/")

    assert answers[-1].status_code == 429
    response = sign_in(client, administrator.email, PASSWORD, path="/admin/login/")
    assert response.status_code == 429
    assert "Sign-in paused" in response.text
    assert not signed_in(client)


def test_failures_on_either_sign_in_page_count_together(client, administrator):
    fail(client, administrator.email, LIMIT - 1, path="/admin/login/")

    assert sign_in(client, administrator.email, "wrong").status_code == 429


def test_a_locked_out_person_still_sees_the_sign_in_form(client, staff):
    fail(client, staff.email, LIMIT)

    assert client.get("/sign-in/", **HERE).status_code == 200


def test_passwords_typed_are_never_kept(client, staff):
    sign_in(client, staff.email, "my-secret-guess")

    attempt = AccessAttempt.objects.get()
    assert "my-secret-guess" not in attempt.post_data
    assert attempt.failures_since_start == 1


def test_successful_sign_ins_are_logged_with_their_address(client, staff):
    sign_in(client, staff.email, PASSWORD)

    log = AccessLog.objects.get()
    assert (log.username, log.ip_address) == (staff.email, "192.0.2.10")


# --- Behind the proxy ---------------------------------------------------------------------------

PROXY = "10.0.0.2"


def via_proxy(chain):
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


def test_behind_the_proxy_each_visitor_is_counted_by_their_own_address(client, staff, settings):
    settings.FORWARDED_FOR_PROXIES = 1
    fail(client, staff.email, LIMIT, **via_proxy("203.0.113.9"))

    assert sign_in(client, staff.email, PASSWORD, **via_proxy("203.0.113.9")).status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    # The same person from another visitor's address, through the same proxy, is not locked.
    assert sign_in(client, staff.email, PASSWORD, **via_proxy("203.0.113.10")).status_code == 302


def test_addresses_invented_in_the_header_do_not_escape_the_lockout(client, staff, settings):
    settings.FORWARDED_FOR_PROXIES = 1
    for n in range(LIMIT):
        sign_in(client, staff.email, "wrong", **via_proxy(f"198.51.100.{n}, 203.0.113.9"))

    response = sign_in(client, staff.email, PASSWORD, **via_proxy("198.51.100.99, 203.0.113.9"))

    assert response.status_code == 429


def test_a_garbled_forwarded_header_counts_against_the_proxy_not_a_500(client, staff, settings):
    settings.FORWARDED_FOR_PROXIES = 1

    response = sign_in(client, staff.email, "wrong", **via_proxy("not-an-address"))

    assert response.status_code == 200
    assert AccessAttempt.objects.get().ip_address == PROXY


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "username",
    [
        "a" * 240 + "@example.org",  # a valid address longer than axes keeps (255)
        "x" * 400,
        "",
        "ann@example.org\u202e",
        "Zoë@exämple.org",
    ],
)
def test_odd_usernames_are_answered_never_a_500(client, username):
    response = client.post(
        "/sign-in/",
        {"username": username, "password": "wrong"},
        HTTP_USER_AGENT="U" * 2000,
        HTTP_ACCEPT="A" * 3000,
        **HERE,
    )

    assert response.status_code == 200
    assert not signed_in(client)


def test_a_very_long_address_is_counted_under_its_first_255_characters(client):
    username = "a" * 300 + "@example.org"  # valid, and within the form's 320 characters

    answers = fail(client, username, LIMIT)

    assert answers[-1].status_code == 429
    assert AccessAttempt.objects.get().username == username[:255]


# --- Unlocking in the admin ----------------------------------------------------------------------


def test_an_administrator_unlocks_a_person_from_the_attempts_page(client, staff, administrator):
    fail(client, staff.email, LIMIT)
    admin_client = type(client)()
    admin_client.force_login(administrator)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert staff.email in admin_client.get(changelist).text
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))

    response = admin_client.post(
        changelist, {"action": "unlock", "_selected_action": attempts}, follow=True
    )

    assert "Cleared 1 record(s) of failed sign-ins." in response.text
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, staff.email, PASSWORD).status_code == 302


def test_an_administrator_unlocks_a_person_from_their_page_in_people(client, staff, administrator):
    for n in range(5):  # locked everywhere, by the person's own limit
        fail(client, staff.email, LIMIT - 1, REMOTE_ADDR=f"203.0.113.{n}")
    admin_client = type(client)()
    admin_client.force_login(administrator)

    response = admin_client.post(
        reverse("admin:people_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [staff.pk]},
        follow=True,
    )

    assert "Sign-in unlocked for 1 person (5 records of failed attempts cleared)." in response.text
    assert sign_in(client, staff.email, PASSWORD, REMOTE_ADDR="203.0.113.200").status_code == 302


def test_unlocking_one_person_leaves_the_others_locked(client, staff, office, administrator):
    colleague = UserFactory(office=office)
    fail(client, staff.email, LIMIT)
    fail(client, colleague.email, LIMIT)
    admin_client = type(client)()
    admin_client.force_login(administrator)

    admin_client.post(
        reverse("admin:people_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [staff.pk]},
    )

    assert sign_in(client, colleague.email, PASSWORD).status_code == 429
    assert sign_in(client, staff.email, PASSWORD).status_code == 302


def test_administrators_may_see_and_clear_attempts_but_not_edit_the_logs():
    granted = set(
        Group.objects.get(name=Role.ADMINISTRATOR.value)
        .permissions.filter(content_type__app_label="axes")
        .values_list("codename", flat=True)
    )

    assert granted == {
        "view_accessattempt",
        "delete_accessattempt",
        "view_accesslog",
        "view_accessfailurelog",
    }


def test_staff_without_the_administrator_role_cannot_unlock(client, staff, dcct):
    fail(client, staff.email, LIMIT)
    other = type(client)()
    other.force_login(dcct)

    response = other.post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "unlock",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
        },
    )

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    assert AccessAttempt.objects.exists()


# --- The log of sign-ins ----------------------------------------------------------------------


def test_sign_ins_older_than_the_retention_are_forgotten_by_the_daily_job(
    client, staff, settings, time_machine
):
    settings.SIGN_IN_LOG_DAYS = 180
    for days_ago in (200, 181, 179, 1):
        time_machine.move_to(START - datetime.timedelta(days=days_ago), tick=False)
        sign_in(type(client)(), staff.email, PASSWORD)
    time_machine.move_to(START, tick=False)

    output = io.StringIO()
    call_command("forget_old_sign_ins", stdout=output)

    assert "2 sign-ins forgotten" in output.getvalue()
    kept = sorted((START - log.attempt_time).days for log in AccessLog.objects.all())
    assert kept == [1, 179]
