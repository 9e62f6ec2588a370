import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.handles import HandleError, handle_from_url, normalise_handle, parse_profile_url
from accounts.models import Account, Platform
from accounts.services import load_platform_catalogue
from tests.factories import AccountFactory, OfficeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    load_platform_catalogue()
    return {platform.slug: platform for platform in Platform.objects.all()}


@pytest.mark.parametrize(
    "url",
    [
        "https://x.com/ScotParl",
        "https://twitter.com/ScotParl",
        "http://www.twitter.com/scotparl/",
        "https://mobile.twitter.com/ScotParl",
        "HTTPS://X.COM/ScotParl",
        "x.com/ScotParl",
        "https://x.com/ScotParl?ref_src=twsrc#top",
        "https://x.com//ScotParl//",
        "https://m.x.com/@ScotParl",
        "https://X.com:443/ScotParl",
    ],
)
def test_spellings_of_one_x_profile_read_as_one_handle(catalogue, url):
    platform, handle = parse_profile_url(url, catalogue.values())

    assert platform.slug == "x"
    assert handle.lower() == "scotparl"


@pytest.mark.parametrize(
    "url",
    [
        "https://faketwitter.com/ScotParl",
        "https://x.com.evil.example/ScotParl",
        "https://twitter.co/ScotParl",
        "https://x.com/ScotParl/status/1",
        "https://x.com/",
    ],
)
def test_look_alikes_and_non_profiles_are_not_matched(catalogue, url):
    assert parse_profile_url(url, catalogue.values()) is None


@pytest.mark.parametrize(
    ("slug", "url", "handle"),
    [
        ("youtube", "https://m.youtube.com/@ScottishParliament/", "ScottishParliament"),
        ("facebook", "https://fb.com/scottishparliament", "scottishparliament"),
        ("instagram", "https://www.instagram.com/scotparl/", "scotparl"),
        (
            "linkedin",
            "https://www.linkedin.com/company/the-scottish-parliament/",
            "the-scottish-parliament",
        ),
        ("bluesky", "https://bsky.app/profile/scotparl.bsky.social", "scotparl.bsky.social"),
        ("threads", "https://www.threads.net/@scotparl", "scotparl"),
    ],
)
def test_each_platform_reads_its_profile_urls(catalogue, slug, url, handle):
    assert handle_from_url(catalogue[slug], url) == handle


def test_handles_are_stripped_of_at_and_space_and_checked(catalogue):
    x = catalogue["x"]
    assert normalise_handle(x, "  @ScotParl ") == "ScotParl"
    assert normalise_handle(x, "https://twitter.com/ScotParl") == "ScotParl"
    with pytest.raises(HandleError, match="not a valid"):
        normalise_handle(x, "Scot Parl!")
    with pytest.raises(HandleError, match="not a X"):
        normalise_handle(x, "https://facebook.com/ScotParl")


def test_account_clean_normalises_handle_and_sets_the_canonical_url(catalogue):
    account = Account(
        platform=catalogue["x"],
        handle="@ScotParlYouth",
        url="https://mobile.twitter.com/scotparlyouth/",
        display_name="Youth",
        office=OfficeFactory(),
    )

    account.full_clean(exclude=["state"])

    assert (account.handle, account.url) == ("ScotParlYouth", "https://x.com/ScotParlYouth")


def test_account_clean_refuses_a_url_for_another_handle(catalogue):
    account = Account(
        platform=catalogue["x"],
        handle="ScotParl",
        url="https://x.com/Someone",
        display_name="X",
        office=OfficeFactory(),
    )

    with pytest.raises(ValidationError) as error:
        account.full_clean(exclude=["state"])
    assert "url" in error.value.message_dict


def test_one_live_account_per_platform_and_handle_ignoring_case(catalogue):
    AccountFactory(platform=catalogue["x"], handle="ScotParl", state="live")

    with pytest.raises(IntegrityError), transaction.atomic():
        AccountFactory(platform=catalogue["x"], handle="scotparl", state="live")


def test_a_closed_account_does_not_block_its_handle(catalogue):
    closed = AccountFactory(platform=catalogue["x"], handle="ScotParl", state="closed")

    live = AccountFactory(platform=catalogue["x"], handle="ScotParl", state="live")

    same_handle = Account.objects.filter(platform=catalogue["x"], handle__iexact="scotparl")
    assert sorted(same_handle.values_list("pk", "state")) == [
        (closed.pk, "closed"),
        (live.pk, "live"),
    ]


# --- Mastodon: a federated platform, whose accounts live on any server ---------------------------


@pytest.mark.parametrize(
    "text",
    [
        "https://social.example.gov.uk/@ScotParl",
        "HTTPS://Social.Example.GOV.UK:443/@ScotParl/?ref=share#top",
        "social.example.gov.uk/@ScotParl",
        "ScotParl@social.example.gov.uk",
        "@ScotParl@Social.Example.Gov.UK.",
    ],
)
def test_a_mastodon_handle_names_its_server(catalogue, text):
    mastodon = catalogue["mastodon"]

    assert normalise_handle(mastodon, text) == "ScotParl@social.example.gov.uk"


def test_any_server_may_hold_a_mastodon_profile_but_a_known_platform_reads_its_own(catalogue):
    assert parse_profile_url("https://mastodon.social/@ScotParl", catalogue.values()) == (
        catalogue["mastodon"],
        "ScotParl@mastodon.social",
    )
    # /@name on a platform's own host is that platform's (YouTube, TikTok, Threads)...
    platform, handle = parse_profile_url("https://www.youtube.com/@ScotParl", catalogue.values())
    assert (platform.slug, handle) == ("youtube", "ScotParl")
    # ...and a host's address that is no profile page is nobody's.
    assert parse_profile_url("https://social.example/ScotParl", catalogue.values()) is None
    assert parse_profile_url("https://10.0.0.1/@ScotParl", catalogue.values()) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ScotParl", "with its server, as name@server.example"),
        ("@ScotParl@", "with its server"),
        ("ScotParl@localhost", "not the name of a server on the internet"),
        ("ScotParl@192.168.1.10", "not the name of a server on the internet"),
        ("ScotParl@social.example:8080", "not the name of a server on the internet"),
        ("Scot.Parl@social.example", "is not a valid Mastodon handle"),
        ("https://social.example/users/ScotParl/statuses/1", "is not a profile page"),
    ],
)
def test_a_mastodon_handle_without_a_real_server_is_refused(catalogue, text, message):
    with pytest.raises(HandleError, match=message):
        normalise_handle(catalogue["mastodon"], text)


def test_a_mastodon_account_gets_its_servers_address_and_no_other_servers(catalogue):
    mastodon, office = catalogue["mastodon"], OfficeFactory()
    account = Account(platform=mastodon, handle="@ScotParl@Social.Example", office=office)
    account.display_name = "Scottish Parliament"

    account.full_clean(exclude=["state"])

    assert (account.handle, account.url) == (
        "ScotParl@social.example",
        "https://social.example/@ScotParl",
    )
    elsewhere = Account(
        platform=mastodon,
        handle="ScotParl@social.example",
        url="https://other.example/@ScotParl",
        display_name="Scottish Parliament",
        office=office,
    )
    with pytest.raises(ValidationError, match=r"This address is for “ScotParl@other\.example”"):
        elsewhere.full_clean(exclude=["state"])


def test_a_federated_platform_without_a_pattern_still_wants_a_real_server(catalogue):
    lax = Platform(name="Lax", slug="lax", federated=True, profile_path=r"^/@(?P<handle>\w+)$")

    assert normalise_handle(lax, "someone@xn--bcher-kva.example") == "someone@xn--bcher-kva.example"
    for server in ("1.2.3.4", "host", "host:8080", "-bad.example", "a..example"):
        with pytest.raises(HandleError, match="not the name of a server"):
            normalise_handle(lax, f"someone@{server}")
