"""The public register, the "is this official?" lookup and the read-only API."""

import datetime

import pytest

from accounts.models import Platform
from accounts.services import load_platform_catalogue
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(office):
    load_platform_catalogue()
    x = Platform.objects.get(slug="x")
    live = AccountFactory(
        platform=x,
        handle="ScotParl",
        display_name="Scottish Parliament",
        state="live",
        office=office,
        url="https://x.com/ScotParl",
    )
    live.members.create(person=UserFactory(email="secret.owner@example.org"), role="owner")
    closed = AccountFactory(
        platform=x,
        handle="SP_Women",
        display_name="Women 2021",
        state="closed",
        closed_on=datetime.date(2025, 3, 31),
        office=office,
    )
    hidden = {
        state: AccountFactory(
            platform=x,
            handle=f"Hidden{state}",
            display_name=f"Hidden {state}",
            state=state,
            office=office,
        )
        for state in ("setting_up",)
    }
    return {"live": live, "closed": closed, "hidden": hidden}


SPELLINGS = [
    "https://x.com/ScotParl",
    "https://twitter.com/ScotParl",
    "http://www.twitter.com/scotparl/",
    "https://mobile.twitter.com/ScotParl?lang=en",
    "HTTPS://X.COM/SCOTPARL",
    "x.com/ScotParl",
    "www.x.com/ScotParl#top",
    "https://m.twitter.com/ScotParl/",
    "https://x.com/@ScotParl",
    "@ScotParl",
    "scotparl",
    "https://x.com//ScotParl//",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_of_the_account_is_official(client, register, spelling):
    response = client.get("/api/v1/verify", {"url": spelling})

    body = response.json()
    assert (body["official"], body["status"]) == (True, "live")
    assert body["account"]["id"] == register["live"].pk


@pytest.mark.parametrize(
    "spelling",
    [
        "https://faketwitter.com/ScotParl",
        "https://x.com.evil.example/ScotParl",
        "https://x.com/ScotParl_Official",
        "@ScotParI",
        "https://twitter.co/ScotParl",
        "https://x.com/HiddenSetting_up",
    ],
)
def test_look_alikes_and_unknown_accounts_are_not_official(client, register, spelling):
    body = client.get("/api/v1/verify", {"url": spelling}).json()

    assert body == {
        "official": False,
        "status": "unknown",
        "account": None,
        "message": "Not an official account of the Scottish Parliament that we know of.",
    }


def test_a_closed_account_says_no_longer_official_with_its_date(client, register):
    body = client.get("/api/v1/verify", {"url": "https://twitter.com/sp_women"}).json()

    assert (body["official"], body["status"]) == (False, "closed")
    assert body["message"] == "No longer official: this account was closed on 31 March 2025."
    assert body["account"]["closed_on"] == "2025-03-31"


def test_verify_needs_something_to_check(client, register):
    assert client.get("/api/v1/verify").status_code == 400


def test_the_api_lists_live_and_closed_accounts_only_and_no_private_details(client, register):
    body = client.get("/api/v1/accounts/").json()

    handles = {row["handle"] for row in body["results"]}
    assert handles == {"ScotParl", "SP_Women"}
    text = str(body)
    assert "secret.owner" not in text and "@example.org" not in text
    assert set(body["results"][0]) == {
        "id",
        "display_name",
        "platform",
        "platform_slug",
        "handle",
        "url",
        "office",
        "kind",
        "status",
        "official",
        "went_live_on",
        "closed_on",
    }


def test_the_api_filters_by_platform_office_and_status(client, register, other_office):
    AccountFactory(
        platform=Platform.objects.get(slug="instagram"),
        handle="scotparl",
        state="live",
        office=other_office,
    )

    assert client.get("/api/v1/accounts/?platform=instagram").json()["count"] == 1
    assert client.get(f"/api/v1/accounts/?office={other_office.pk}").json()["count"] == 1
    assert client.get("/api/v1/accounts/?status=closed").json()["count"] == 1


def test_the_api_pages(client, register, office):
    x = Platform.objects.get(slug="x")
    for number in range(60):
        AccountFactory(platform=x, handle=f"Extra{number}", state="live", office=office)

    first = client.get("/api/v1/accounts/").json()

    assert (first["count"], len(first["results"])) == (62, 50)
    assert first["next"].endswith("page=2")


def test_the_api_is_described_by_an_openapi_schema(client, register):
    schema = client.get("/api/v1/openapi.json").json()

    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/accounts/", "/api/v1/verify"} <= set(schema["paths"])


def test_the_api_is_read_only(client, register):
    assert client.post("/api/v1/accounts/", {}).status_code == 405


def test_the_public_register_needs_no_sign_in_and_hides_what_is_not_public(client, register):
    page = client.get("/register/?status=all").text

    assert "Scottish Parliament" in page and "Women 2021" in page
    assert "closed 31 March 2025" in page
    assert "Hidden" not in page
    assert "secret.owner" not in page


def test_the_public_register_checks_an_address(client, register):
    page = client.get("/register/", {"verify": "https://mobile.twitter.com/scotparl"}).text
    assert "Yes: this is an official account" in page

    page = client.get("/register/", {"verify": "https://faketwitter.com/ScotParl"}).text
    assert "may be impersonating us" in page


def test_the_register_and_api_run_a_fixed_number_of_queries(
    client, register, office, django_assert_max_num_queries
):
    from accounts.models import Account

    x = Platform.objects.get(slug="x")

    def add(count):
        start = Account.objects.count()
        Account.objects.bulk_create(
            Account(
                platform=x,
                handle=f"More{start + n}",
                display_name=f"More {n}",
                office=office,
                state=("live", "closed")[n % 2],
            )
            for n in range(count)
        )

    add(3)  # 5 accounts in all
    with django_assert_max_num_queries(8) as few:
        client.get("/api/v1/accounts/")
        client.get("/register/")
    add(495)  # 500
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/api/v1/accounts/")
        client.get("/register/")


@pytest.mark.parametrize(
    "text",
    [
        "http://[x.com/ScotParl",
        "https://[::1/ScotParl",
        "x.com\uff03/ScotParl",
        "\x00ScotParl",
        "a" * 5000,
        "https://x.com:99999/Nobody",
        "🙂",
        "   ",
    ],
)
def test_odd_input_never_breaks_the_lookup(client, register, text):
    api = client.get("/api/v1/verify", {"url": text})
    page = client.get("/register/", {"verify": text})

    assert api.status_code in (200, 400)
    # A NUL character is refused for the whole site (workflow/middleware.py); anything else
    # is looked up and answered on the page.
    assert page.status_code == (400 if "\x00" in text else 200)
    if api.status_code == 200:
        assert api.json()["official"] is False or text.strip("\x00") == "ScotParl"


@pytest.mark.parametrize("value", ["²", "9" * 30, "-1", "x"])
def test_odd_filters_are_ignored_not_a_500(client, register, dcct, value):
    assert client.get("/register/", {"office": value}).status_code == 200
    client.force_login(dcct)
    assert client.get("/dashboard/", {"office": value}).status_code == 200


def test_a_bare_handle_on_a_case_sensitive_platform_must_match_its_case(client, register, office):
    channel = Platform.objects.get(slug="whatsapp-channel")
    AccountFactory(platform=channel, handle="0029VaAbCdEfGh", state="live", office=office)

    assert client.get("/api/v1/verify", {"url": "0029VAABCDEFGH"}).json()["official"] is False
    assert client.get("/api/v1/verify", {"url": "0029VaAbCdEfGh"}).json()["official"] is True


def test_a_bare_handle_says_which_platforms_it_is_official_on(client, register):
    body = client.get("/api/v1/verify", {"url": "@ScotParl"}).json()

    assert body["message"] == (
        "Official on X (Twitter) only: on any other platform an account with this name is "
        "not the Scottish Parliament's."
    )


def test_the_public_register_says_whose_it_is_and_links_to_their_website(client, settings):
    settings.ORGANISATION_NAME = "The Scottish Parliament"
    settings.ORGANISATION_URL = "https://www.parliament.scot"

    page = client.get("/register/").text

    assert "<title>Register of official accounts – The Scottish Parliament</title>" in page
    assert 'href="https://www.parliament.scot"' in page
    assert "Social media governance" not in page


def test_the_feed_is_atom_and_names_register_changes_but_no_one(client, register, empty_cache):
    import feedparser

    from accounts.models import AccountEvent

    live, closed = register["live"], register["closed"]
    actor = UserFactory(full_name="Private Person")
    for account, action in [(live, "go_live"), (closed, "mark_closed"), (live, "hand_over")]:
        AccountEvent.objects.create(account=account, actor=actor, actor_role="DCCT", action=action)

    response = client.get("/register/feed/")
    feed = feedparser.parse(response.content)

    assert response["Content-Type"].startswith("application/atom+xml")
    assert not feed.bozo and feed.version == "atom10"
    titles = [entry.title for entry in feed.entries]
    assert titles == [
        "Women 2021 on X (Twitter) is no longer official: it has closed",
        "Scottish Parliament on X (Twitter) is now an official account",
    ]
    assert "verify=https%3A%2F%2Fx.com%2FScotParl" in feed.entries[1].link
    assert "Private Person" not in response.text and "secret.owner" not in response.text
    assert "max-age=900" in response["Cache-Control"]


def test_the_register_downloads_as_csv_with_the_pages_filters(client, register, empty_cache):
    import csv as csv_module

    live = register["live"]
    AccountFactory(
        platform=live.platform,
        handle="EqualsSign",
        display_name="=HYPERLINK(1)",
        state="live",
        office=live.office,
    )

    every = client.get("/register.csv?status=all")
    only_closed = client.get("/register/?status=closed&format=csv")

    rows = list(csv_module.reader(every.content.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["Platform", "Name", "Handle"]
    names = {row[1] for row in rows[1:]}
    assert {"Scottish Parliament", "Women 2021", "'=HYPERLINK(1)"} <= names
    closed_rows = list(csv_module.reader(only_closed.content.decode("utf-8-sig").splitlines()))
    assert [row[1] for row in closed_rows[1:]] == ["Women 2021"]
    assert "secret.owner" not in every.content.decode()


def test_the_register_page_links_its_feed_and_download(client, register):
    page = client.get("/register/?platform=x").text

    assert 'href="/register/feed/"' in page
    assert "platform=x&amp;format=csv" in page


def test_the_api_lists_what_changed_since_a_moment_for_mirroring(client, register):
    from django.utils import timezone

    from accounts.models import Account

    closed = register["closed"]
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Account.objects.filter(pk=closed.pk).update(state_changed_at=long_ago)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    recent = client.get("/api/v1/accounts/", {"changed_since": since}).json()
    refused = client.get("/api/v1/accounts/", {"changed_since": "last tuesday"})

    assert [a["display_name"] for a in recent["results"]] == ["Scottish Parliament"]
    assert refused.status_code == 400


def test_a_platform_no_longer_offered_still_vouches_for_its_accounts(client, register):
    """`active` only stops new proposals: the lookup still reads its addresses, and the
    register's filter still offers it while it has accounts on the register."""
    Platform.objects.filter(slug="x").update(active=False)

    live = client.get("/api/v1/verify", {"url": "https://twitter.com/ScotParl"}).json()
    closed = client.get("/api/v1/verify", {"url": "https://x.com/SP_Women"}).json()
    page = client.get("/register/").text

    assert live["official"] is True
    assert closed["status"] == "closed"
    assert '<option value="x"' in page


def test_the_filter_leaves_out_a_withdrawn_platform_with_nothing_on_the_register(client, register):
    Platform.objects.filter(slug="flickr").update(active=False)
    Platform.objects.filter(slug="threads").update(active=True)

    page = client.get("/register/").text

    assert '<option value="flickr"' not in page
    assert '<option value="threads"' in page


@pytest.mark.parametrize(
    ("text", "official"),
    [
        ("ScotParl.tv", False),  # a browser opens scotparl.tv, which anyone may hold
        ("scotparl.tv", False),
        ("@ScotParl.tv", True),  # written as a handle: the Instagram account
        ("scotparl.bsky.social", True),  # a Bluesky handle is its owner's own domain
        ("@scotparl.bsky.social", True),
    ],
)
def test_a_bare_handle_with_a_dot_is_a_web_address_unless_written_as_a_handle(
    client, register, office, text, official
):
    instagram = Platform.objects.get(slug="instagram")
    bluesky = Platform.objects.get(slug="bluesky")
    AccountFactory(platform=instagram, handle="ScotParl.tv", state="live", office=office)
    AccountFactory(platform=bluesky, handle="scotparl.bsky.social", state="live", office=office)

    body = client.get("/api/v1/verify", {"url": text}).json()

    assert body["official"] is official
    if not official:
        assert "write it with @ in front" in body["message"]


def test_the_feed_says_every_step_that_changes_the_register():
    from accounts.feeds import REGISTER_CHANGES
    from accounts.models import REGISTER_ACTIONS

    assert sorted(REGISTER_CHANGES) == sorted(REGISTER_ACTIONS)
