"""The POST half of the access matrix (the GET half: test_every_page.py). Every route the URL
resolver knows, for every object in every state, posted by anonymous visitors and every persona
whose role may not send it (tests/portal/access.py): refused, never a 500, and nothing stored
changes. So that a refusal proves the rule and not a bad form, each form is sent filled in as
the person it is meant for would send it (read from the page that shows it), and that same form
is shown to work when they send it."""

import time

import pytest

from tests.portal.access import WRITES, expected_refusal, may_post
from tests.portal.pages import changes, snapshot
from tests.portal.senders import Personas, form_key, post
from tests.portal.test_every_page import SHARDS, routes, urls_for, urls_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]
# Steps whose success is not a change to what the product stores, or cannot be made here: the
# session (sign in and out), a password nobody here knows, a link only an email carries.
NOT_SHOWN_TO_WORK = {
    "sign-in/",
    "sign-out/",
    "password/change/",
    "password/reset/",
    "password/reset/<uidb64>/<token>/",
}


@pytest.mark.parametrize("shard", range(SHARDS))
def test_nobody_can_post_what_their_role_does_not_allow(request, ready, spare, shard):
    matrix = Personas(request, spare)
    started = time.monotonic()
    failures, posted, refused_forms = [], 0, 0
    before = snapshot()
    for route, urls in urls_in(shard, posted=True).items():
        for url in urls:
            payloads = matrix.payloads(url) if route in WRITES else [{}]
            refused_forms += route in WRITES
            for persona, (client, user) in matrix.clients.items():
                if may_post(url, user):
                    continue
                for payload in payloads:
                    status = post(client, url, payload).status_code
                    posted += 1
                    if route in WRITES:
                        allowed = expected_refusal(url, user)
                    else:  # a page that takes no form: whatever it answers, nothing changes
                        allowed = {status} if status < 500 else set()
                    if status not in allowed:
                        failures.append(f"{persona} POST {url}: {status}, not {sorted(allowed)}")
        after = snapshot()
        if changed := changes(before, after):
            failures.append(f"POST {route} by a wrong role changed {changed}")
        before = after
    elapsed = time.monotonic() - started

    assert failures == [], "\n".join(failures)
    assert posted > 5000 / SHARDS, posted  # every route, object and persona was tried
    assert refused_forms > 400 / SHARDS
    print(f"{posted} wrong-role POSTs in {elapsed:.0f}s")


def test_each_form_the_matrix_sends_works_for_its_own_person(request, ready, spare):
    """The forms the matrix sends are real: for each form (each route, each action of a
    transition route, each section of the business case), the first object whose person may
    send it changes what is stored when they do."""
    matrix = Personas(request, spare)
    tried, worked = {}, set()
    for route in routes():
        if route not in WRITES or route in NOT_SHOWN_TO_WORK:
            continue
        for url in (u for u in urls_for(route) if "?" not in u):
            key = form_key(url)
            if key in worked or matrix.sender(url) is None:
                continue
            works = matrix.works(url)
            if works is not None:
                tried.setdefault(key, url)
            if works:
                worked.add(key)

    never = sorted(f"{key}: {url}" for key, url in tried.items() if key not in worked)
    assert never == [], "\n".join(never)
    assert {route for route, _ in worked} == set(WRITES) - NOT_SHOWN_TO_WORK
