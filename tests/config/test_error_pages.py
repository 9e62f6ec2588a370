"""Error pages in the product's layout: 500 (config/errors.py, needing neither the database nor
the request), 400, 403, 403 for a failed CSRF check, and 404."""

import pytest
from django.test import Client, RequestFactory

from config import errors

LAYOUT = "Skip to main content"  # base.html


@pytest.fixture
def browser():
    """A client that gets the page a browser would, not the exception."""
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.urls("tests.config.error_urls")
def test_a_failing_page_answers_the_500_page_in_the_layout(browser, staff, settings):
    settings.HELP_EMAIL = "help@example.org"
    browser.force_login(staff)

    response = browser.get("/test/crash/")

    assert response.status_code == 500
    page = response.text
    assert LAYOUT in page
    assert "<title>Something went wrong – Social media governance</title>" in page
    assert 'href="mailto:help@example.org"' in page
    assert "a bug" not in page  # nothing of the error itself is shown
    assert "Content-Security-Policy" in response.headers


def test_the_500_page_needs_no_database_and_no_request(settings):
    """No django_db mark: any query here would raise, and the page would fall back to text."""
    settings.HELP_EMAIL = "help@example.org"

    response = errors.server_error(RequestFactory().get("/anything/"))

    assert response.status_code == 500
    assert LAYOUT in response.content.decode()
    assert "help@example.org" in response.content.decode()


def test_when_the_layout_itself_fails_the_500_is_plain_words(monkeypatch):
    def broken(name):
        raise RuntimeError("template engine broken")

    monkeypatch.setattr(errors.loader, "get_template", broken)

    response = errors.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Something went wrong on our side" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls("tests.config.error_urls")
def test_a_refusal_answers_403_in_the_layout_with_the_reason(browser, staff):
    browser.force_login(staff)

    response = browser.get("/test/refuse/")

    assert response.status_code == 403
    assert LAYOUT in response.text
    assert "Only DCCT may endorse a proposal." in response.text
    assert staff.full_name in response.text  # the signed-in navigation is there


@pytest.mark.django_db
def test_a_missing_page_answers_404_in_the_layout(browser, staff):
    browser.force_login(staff)

    response = browser.get("/accounts/999999/")

    assert response.status_code == 404
    assert LAYOUT in response.text
    assert "Page not found" in response.text
    assert staff.full_name in response.text


@pytest.mark.django_db
def test_an_address_nobody_has_answers_404_in_the_layout_to_visitors(browser):
    response = browser.get("/no-such-page/")

    assert response.status_code == 404
    assert LAYOUT in response.text
    assert "Page not found" in response.text


@pytest.mark.django_db
@pytest.mark.urls("tests.config.error_urls")
def test_a_request_we_cannot_read_answers_400_in_the_layout(browser, staff):
    browser.force_login(staff)

    response = browser.get("/test/suspicious/")

    assert response.status_code == 400
    assert LAYOUT in response.text
    assert "We could not understand that request" in response.text


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_answers_403_in_the_layout(csrf_client, staff):
    response = csrf_client.post("/sign-in/", {"username": staff.email, "password": "x"})

    assert response.status_code == 403
    assert LAYOUT in response.text
    assert "That form could not be accepted" in response.text
    assert "Nothing from the form you sent was saved" in response.text
