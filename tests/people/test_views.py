"""Sign-in, sign-out and password reset pages."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/password/change/"])
def test_protected_pages_send_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith("/sign-in/?next=")


@pytest.mark.parametrize("url", ["/sign-in/", "/password/reset/", "/health/"])
def test_sign_in_reset_and_health_need_no_login(client, url):
    # /health/ answers 503 here: no scheduler or worker has beaten (tests/config/test_health.py)
    assert client.get(url).status_code in ({200, 503} if url == "/health/" else {200})


def test_admin_sends_anonymous_visitors_to_its_sign_in(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_staff_member_signs_in_with_email_in_any_case(client, staff):
    response = client.post(
        "/sign-in/", {"username": staff.email.upper(), "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == staff
    assert f"Hello, {staff.get_short_name()}" in response.text


def test_sign_in_returns_to_the_page_asked_for(client, staff):
    response = client.post(
        "/sign-in/?next=/password/change/",
        {"username": staff.email, "password": PASSWORD, "next": "/password/change/"},
    )

    assert response.url == "/password/change/"


def test_wrong_password_is_refused_with_a_message(client, staff):
    response = client.post("/sign-in/", {"username": staff.email, "password": "wrong"})

    assert response.status_code == 200
    assert "do not match an active account" in response.text
    assert "_auth_user_id" not in client.session


def test_sign_in_form_asks_for_a_valid_email(client):
    response = client.post("/sign-in/", {"username": "not-an-email", "password": "x"})

    assert response.context["form"].errors["username"] == ["Enter a valid email address."]


def test_disabled_person_cannot_sign_in(client, office):
    leaver = UserFactory(office=office, is_active=False)

    response = client.post("/sign-in/", {"username": leaver.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "do not match an active account" in response.text
    assert "_auth_user_id" not in client.session


def test_disabled_person_is_signed_out_of_an_open_session(client, staff):
    client.force_login(staff)
    staff.is_active = False
    staff.save()

    assert client.get("/").status_code == 302


def test_sign_in_needs_a_csrf_token(csrf_client, staff):
    response = csrf_client.post("/sign-in/", {"username": staff.email, "password": PASSWORD})

    assert response.status_code == 403


def test_sign_out_is_a_post_and_ends_the_session(client, staff):
    client.force_login(staff)

    assert client.get("/sign-out/").status_code == 405
    response = client.post("/sign-out/")

    assert response.url == reverse("sign-in")
    assert client.get("/").status_code == 302


def test_password_reset_emails_a_link_that_sets_a_new_password(client, staff):
    client.post("/password/reset/", {"email": staff.email.upper()})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [staff.email]
    link = re.search(r"http://testserver(/password/reset/\S+/)", mail.outbox[0].body).group(1)

    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "a-new-long-password", "new_password2": "a-new-long-password"}
    )

    assert response.url == reverse("password_reset_complete")
    staff.refresh_from_db()
    assert staff.check_password("a-new-long-password")


def test_password_reset_tells_nothing_about_unknown_or_disabled_addresses(client, office):
    leaver = UserFactory(office=office, is_active=False)

    for email in ("nobody@example.org", leaver.email):
        response = client.post("/password/reset/", {"email": email})
        assert response.url == reverse("password_reset_done")

    assert mail.outbox == []


def test_password_reset_with_mismatched_passwords_keeps_the_old_one(client, staff):
    client.post("/password/reset/", {"email": staff.email})
    link = re.search(r"http://testserver(/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(
        form_url, {"new_password1": "a-new-long-password", "new_password2": "different-one"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_demo_sign_ins_show_only_when_the_settings_say_so(client, settings):
    settings.SHOW_DEMO_SIGNINS = False
    assert "staff@example.org" not in client.get("/sign-in/").text

    settings.SHOW_DEMO_SIGNINS = True
    page = client.get("/sign-in/").text
    assert "staff@example.org" in page
    assert "hec@example.org" in page
