"""Single sign-on (people/sso.py) against a real OpenID provider on 127.0.0.1 (tests/oidc): the
whole exchange (authorisation, code, token, keys, user info) over HTTP, and each refusal."""

import base64
import datetime
import json
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from django.contrib.messages import get_messages
from django.test import Client

from people import sso
from people.models import User
from tests.factories import UserFactory
from tests.oidc import (
    CLIENT_ID,
    CLIENT_SECRET,
    OTHER_CLIENT_ID,
    running_provider,
    through_provider,
)

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/sso/callback/"


@pytest.fixture(scope="module")
def provider():
    with running_provider(CALLBACK) as running:
        yield running


@pytest.fixture
def sso_on(settings, provider):
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.SSO_NAME = "Example Org"
    settings.SSO_ALLOWED_DOMAINS = ["example.org"]
    settings.SSO_TRUST_EMAIL = False
    return provider


@pytest.fixture
def shona(db):
    return UserFactory(email="shona.macleod@example.org", full_name="Shona MacLeod")


def _sign_in(client, login, *, next_url="/", rewrite=None, at_callback=None):
    """Start at the sign-in button, go through the provider as `login`, come back."""
    start = client.get(f"/sso/start/?{urlencode({'next': next_url})}")
    assert start.status_code == 302, start
    authorize = start["Location"]
    if rewrite:
        authorize = rewrite(authorize)
    back = through_provider(authorize, login, stop_at=CALLBACK)
    path = urlsplit(back)
    if at_callback:
        with at_callback():
            return client.get(f"{path.path}?{path.query}")
    return client.get(f"{path.path}?{path.query}")


def _said(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_known_person_signs_in_and_lands_where_they_were_going(client, sso_on, shona):
    response = _sign_in(client, "shona", next_url="/proposals/")

    assert response.status_code == 302 and response["Location"] == "/proposals/"
    assert client.get("/proposals/").wsgi_request.user == shona
    shona.refresh_from_db()
    assert shona.full_name == "Shona MacLeod"  # the app's own record: name, office, roles


def test_the_provider_is_asked_with_state_nonce_and_pkce(client, sso_on):
    start = client.get("/sso/start/")

    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(f"{sso_on.issuer}/auth")
    assert query["client_id"] == [CLIENT_ID] and query["response_type"] == ["code"]
    assert {"openid", "email", "profile"} <= set(query["scope"][0].split())
    assert query["state"] and query["nonce"] and query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [CALLBACK]


def test_a_newcomer_from_an_allowed_domain_is_added_on_first_sign_in(client, sso_on):
    response = _sign_in(client, "newcomer")

    assert response.status_code == 302 and response["Location"] == "/"
    person = User.objects.get(email="new.person@example.org")
    assert person.full_name == "New Person"
    assert person.office is None and not person.groups.exists()  # given in the app
    assert not person.has_usable_password()


@pytest.mark.parametrize(
    ("login", "said"),
    [
        ("outsider", sso.NOT_ALLOWED),
        ("unverified", sso.UNVERIFIED),
        ("gone", sso.DEACTIVATED),
    ],
)
def test_refusals_bring_the_person_back_to_sign_in_told_why(client, sso_on, login, said):
    UserFactory(email="gone@example.org", is_active=False)

    response = _sign_in(client, login)

    assert response.status_code == 302 and response["Location"] == "/sign-in/"
    page = client.get("/sign-in/")
    assert said in page.text.replace("&#x27;", "'")  # told on the sign-in page
    assert not page.wsgi_request.user.is_authenticated
    assert not User.objects.filter(email="someone@elsewhere.example").exists()
    assert User.objects.get(email="gone@example.org").is_active is False


def test_an_address_the_provider_vouches_for_is_taken_when_trusted(client, sso_on, settings):
    settings.SSO_TRUST_EMAIL = True

    response = _sign_in(client, "unverified")

    assert response["Location"] == "/"
    assert User.objects.filter(email="unverified@example.org").exists()


def test_a_code_issued_to_another_service_is_refused(client, sso_on, shona):
    def as_other_service(url):
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        query["client_id"] = [OTHER_CLIENT_ID]
        return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))

    response = _sign_in(client, "shona", rewrite=as_other_service)

    assert response["Location"] == "/sign-in/"
    assert _said(response) == [sso.NOT_FOR_US]
    assert not client.get("/sign-in/").wsgi_request.user.is_authenticated


def test_a_token_that_expired_on_the_way_is_refused(client, sso_on, shona):
    import time_machine

    def hours_later():
        return time_machine.travel(
            datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=2), tick=True
        )

    response = _sign_in(client, "shona", at_callback=hours_later)

    assert response["Location"] == "/sign-in/"
    assert _said(response) == [sso.EXPIRED]


def test_a_callback_this_browser_never_started_is_refused(client, sso_on):
    client.get("/sso/start/")  # a real session with a state in it, but not this one

    response = client.get("/sso/callback/?code=forged&state=not-ours")

    assert response["Location"] == "/sign-in/"
    assert _said(response) == [sso.TAMPERED]


def test_cancelling_at_the_provider_is_said_so(client, sso_on):
    start = client.get("/sso/start/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]

    response = client.get(f"/sso/callback/?error=access_denied&state={state}")

    assert response["Location"] == "/sign-in/"
    assert _said(response) == ["You did not finish signing in with your organisation."]


def _id_token(provider, client_id):
    """A real ID token, issued by the provider to `client_id` for Shona."""
    session_client = Client()
    from django.test import override_settings

    with override_settings(OIDC_RP_CLIENT_ID=client_id):
        start = session_client.get("/sso/start/")
    query = parse_qs(urlsplit(start["Location"]).query)
    back = through_provider(start["Location"], "shona", stop_at=CALLBACK)
    code = parse_qs(urlsplit(back).query)["code"][0]
    verifier = session_client.session["oidc_states"][query["state"][0]]["code_verifier"]
    token = requests.post(
        f"{provider.issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
        },
        auth=(client_id, CLIENT_SECRET),
        timeout=10,
    )
    token.raise_for_status()
    return token.json()["id_token"], query["nonce"][0]


def _verify(token, nonce):
    backend = sso.Backend().configure()
    backend.request = None
    return backend.verify_token(token, nonce=nonce)


def test_the_id_token_is_checked_in_full(sso_on):
    token, nonce = _id_token(sso_on, CLIENT_ID)
    assert _verify(token, nonce)["sub"] == "shona"  # the real thing passes

    other, other_nonce = _id_token(sso_on, OTHER_CLIENT_ID)
    with pytest.raises(sso.Refused, match="another service"):
        _verify(other, other_nonce)  # signed by the provider, but for another audience

    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    with pytest.raises(sso.Refused, match="could not be checked"):
        _verify(f"{header}.{forged}.{signature}", nonce)  # tampered with

    with pytest.raises(sso.Refused, match="could not be checked"):
        _verify(token, "another-nonce")  # replayed into another sign-in


def test_a_deactivated_persons_session_no_longer_signs_them_in(client, sso_on, shona):
    _sign_in(client, "shona")
    assert client.get("/").wsgi_request.user == shona

    User.objects.filter(pk=shona.pk).update(is_active=False)

    assert not client.get("/").wsgi_request.user.is_authenticated


def test_the_sign_in_page_offers_the_organisation_and_passwords(client, sso_on):
    page = client.get("/sign-in/?next=/proposals/").text

    assert "Sign in with Example Org" in page
    assert 'href="/sso/start/?next=/proposals/"' in page
    assert 'name="password"' in page and "Or with a password for this service" in page


def test_with_sso_required_there_are_no_passwords(client, sso_on, settings, shona):
    settings.SSO_REQUIRED = True
    shona.set_password("a-password-1234")
    shona.save()

    page = client.get("/sign-in/").text
    posted = client.post(
        "/sign-in/", {"username": shona.email, "password": "a-password-1234"}, follow=True
    )

    assert "Sign in with Example Org" in page and 'name="password"' not in page
    assert "Sign in with Example Org." in posted.text
    assert not posted.wsgi_request.user.is_authenticated
    assert client.get("/password/reset/").status_code == 404


def test_without_sso_its_pages_are_not_there_and_passwords_work(client, settings):
    settings.OIDC_ISSUER = ""

    assert client.get("/sso/start/").status_code == 404
    assert client.get("/sso/callback/?code=x&state=y").status_code == 404
    page = client.get("/sign-in/").text
    assert "Sign in with" not in page and 'name="password"' in page


def test_the_provider_away_is_said_so(client, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens there
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID

    response = client.get("/sso/start/")

    assert response["Location"] == "/sign-in/"
    assert _said(response) == [sso.UNAVAILABLE]


def test_a_password_form_sent_with_a_code_in_its_address_is_only_a_password(client, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # a provider asked now would be a 500
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    UserFactory(email="ann@example.org")

    response = client.post(
        "/sign-in/?code=x&state=y", {"username": "ann@example.org", "password": "wrong"}
    )

    assert response.status_code == 200  # the form again, with its error
    assert not response.wsgi_request.user.is_authenticated


def test_refusals_through_sso_lock_nobody_out(client, sso_on, shona):
    from axes.models import AccessAttempt

    for _ in range(7):  # more than SIGN_IN_FAILURE_LIMIT people refused behind one address
        assert _sign_in(Client(), "outsider")["Location"] == "/sign-in/"

    assert not AccessAttempt.objects.exists()  # neither counted nor kept with their codes
    assert _sign_in(client, "shona")["Location"] == "/"


def test_a_person_is_linked_to_the_providers_subject_at_first_sign_in(client, sso_on, shona):
    _sign_in(client, "shona")
    shona.refresh_from_db()
    assert shona.sso_subject == f"{sso_on.issuer}|shona"

    # Someone else in the directory given her address later is not let in as her.
    User.objects.filter(pk=shona.pk).update(sso_subject=f"{sso_on.issuer}|the-real-shona")
    other = Client()
    response = _sign_in(other, "shona")

    assert response["Location"] == "/sign-in/"
    assert _said(response) == [sso.LINKED_ELSEWHERE]


def test_with_sso_required_the_admin_takes_no_password_either(client, sso_on, settings):
    settings.SSO_REQUIRED = True
    settings.AUTHENTICATION_BACKENDS = [  # as the settings compute them with SSO_REQUIRED
        backend
        for backend in settings.AUTHENTICATION_BACKENDS
        if backend != "django.contrib.auth.backends.ModelBackend"
    ]
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    admin.set_password("a-password-1234")
    admin.save()

    response = client.post(
        "/admin/login/", {"username": "root@example.org", "password": "a-password-1234"}
    )

    assert response.status_code == 200  # the form again: not signed in
    assert not response.wsgi_request.user.is_authenticated


def test_a_subject_already_linked_to_someone_else_does_not_take_over_another(client, sso_on, shona):
    UserFactory(email="old.address@example.org", sso_subject=f"{sso_on.issuer}|shona")

    response = _sign_in(client, "shona")  # the directory now gives Shona's address to them

    assert response["Location"] == "/sign-in/"
    assert _said(response) == [sso.LINKED_ELSEWHERE]
    shona.refresh_from_db()
    assert shona.sso_subject == ""


def test_a_newcomer_whose_subject_is_linked_to_someone_else_is_refused(client, sso_on):
    UserFactory(email="someone.else@example.org", sso_subject=f"{sso_on.issuer}|newcomer")

    response = _sign_in(client, "newcomer")

    assert response["Location"] == "/sign-in/"
    assert _said(response) == [sso.LINKED_ELSEWHERE]
    assert not User.objects.filter(email="new.person@example.org").exists()
