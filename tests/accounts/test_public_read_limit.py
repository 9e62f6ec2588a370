"""The public register's pages and its API share one limit per sender and minute
(workflow.limits.limit_public_reads, accounts.throttling.PublicReadThrottle); over it, a 429 with
Retry-After, and signed-in pages are not counted."""

import datetime

import pytest

from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

HERE = {"REMOTE_ADDR": "192.0.2.20"}
# 20 seconds into a minute, so that a test's requests all fall in one window.
START = datetime.datetime(2026, 3, 2, 9, 20, 20, tzinfo=datetime.UTC)
PUBLIC_READS = [
    "/register/",
    "/register/?q=parliament&verify=https://x.com/ScotParl",
    "/register.csv",
    "/register/feed/",
    "/api/v1/accounts/",
    "/api/v1/verify?url=https://x.com/ScotParl",
]


@pytest.fixture(autouse=True)
def limit_of_three(settings, time_machine, empty_cache):
    settings.PUBLIC_READS_PER_MINUTE = 3
    time_machine.move_to(START, tick=False)


@pytest.mark.parametrize("path", PUBLIC_READS)
def test_each_public_read_is_answered_until_the_limit_then_refused(client, path):
    AccountFactory()

    answers = [client.get(path, **HERE).status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]


def test_the_pages_refusal_says_when_to_try_again_and_where_to_get_a_copy(client):
    for _ in range(3):
        client.get("/register/", **HERE)

    refused = client.get("/register/", **HERE)

    assert refused["Retry-After"] == "40"
    page = refused.text
    assert "Skip to main content" in page  # base.html: the product's layout
    assert "at most 3 requests a minute" in page
    assert "wait 40 seconds" in page
    assert 'href="/register.csv"' in page


def test_the_api_refusal_is_json_with_retry_after(client):
    for _ in range(3):
        client.get("/api/v1/accounts/", **HERE)

    refused = client.get("/api/v1/accounts/", **HERE)

    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert "throttled" in refused.json()["detail"].lower()


def test_pages_and_api_share_one_count(client):
    client.get("/register/", **HERE)
    client.get("/api/v1/verify?url=x.com/ScotParl", **HERE)
    client.get("/register.csv", **HERE)

    assert client.get("/api/v1/accounts/", **HERE).status_code == 429
    assert client.get("/register/", **HERE).status_code == 429


def test_another_sender_and_the_next_minute_start_afresh(client, time_machine):
    for _ in range(4):
        client.get("/register/", **HERE)

    assert client.get("/register/", REMOTE_ADDR="192.0.2.21").status_code == 200
    time_machine.move_to(START + datetime.timedelta(seconds=40), tick=False)
    assert client.get("/register/", **HERE).status_code == 200


def test_one_ipv6_network_shares_a_count(client):
    for host in range(1, 4):
        client.get("/register/", REMOTE_ADDR=f"2001:db8:1:2::{host}")

    assert client.get("/register/", REMOTE_ADDR="2001:db8:1:2::99").status_code == 429
    assert client.get("/register/", REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


def test_signed_in_pages_are_not_counted(client, staff):
    client.force_login(staff)
    for _ in range(5):
        assert client.get("/", **HERE).status_code == 200


@pytest.mark.parametrize("path", ["/register/", "/api/v1/accounts/"])
def test_staff_signed_in_are_not_counted_though_their_office_shares_an_address(client, staff, path):
    client.force_login(staff)

    assert {client.get(path, **HERE).status_code for _ in range(6)} == {200}
    client.logout()
    assert client.get(path, **HERE).status_code == 200  # the public count started afresh


def test_zero_turns_the_limit_off(client, settings):
    settings.PUBLIC_READS_PER_MINUTE = 0

    assert {client.get("/register/", **HERE).status_code for _ in range(10)} == {200}
