"""Password reset requests are limited per address and per email address (people.views.
PasswordResetView); the limit tells nobody whether an email address has an account."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HERE = {"REMOTE_ADDR": "192.0.2.10"}
# The middle of an hour, so that a test's requests all fall in one window.
START = datetime.datetime(2026, 3, 2, 9, 20, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fresh_limits(settings, time_machine, empty_cache):
    settings.PASSWORD_RESETS_PER_ADDRESS = 10
    settings.PASSWORD_RESETS_PER_EMAIL = 3
    time_machine.move_to(START, tick=False)


def ask(client, email, **extra):
    return client.post("/password/reset/", {"email": email}, **{**HERE, **extra})


def test_three_requests_for_one_email_are_sent_and_the_fourth_is_refused(client, staff):
    answers = [ask(client, staff.email) for _ in range(3)]

    assert all(a.url == reverse("password_reset_done") for a in answers)
    assert len(mail.outbox) == 3
    refused = ask(client, staff.email)
    assert refused.status_code == 429
    assert len(mail.outbox) == 3


def test_the_refusal_says_when_to_try_again_in_the_layout(client, staff):
    for _ in range(3):
        ask(client, staff.email)

    refused = ask(client, staff.email)

    assert refused["Retry-After"] == str(40 * 60)
    page = refused.text
    assert "Skip to main content" in page  # base.html: the product's layout
    assert "Too many reset requests" in page
    assert "try again in about 40 minutes" in page
    assert "Nothing was sent this time" in page


def test_the_email_limit_counts_every_spelling_of_the_address(client, staff):
    for email in (staff.email, staff.email.upper(), f"  {staff.email.title()}"):
        ask(client, email)

    assert ask(client, staff.email).status_code == 429


def test_the_limit_reads_the_same_for_an_address_nobody_has(client, staff, office):
    leaver = UserFactory(office=office, is_active=False)
    emails = (staff.email, "nobody@example.org", leaver.email)
    answers = {  # from three addresses, so that only the email limit is reached
        email: [ask(client, email, REMOTE_ADDR=f"192.0.2.{n}") for _ in range(4)]
        for n, email in enumerate(emails)
    }

    shapes = {
        email: [(a.status_code, a.get("Location"), a.get("Retry-After")) for a in replies]
        for email, replies in answers.items()
    }
    assert shapes[staff.email] == shapes["nobody@example.org"] == shapes[leaver.email]
    refusals = {replies[-1].text for replies in answers.values()}
    assert len(refusals) == 1  # the same page, word for word
    assert staff.email not in refusals.pop()


def test_other_people_can_still_ask_when_one_email_is_refused(client, staff, office):
    colleague = UserFactory(office=office)
    for _ in range(4):
        ask(client, staff.email)

    assert ask(client, colleague.email).url == reverse("password_reset_done")
    assert mail.outbox[-1].to == [colleague.email]


def test_one_address_may_ask_ten_times_an_hour_whatever_it_asks_for(client):
    answers = [ask(client, f"person-{n}@example.org") for n in range(10)]

    assert all(a.status_code == 302 for a in answers)
    assert ask(client, "someone-else@example.org").status_code == 429
    # Another address is not held up by this one.
    assert ask(client, "someone-else@example.org", REMOTE_ADDR="198.51.100.7").status_code == 302


def test_posts_that_are_not_valid_count_against_the_address(client, staff):
    for _ in range(10):
        assert ask(client, "not-an-email").status_code == 200

    assert ask(client, staff.email).status_code == 429
    assert mail.outbox == []


def test_walking_through_an_ipv6_network_does_not_escape_the_limit(client):
    for n in range(10):
        ask(client, f"person-{n}@example.org", REMOTE_ADDR=f"2001:db8:1:2::{n + 1}")

    assert ask(client, "x@example.org", REMOTE_ADDR="2001:db8:1:2::ff").status_code == 429
    assert ask(client, "x@example.org", REMOTE_ADDR="2001:db8:1:3::1").status_code == 302


def test_the_limits_start_again_the_next_hour(client, staff, time_machine):
    for _ in range(4):
        ask(client, staff.email)
    mail.outbox.clear()

    time_machine.move_to(START + datetime.timedelta(minutes=41), tick=False)

    assert ask(client, staff.email).status_code == 302
    assert len(mail.outbox) == 1


def test_behind_the_proxy_each_visitor_has_their_own_limit(client, settings):
    settings.FORWARDED_FOR_PROXIES = 1
    proxy = "10.0.0.2"
    for n in range(10):
        ask(client, f"p{n}@example.org", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")

    forged = ask(
        client,
        "x@example.org",
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9",
    )
    other = ask(client, "x@example.org", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.10")

    assert forged.status_code == 429
    assert other.status_code == 302


def test_the_limits_are_settings(client, staff, settings):
    settings.PASSWORD_RESETS_PER_EMAIL = 1

    assert ask(client, staff.email).status_code == 302
    assert ask(client, staff.email).status_code == 429


@pytest.mark.parametrize(
    "email", ["", "x" * 5000, "a@b", "ann@example.org\u202e", "Zoë@exämple.org"]
)
def test_odd_input_is_answered_never_a_500(client, email):
    assert ask(client, email).status_code in (200, 302)
    assert mail.outbox == []


def test_the_email_limit_counts_unicode_spellings_django_matches_too(client):
    """Django finds the person by NFKC and case folding, which reads a long s (U+017F) as "s": the
    count does too, so these spellings cannot multiply the emails one person receives."""
    UserFactory(email="sam.smith@example.org")
    for email in ("sam.smith@example.org", "ſam.smith@example.org", "SAM.ſMITH@EXAMPLE.ORG"):
        ask(client, email)

    assert ask(client, "ſam.ſmith@example.org").status_code == 429
