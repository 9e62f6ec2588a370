"""Signing in through the organisation's single sign-on, in a browser, against a real OpenID
provider on 127.0.0.1 (tests/oidc)."""

import pytest

from tests.e2e.conftest import SCREENSHOTS
from tests.factories import UserFactory
from tests.oidc import CLIENT_ID, CLIENT_SECRET, running_provider

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_signs_in_with_their_organisation(page, live_server, settings, screenshot):
    with running_provider(f"{live_server.url}/sso/callback/") as provider:
        settings.OIDC_ISSUER = provider.issuer
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.SSO_NAME = "Example Org"
        settings.SSO_ALLOWED_DOMAINS = ["example.org"]
        UserFactory(email="shona.macleod@example.org", full_name="Shona MacLeod")

        page.goto("/proposals/")  # signed out: sent to sign in, and back here afterwards
        screenshot("sso-sign-in")
        page.get_by_role("link", name="Sign in with Example Org").click()

        page.wait_for_url(f"{provider.issuer}/**")
        page.fill('input[name="login"]', "shona")
        page.fill('input[name="password"]', "any")
        page.get_by_role("button", name="Sign-in").click()
        page.get_by_role("button", name="Continue").click()

        page.wait_for_url(f"{live_server.url}/proposals/")
        assert page.get_by_role("button", name="Shona MacLeod").is_visible()
        screenshot("sso-signed-in")

        # Someone unknown, from another domain, in another browser: turned back, told why.
        other = page.context.browser.new_context(base_url=live_server.url, locale="en-GB")
        elsewhere = other.new_page()
        elsewhere.goto("/sign-in/")
        elsewhere.get_by_role("link", name="Sign in with Example Org").click()
        elsewhere.wait_for_url(f"{provider.issuer}/**")
        elsewhere.fill('input[name="login"]', "outsider")
        elsewhere.fill('input[name="password"]', "any")
        elsewhere.get_by_role("button", name="Sign-in").click()
        elsewhere.get_by_role("button", name="Continue").click()
        elsewhere.wait_for_url(f"{live_server.url}/sign-in/")
        alert = elsewhere.get_by_role("alert")
        assert "There is no account in this service for your email address" in alert.inner_text()
        elsewhere.screenshot(path=str(SCREENSHOTS / "sso-refused.png"), full_page=True)
        other.close()
