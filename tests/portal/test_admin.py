"""The Django admin cannot rewrite the register or the workflow without a trace: an account's
identity and state, a proposal's, a review's, a recertification's, a report's, the logs, and
what hangs off them (KPIs, schedules, figures) are read-only there, for a superuser too; they
change on their own pages, through the services, which log each change. A platform's reading
rules are fixed once it exists. Every admin page still renders for an administrator."""

import io

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import RequestFactory
from django_fsm import FSMField

from accounts.models import Account, AccountEvent, Platform
from accounts.services import load_platform_catalogue
from tests.factories import AccountFactory, UserFactory
from workflow.models import APPEND_ONLY, AppendOnlyRecord, EscalationRecord

pytestmark = pytest.mark.django_db


def _has_a_state(model) -> bool:
    return any(isinstance(field, FSMField) for field in model._meta.fields)


# Accounts, proposals, reviews, recertifications, reports of impersonation, and any new one.
WORKFLOW_OBJECTS = {model for model in apps.get_models() if _has_a_state(model)}


def _is_workflow_record(model) -> bool:
    """A workflow object (it has a state), a log, an escalation, or anything hanging off a
    workflow object (its KPIs, schedules, figures)."""
    return (
        model in WORKFLOW_OBJECTS
        or issubclass(model, AppendOnlyRecord | EscalationRecord)
        or APPEND_ONLY in {trigger.name for trigger in getattr(model._meta, "triggers", [])}
        or any(
            field.is_relation and field.related_model in WORKFLOW_OBJECTS
            for field in model._meta.fields
        )
    )


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_every_workflow_record_is_read_only_in_the_admin_even_for_a_superuser():
    superuser = UserFactory(is_superuser=True, is_staff=True)
    request = _request(superuser)
    guarded = {
        model._meta.label: (
            model_admin.has_add_permission(request),
            model_admin.has_change_permission(request),
            model_admin.has_delete_permission(request),
        )
        for model, model_admin in admin.site._registry.items()
        if _is_workflow_record(model)
    }

    assert {
        "accounts.Account",
        "proposals.Proposal",
        "evaluation.Review",
        "evaluation.Recertification",
        "accounts.ImpersonationReport",
        "evaluation.KPI",
        "evaluation.ReviewSchedule",
        "evaluation.RecertificationSchedule",
        "proposals.Decision",
    } <= set(guarded)
    assert {label: perms for label, perms in guarded.items() if any(perms)} == {}


@pytest.fixture
def scot_parl(office, dcct):
    load_platform_catalogue()
    account = AccountFactory(
        platform=Platform.objects.get(slug="x"),
        handle="ScotParl",
        url="https://x.com/ScotParl",
        display_name="Scottish Parliament",
        office=office,
    )
    AccountEvent.objects.create(
        account=account, actor=dcct, actor_role="DCCT", action="import", comment="From inventory."
    )
    return account


def _verify(client, address):
    client.logout()
    return client.get("/api/v1/verify", {"url": address}).json()["official"]


@pytest.mark.parametrize("persona", ["administrator", "superuser"])
def test_the_admin_cannot_change_an_accounts_handle_or_state(client, scot_parl, persona, request):
    user = (
        UserFactory(is_superuser=True, is_staff=True)
        if persona == "superuser"
        else request.getfixturevalue("administrator")
    )
    client.force_login(user)
    url = f"/admin/accounts/account/{scot_parl.pk}/change/"

    page = client.get(url)
    response = client.post(
        url,
        {
            "platform": scot_parl.platform_id,
            "handle": "Impostor",
            "url": "https://x.com/Impostor",
            "display_name": "Scottish Parliament",
            "office": scot_parl.office_id,
            "kind": "corporate",
            "state": "live",
        },
    )

    assert page.status_code == 200 and 'name="handle"' not in page.text
    assert response.status_code == 403
    scot_parl.refresh_from_db()
    assert (scot_parl.handle, scot_parl.url) == ("ScotParl", "https://x.com/ScotParl")
    assert scot_parl.events.count() == 1
    assert _verify(client, "https://x.com/Impostor") is False
    assert _verify(client, "https://x.com/ScotParl") is True


def test_the_admin_cannot_add_or_delete_an_account(client, scot_parl, administrator, office):
    client.force_login(administrator)

    add = client.post(
        "/admin/accounts/account/add/",
        {
            "platform": scot_parl.platform_id,
            "handle": "Impostor",
            "display_name": "Impostor",
            "office": office.pk,
            "kind": "corporate",
        },
    )
    delete = client.post(f"/admin/accounts/account/{scot_parl.pk}/delete/", {"post": "yes"})

    assert (add.status_code, delete.status_code) == (403, 403)
    assert list(Account.objects.values_list("handle", flat=True)) == ["ScotParl"]


def test_the_account_admin_shows_its_log_and_where_it_changes(client, scot_parl, administrator):
    client.force_login(administrator)

    page = client.get(f"/admin/accounts/account/{scot_parl.pk}/change/")

    assert page.status_code == 200
    assert "ScotParl" in page.text and "https://x.com/ScotParl" in page.text
    assert 'name="handle"' not in page.text and 'name="_save"' not in page.text
    assert "From inventory." in page.text  # the account's log, read-only
    assert f'href="/accounts/{scot_parl.pk}/"' in page.text
    assert "DCCT records its name, handle and address during set-up" in page.text


def test_a_platforms_reading_rules_cannot_be_changed_in_the_admin(client, scot_parl, administrator):
    x = scot_parl.platform
    rules = {name: getattr(x, name) for name in ("slug", "hosts", "profile_path", "internal")}
    client.force_login(administrator)
    url = f"/admin/accounts/platform/{x.pk}/change/"

    page = client.get(url)
    response = client.post(
        url,
        {
            "name": "X",
            "icon": x.icon,
            "sort_order": x.sort_order,
            "active": "on",
            "slug": "evil",
            "internal": "on",
            "hosts": '["x.com", "evil.example"]',
            "profile_path": r"^/(?P<handle>.+)$",
            "handle_pattern": ".*",
            "canonical_url": "https://evil.example/{handle}",
            "handles_case_sensitive": "on",
        },
    )

    assert page.status_code == 200 and 'name="hosts"' not in page.text
    assert 'name="name"' in page.text
    assert response.status_code == 302
    x.refresh_from_db()
    assert x.name == "X"  # what is not a reading rule may still be edited
    assert {name: getattr(x, name) for name in rules} == rules
    assert (x.canonical_url, x.handles_case_sensitive) == ("https://x.com/{handle}", False)
    assert _verify(client, "https://evil.example/ScotParl") is False
    assert _verify(client, "https://x.com/ScotParl") is True


NEW_PLATFORM = {
    "name": "Pixelfed",
    "slug": "pixelfed",
    "icon": "camera",
    "hosts": '["pixelfed.social"]',
    "profile_path": r"^/(?P<handle>[A-Za-z0-9_]{1,30})$",
    "handle_pattern": r"^[A-Za-z0-9_]{1,30}$",
    "canonical_url": "https://pixelfed.social/{handle}",
    "sort_order": 200,
    "active": "on",
}


def test_the_administrator_adds_a_new_platform_with_its_rules(client, administrator):
    load_platform_catalogue()
    client.force_login(administrator)

    response = client.post("/admin/accounts/platform/add/", NEW_PLATFORM)

    assert response.status_code == 302
    platform = Platform.objects.get(slug="pixelfed")
    assert (platform.hosts, platform.canonical_url) == (
        ["pixelfed.social"],
        "https://pixelfed.social/{handle}",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hosts", '["www.twitter.com"]', "Already read by another platform: twitter.com (X"),
        ("hosts", '["Pixelfed.Social"]', "A list of host names in lower case"),
        ("hosts", '"pixelfed.social"', "A list of host names in lower case"),
        ("hosts", '["https://pixelfed.social/"]', "A list of host names in lower case"),
        ("profile_path", r"^/(?P<handle>[a-z", "Not a regular expression"),
        ("profile_path", r"^/([a-z]+)$", "Name the handle"),
        ("handle_pattern", "(", "Not a regular expression"),
        ("canonical_url", "http://pixelfed.social/{handle}", "An address starting https://"),
        ("canonical_url", "https://pixelfed.social/{user}", "An address starting https://"),
        (
            "canonical_url",
            "https://pixelfed.social/{handle}/{handle}",
            "An address starting https://",
        ),
        ("canonical_url", "https://pixelfed.social/{handle", "An address starting https://"),
    ],
)
def test_a_new_platform_with_rules_that_would_mislead_the_lookup_is_refused(
    client, administrator, field, value, message
):
    load_platform_catalogue()
    client.force_login(administrator)

    response = client.post("/admin/accounts/platform/add/", {**NEW_PLATFORM, field: value})

    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors[field][0]
    assert not Platform.objects.filter(slug="pixelfed").exists()


@pytest.mark.parametrize(
    ("template", "accepted"),
    [
        ("https://{server}/@{name}", True),
        ("https://{server}/users/{name}", True),
        ("https://{server}/@{handle}", False),  # a federated handle is name@server
        ("https://pixelfed.social/{name}", False),  # its server is the account's own
        ("https://{server}/@{name}/{name}", False),
        ("https://pixelfed.social/{server}/{name}", False),  # its accounts' own server first
    ],
)
def test_a_federated_platforms_address_names_the_server_and_the_name(
    client, administrator, template, accepted
):
    load_platform_catalogue()
    client.force_login(administrator)
    federated = {**NEW_PLATFORM, "hosts": "[]", "federated": "on", "canonical_url": template}

    response = client.post("/admin/accounts/platform/add/", federated)

    assert Platform.objects.filter(slug="pixelfed", federated=True).exists() is accepted
    if not accepted:
        errors = response.context["adminform"].form.errors["canonical_url"]
        assert errors == [
            "An address starting https://{server}/ with {name} and {server} in it once, and no "
            "other {}."
        ]


def test_every_admin_page_renders_for_an_administrator(client, administrator):
    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(administrator)
    request = _request(administrator)
    failures, opened = [], []
    for model, model_admin in admin.site._registry.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}"
        seen = 200 if model_admin.has_view_or_change_permission(request) else 403
        pages = {f"{base}/": seen}
        pages[f"{base}/add/"] = 200 if model_admin.has_add_permission(request) else 403
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages[f"{base}/{first.pk}/change/"] = seen
            pages[f"{base}/{first.pk}/history/"] = seen
        for url, expected in pages.items():
            status = client.get(url).status_code
            if status != expected:
                failures.append(f"{url}: {status}, expected {expected}")
            elif status == 200:
                opened.append(url)

    assert failures == []
    assert client.get("/admin/").status_code == 200
    assert len(opened) > 25  # the pages of (nearly) every model, not just a few


def test_the_admin_is_closed_to_people_without_the_role(client, staff, dcct):
    for person in (staff, dcct, AnonymousUser()):
        if person.is_authenticated:
            client.force_login(person)
        response = client.get("/admin/accounts/account/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
