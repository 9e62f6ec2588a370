"""A signed-in session ends after a working day without a request (SESSION_IDLE_HOURS), and a
person who keeps working stays signed in (people.middleware.ExtendActiveSessions)."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 8, 30, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def signed_in(client, staff, time_machine):
    time_machine.move_to(START, tick=False)
    response = client.post("/sign-in/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def at(time_machine, delta):
    time_machine.move_to(START + delta, tick=False)


def still_signed_in(client):
    response = client.get("/")
    if response.status_code == 302:
        assert response.url.startswith("/sign-in/")
        return False
    assert response.status_code == 200
    return True


def test_the_idle_time_is_a_working_day_by_default():
    assert django_settings.SESSION_IDLE_HOURS == 9
    assert django_settings.SESSION_COOKIE_AGE == 9 * 60 * 60


def test_a_session_left_alone_for_a_working_day_ends(signed_in, time_machine):
    at(time_machine, 9 * HOUR + datetime.timedelta(minutes=1))

    assert not still_signed_in(signed_in)


def test_a_session_left_alone_for_less_than_a_working_day_goes_on(signed_in, time_machine):
    at(time_machine, 8 * HOUR + datetime.timedelta(minutes=50))

    assert still_signed_in(signed_in)


def test_a_person_who_keeps_working_stays_signed_in_past_the_idle_time(signed_in, time_machine):
    for hours in range(2, 15, 2):
        at(time_machine, hours * HOUR)
        assert still_signed_in(signed_in), f"signed out after {hours} hours of work"

    # ...until they stop for a working day.
    at(time_machine, 14 * HOUR + 9 * HOUR + datetime.timedelta(minutes=1))
    assert not still_signed_in(signed_in)


def test_the_idle_time_is_a_setting(client, staff, settings, time_machine):
    settings.SESSION_COOKIE_AGE = 60 * 60  # SESSION_IDLE_HOURS=1 in the environment
    time_machine.move_to(START, tick=False)
    client.post("/sign-in/", {"username": staff.email, "password": PASSWORD})

    at(time_machine, datetime.timedelta(minutes=50))
    assert still_signed_in(client)
    at(time_machine, datetime.timedelta(minutes=50) + HOUR + datetime.timedelta(seconds=1))
    assert not still_signed_in(client)


def test_the_cookie_lasts_the_idle_time_and_is_renewed_as_the_person_works(signed_in, time_machine):
    assert signed_in.cookies["sessionid"]["max-age"] == 9 * 60 * 60

    at(time_machine, 2 * HOUR)
    response = signed_in.get("/")

    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == 9 * 60 * 60
    assert cookie["expires"] == "Mon, 02 Mar 2026 19:30:00 GMT"  # two hours on, plus nine


def test_the_session_is_written_at_most_every_few_minutes(signed_in, time_machine):
    at(time_machine, datetime.timedelta(minutes=2))
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.get("/")

    assert "sessionid" not in response.cookies
    assert not [q for q in queries if q["sql"].startswith("UPDATE") and "session" in q["sql"]]

    at(time_machine, datetime.timedelta(minutes=6))
    assert "sessionid" in signed_in.get("/").cookies


def test_the_session_can_also_end_when_the_browser_closes(client, staff, settings, time_machine):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    time_machine.move_to(START, tick=False)

    client.post("/sign-in/", {"username": staff.email, "password": PASSWORD})

    cookie = client.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a cookie for this visit only
    # The idle time still ends it on the server, however long the browser stays open.
    at(time_machine, 9 * HOUR + datetime.timedelta(minutes=1))
    assert not still_signed_in(client)


def test_visitors_who_are_not_signed_in_get_no_session(client, time_machine):
    time_machine.move_to(START, tick=False)

    response = client.get("/register/")

    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_signing_out_leaves_no_session_behind(signed_in, time_machine):
    at(time_machine, HOUR)

    response = signed_in.post("/sign-out/")

    assert not response.cookies["sessionid"].value
    assert not still_signed_in(signed_in)
