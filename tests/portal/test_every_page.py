"""Every page of every page family, for every role and anonymous, with objects in every state:
none answers 500. The URLs come from the resolver, so a new page cannot escape this test; a
route whose arguments it cannot fill fails it until it learns them."""

import datetime

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import Account, AccountState, ImpersonationReport, ReportState
from evaluation.models import Recertification, RecertificationState, Review, ReviewState
from proposals.models import Attachment, Proposal, ProposalState
from tests.portal.access import expected_get
from tests.portal.pages import changes, snapshot
from workflow.transitions import transition_of

pytestmark = pytest.mark.django_db
PERSONAS = [
    "staff",
    "office_head",
    "owner",
    "outsider",
    "dcct",
    "hec",
    "policy_owner",
    "administrator",
]
# Odd query strings a page with lists, filters or paging must survive.
ODD_QUERIES = ["?page=abc", "?page=-1&show=nope", "?office=x&platform=%00&state=zz&status=all"]
SKIPPED = ("admin/",)  # Django's own admin, tested by Django
BOGUS = 999_999
# The states in which a proposal's business case may be edited (proposals.permissions.can_edit).
EDITABLE = {"draft", "revising"}
# The matrix and fuzz tests send tens of thousands of requests: each runs in this many parts,
# which pytest-xdist spreads over the processes of a run.
SHARDS = 4


def sharded(items, shard):
    """Every SHARDS-th of `items` (in their given order), starting at `shard`."""
    return [item for index, item in enumerate(items) if index % SHARDS == shard]


def balanced(items, shard, *, weight):
    """The items of one part when each part should carry about the same total `weight`: the
    heaviest first, each to the lightest part so far (in their given order on a tie)."""
    loads, parts = [0] * SHARDS, [[] for _ in range(SHARDS)]
    for item in sorted(items, key=weight, reverse=True):
        lightest = loads.index(min(loads))
        loads[lightest] += weight(item)
        parts[lightest].append(item)
    return parts[shard]


def urls_in(shard, *, posted=False):
    """{route: its URLs} for one part of the matrix: every SHARDS-th URL of all the routes', so
    that the parts are about the same size. `posted`: only the URLs a form is sent to."""
    pairs = [
        (route, url) for route in routes() for url in urls_for(route) if not (posted and "?" in url)
    ]
    found = {}
    for route, url in sharded(pairs, shard):
        found.setdefault(route, []).append(url)
    return found


def routes(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry, route)
        elif isinstance(entry, URLPattern) and not route.startswith(SKIPPED):
            yield route


def objects_for(route):
    if route.startswith("proposals/"):
        return Proposal, Proposal.objects.all()
    if route.startswith("reviews/"):
        return Review, Review.objects.all()
    if route.startswith("recertifications/"):
        return Recertification, Recertification.objects.all()
    if route.startswith("accounts/impersonation/"):
        return ImpersonationReport, ImpersonationReport.objects.all()
    return Account, Account.objects.all()


def actions_of(model):
    field = model._meta.get_field("state")
    return sorted({t.name for t in field.get_all_transitions(model)} | {"no_such_action"})


def actions_for(model, obj, turn):
    """The actions a transition page is tried with for one object: every action its state
    allows, a made-up one, and one real action its state does not allow, a different one for
    each `turn`, so that across the objects every action is also tried where it is refused.
    (Every action for every object, refused ones alike, is the same refusal thousands of times
    over: it made the matrix and the fuzz test a third of the suite.)"""
    every = [action for action in actions_of(model) if action != "no_such_action"]
    allowed = [a for a in every if obj is not None and transition_of(obj, a) is not None]
    refused = [a for a in every if a not in allowed]
    return [*allowed, "no_such_action", *(refused[turn % len(refused) :][:1] if refused else [])]


def urls_for(route):
    """Every URL of a route: each object, and each value of its other arguments."""
    names = [part.split(">")[0].split(":")[-1] for part in route.split("<")[1:]]
    if not names:
        return ["/" + route, *("/" + route + query for query in ODD_QUERIES)]
    if names == ["uidb64", "token"]:
        return ["/" + route.replace("<uidb64>", "MQ").replace("<token>", "set-password")]
    model, objects = objects_for(route)
    urls = []
    for turn, obj in enumerate([*objects, None]):
        values = {"pk": [obj.pk if obj else BOGUS]}
        if "section" in names:
            # Every section where the business case may be edited; elsewhere one real section
            # and one that does not exist (each refused alike).
            editable = obj is not None and obj.state in EDITABLE
            values["section"] = [*range(1, 10), 0, 99] if editable else [turn % 9 + 1, 99]
        if "action" in names:
            values["action"] = actions_for(model, obj, turn)
        if "member_id" in names:
            values["member_id"] = [m.pk for m in obj.members.all()] if obj else [BOGUS]
        if "attachment_id" in names:
            attachments = obj.attachments.all() if obj else []
            values["attachment_id"] = [a.pk for a in attachments] or [BOGUS]
        missing = set(names) - set(values)
        assert not missing, f"teach this test the arguments {missing} of {route}"
        combos = [{}]
        for name in names:
            combos = [{**c, name: v} for c in combos for v in values[name]]
        for combo in combos:
            url = route
            for name, value in combo.items():
                url = url.replace(f"<{_converter(route, name)}{name}>", str(value))
            urls.append("/" + url)
    return urls


def _converter(route, name):
    start = route.index(f"{name}>")
    opening = route.rindex("<", 0, start)
    return route[opening + 1 : start]


@pytest.fixture
def every_state(make_proposal, make_account, make_review, make_report, make_recertification, staff):
    for state in ProposalState.values:
        make_proposal(state)
    returned = make_proposal("with_office_head")
    Proposal.objects.filter(pk=returned.pk).update(state="draft")
    with_evidence = make_proposal("draft")
    # The file need not exist: a download of a missing file must not be a 500 either.
    Attachment.objects.create(
        proposal=with_evidence,
        file="evidence/missing.pdf",
        original_name="missing.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=staff,
    )
    for state in AccountState.values:
        make_account(state)
    for state in ReviewState.values:
        make_review(state)
    for state in RecertificationState.values:
        make_recertification(state)
    # Overdue past the grace period, and of an account that has since closed.
    make_recertification("open", due_on=datetime.date.today() - datetime.timedelta(days=400))
    make_recertification("open", account=make_account("closed"))
    for state in ReportState.values:  # "merged" makes the open report it joins as well
        make_report(state)
    make_report("open", platform=None, handle="", handle_key="", address="https://example.net/x")


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_page_answers_each_role_by_its_rule_and_reading_changes_nothing(
    request, every_state, shard
):
    """The GET half of the access matrix (the POST half: test_access_matrix.py): never a 500;
    the status each role's rule gives (tests/portal/access.py: 302 to sign in, 404 for what
    they may not see, 403 for what they may see but not do, 405 for a form's own URL); and
    nothing stored is changed by reading any page."""
    urls = urls_in(shard)
    assert sum(len(found) for found in urls.values()) > 500 / SHARDS  # read the resolver
    clients = {"anonymous": (Client(raise_request_exception=False), None)}
    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        clients[persona] = (Client(raise_request_exception=False), user)
        clients[persona][0].force_login(user)

    failures = []
    before = snapshot()
    for route, found in urls.items():
        for url in found:
            for persona, (client, user) in clients.items():
                status = client.get(url).status_code
                expected = expected_get(url, user)
                if status not in expected:  # no rule expects a 500 (/health/ may say 503)
                    failures.append(f"{persona} GET {url}: {status}, expected {sorted(expected)}")
        after = snapshot()
        if changed := changes(before, after):
            failures.append(f"GET {route} changed {changed}")
        before = after

    assert failures == []


def test_the_parts_of_the_matrix_hold_every_item_once():
    items = [f"item-{n}" for n in range(23)]
    for parts in (
        [sharded(items, shard) for shard in range(SHARDS)],
        [balanced(items, shard, weight=len) for shard in range(SHARDS)],
    ):
        assert sorted(item for part in parts for item in part) == sorted(items)
    weights = [sum(map(len, balanced(items, shard, weight=len))) for shard in range(SHARDS)]
    assert max(weights) - min(weights) <= max(map(len, items))
