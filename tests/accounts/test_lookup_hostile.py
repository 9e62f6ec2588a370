"""The "is this official?" lookup against look-alikes: the register must never call an address
official when a browser would open it on another host. Every answer is checked against how a
browser reads the same text (ada-url, the WHATWG URL standard), through the API
(/api/v1/verify), the register page (/register/?verify=) and the impersonation report form."""

import datetime
import re

import ada_url
import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts import register as public_register
from accounts.handles import HandleError, handle_from_url
from accounts.models import Account, ImpersonationReport, Platform
from accounts.services import load_platform_catalogue
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

NOT_KNOWN = "Not an official account of the Scottish Parliament that we know of."
USER_NAME = "official addresses never have a name before the site"
WEB_ADDRESS = "A browser would open this as a web address"
PORT = "official ones never do"
NOT_WEB = "not the address of a web page"
CANNOT_OPEN = "not an address a browser can open"


@pytest.fixture
def ours(office):
    load_platform_catalogue()
    platform = {platform.slug: platform for platform in Platform.objects.all()}
    return {
        "x": AccountFactory(platform=platform["x"], handle="ScotParl", state="live", office=office),
        "youtube": AccountFactory(
            platform=platform["youtube"], handle="ScottishParliament", state="live", office=office
        ),
        "bluesky": AccountFactory(
            platform=platform["bluesky"], handle="scotparl.bsky.social", state="live", office=office
        ),
        "closed": AccountFactory(
            platform=platform["x"],
            handle="SP_Women",
            state="closed",
            closed_on=datetime.date(2025, 3, 31),
            office=office,
        ),
    }


def verify(client, text):
    return client.get("/api/v1/verify", {"url": text})


def page_result(client, text):
    return client.get("/register/", {"verify": text}).context["result"]


# --- The browser's reading, independently of the product's code -----------------------------


def browser_reading(text):
    """The URL a browser opens for text pasted into its address bar, or None: the ends
    `trimmed`, then read as the URL standard reads it, as https when it names no scheme. Only
    http and https addresses are web pages."""
    text = trimmed(text)
    for candidate in (text, f"https://{text}"):
        try:
            url = ada_url.URL(candidate)
        except ValueError:
            continue
        return url if url.protocol in ("http:", "https:") else None
    return None


def trimmed(text):
    """The text without what a browser drops from its ends when it is pasted: the URL
    standard's spaces and controls, and the address bar's other white space."""
    return re.sub(r"^[\s\x00-\x20]+|[\s\x00-\x20]+$", "", text)


def site(host):
    """A host without the root's dot at the end (the same name in DNS) and without a www.,
    m. or mobile. in front (the platform's own sub-domains for the same pages)."""
    host = host[:-1] if host.endswith(".") and not host.endswith("..") else host
    for prefix in ("www.", "m.", "mobile."):
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def same_site(host, platform):
    """Whether a browser's host is on the platform: one of its hosts, give or take the above."""
    return site(host) in platform.hosts


def assert_opens_on_the_platform(text, account):
    url = browser_reading(text)
    assert url is not None, f"{text!r}: called official, but a browser opens no web page"
    assert same_site(url.hostname, account.platform), (
        f"{text!r}: called official for {account.platform}, but a browser opens {url.hostname}"
    )
    assert (url.username, url.password, url.port) == ("", "", ""), (
        f"{text!r}: called official with a user name or a port ({url.href})"
    )


# --- The table: real-world spellings that are the account ---------------------------------------

OFFICIAL = [
    # Ordinary spellings people paste.
    ("x", "https://x.com/ScotParl"),
    ("x", "https://twitter.com/ScotParl"),
    ("x", "http://www.twitter.com/scotparl/"),
    ("x", "https://mobile.twitter.com/ScotParl?lang=en"),
    ("x", "https://m.twitter.com/ScotParl/"),
    ("x", "HTTPS://X.COM/SCOTPARL"),
    ("x", "x.com/ScotParl"),
    ("x", "www.x.com/ScotParl#top"),
    ("x", "https://x.com/@ScotParl"),
    ("x", "https://x.com//ScotParl//"),
    ("x", "https://x.com/ScotParl?ref_src=twsrc%5Etfw&s=20"),
    ("x", "https://x.com/ScotParl?next=https://evil.org/"),  # a URL in the query: still x.com
    ("x", "https://x.com/ScotParl#@evil.org"),  # "@" in the fragment: still x.com
    ("x", "https://x.com/ScotParl/?@evil.org"),
    # The scheme's own port is no port.
    ("x", "https://X.com:443/ScotParl"),
    ("x", "http://x.com:80/ScotParl"),
    ("x", "https://x.com:0443/ScotParl"),
    ("x", "https://x.com:/ScotParl"),
    # The fully written name (root's dot) is the same name.
    ("x", "https://x.com./ScotParl"),
    # What browsers map to x.com: full-width letters and dots, ideographic full stop, a
    # percent-encoded host, an ignorable zero-width space.
    ("x", "https://ｘ．ｃｏｍ/ScotParl"),
    ("x", "https://x。com/ScotParl"),
    ("x", "https://x．com/ScotParl"),
    ("x", "https://x%2ecom/ScotParl"),
    ("x", "https://%78.com/ScotParl"),
    ("x", "https://x.com\u200b/ScotParl"),
    # What browsers drop: tabs and newlines anywhere, white space at the ends.
    ("x", "ht\ttps://x.c\nom/Scot\tParl"),
    ("x", "https://x.com/ScotParl\r\n"),
    ("x", "   https://x.com/ScotParl   "),
    ("x", "\u00a0https://x.com/ScotParl\u3000"),
    # Backslashes are slashes in http and https addresses; odd numbers of slashes after the
    # scheme still reach the host.
    ("x", "https:\\\\x.com\\ScotParl"),
    ("x", "https://x.com\\ScotParl"),
    ("x", "x.com\\ScotParl"),
    ("x", "https:x.com/ScotParl"),
    ("x", "https:/x.com/ScotParl"),
    ("x", "https:///x.com/ScotParl"),
    # A letter written as %XX is the same letter; dot segments are resolved as a browser does.
    ("x", "https://x.com/Scot%50arl"),
    ("x", "https://x.com/%53cotParl"),
    ("x", "https://x.com/about/../ScotParl"),
    ("x", "https://x.com/%2e%2e/ScotParl"),
    # An empty name before "@" is no name: a browser shows https://x.com/ScotParl.
    ("x", "https://@x.com/ScotParl"),
    # Other platforms and aliases.
    ("youtube", "https://youtu.be/@ScottishParliament"),
    ("youtube", "https://m.youtube.com/@ScottishParliament/"),
    ("youtube", "https://www.youtube.com/@scottishparliament?si=abc"),
    ("bluesky", "https://bsky.app/profile/scotparl.bsky.social"),
    # Bare handles.
    ("x", "@ScotParl"),
    ("x", "scotparl"),
    ("x", " @ScotParl\t"),
    ("bluesky", "scotparl.bsky.social"),
]


@pytest.mark.parametrize(("which", "text"), OFFICIAL)
def test_real_world_spellings_of_an_official_account_are_official(client, ours, which, text):
    body = verify(client, text).json()
    result = page_result(client, text)

    assert (body["official"], body["status"]) == (True, "live")
    assert body["account"]["id"] == ours[which].pk
    assert result["official"] is True and result["account"]["id"] == ours[which].pk


BARE_HANDLE = re.compile(r"\s*@?[\w.]+\s*")


@pytest.mark.parametrize(
    ("which", "text"), [row for row in OFFICIAL if not BARE_HANDLE.fullmatch(row[1])]
)
def test_every_official_spelling_opens_the_platform_in_a_browser(ours, which, text):
    assert_opens_on_the_platform(text, ours[which])


# --- The table: look-alikes and hostile spellings -----------------------------------------------

# (text, what the answer's message says): NOT_KNOWN, or the reason it is refused.
NOT_OFFICIAL = [
    # The reported attack: a backslash ends the host for a browser, not for urllib.
    ("https://evil.org\\@x.com/ScotParl", NOT_KNOWN),
    ("evil.org\\@x.com/ScotParl", NOT_KNOWN),
    ("https:\\\\evil.org\\@x.com/ScotParl", NOT_KNOWN),
    ("https://evil.org\\\\@x.com/ScotParl", NOT_KNOWN),
    # Percent-encoded backslash or slash: part of a user name, which is refused.
    ("https://evil.org%5C@x.com/ScotParl", USER_NAME),
    ("https://evil.org%2F@x.com/ScotParl", USER_NAME),
    ("https://evil.org%5c%40x.com/ScotParl", CANNOT_OPEN),  # "@" encoded: not a host at all
    # A user name before the host, in every disguise.
    ("https://x.com@evil.org/ScotParl", USER_NAME),
    ("https://www.x.com@evil.org/ScotParl", USER_NAME),
    ("https://ScotParl@x.com/ScotParl", USER_NAME),
    ("https://user:password@x.com/ScotParl", USER_NAME),
    ("https://:password@x.com/ScotParl", USER_NAME),
    ("https://evil.org\t@x.com/ScotParl", USER_NAME),  # the tab is dropped, the name stays
    ("https://evil.org\n@x.com/ScotParl", USER_NAME),
    ("x.com@evil.org/ScotParl", USER_NAME),
    ("https://x.com%40evil.org/ScotParl", CANNOT_OPEN),
    ("https://x.com&@evil.org/ScotParl", USER_NAME),
    ("https://x.com#@evil.org/ScotParl", NOT_KNOWN),  # the fragment holds "@": x.com, not a profile
    # "@" in the path or query after another host: the browser opens that host.
    ("https://evil.org/@x.com/ScotParl", NOT_KNOWN),
    ("https://evil.org?@x.com/ScotParl", NOT_KNOWN),
    ("https://evil.org#@x.com/ScotParl", NOT_KNOWN),
    ("https://x.com\\@evil.org/ScotParl", NOT_KNOWN),  # x.com, but no profile page
    # Ports of their own.
    ("https://x.com:8443/ScotParl", PORT),
    ("http://x.com:443/ScotParl", PORT),
    ("https://x.com:80/ScotParl", PORT),
    ("https://x.com:1/ScotParl", PORT),
    ("https://x.com:99999/ScotParl", CANNOT_OPEN),
    ("https://x.com:443:443/ScotParl", CANNOT_OPEN),
    ("x.com:443/ScotParl", NOT_WEB),  # without a scheme, "x.com:" reads as one
    # Look-alike hosts, including internationalised ones (homographs) and their punycode.
    ("https://faketwitter.com/ScotParl", NOT_KNOWN),
    ("https://x.com.evil.example/ScotParl", NOT_KNOWN),
    ("https://twitter.co/ScotParl", NOT_KNOWN),
    ("https://\u0445.com/ScotParl", NOT_KNOWN),  # Cyrillic small ha
    ("https://xn--u1a.com/ScotParl", NOT_KNOWN),
    ("https://tw\u0456tter.com/ScotParl", NOT_KNOWN),  # Ukrainian i
    ("https://xn--twtter-3ve.com/ScotParl", NOT_KNOWN),
    ("https://ｔｗｉｔｔｅｒ．ｃｏ/ScotParl", NOT_KNOWN),
    ("https://x.c\u03bfm/ScotParl", NOT_KNOWN),  # Greek omicron
    ("https://www.www.x.com/ScotParl", NOT_KNOWN),
    ("https://m.www.x.com/ScotParl", NOT_KNOWN),
    ("https://evilx.com/ScotParl", NOT_KNOWN),
    ("https://x-com.org/ScotParl", NOT_KNOWN),
    # Dots that are not dots, or one too many.
    ("https://x.com。evil.org/ScotParl", NOT_KNOWN),
    ("https://x.com．evil.org/ScotParl", NOT_KNOWN),
    ("https://evil.org%E3%80%82x.com/ScotParl", NOT_KNOWN),
    ("https://x.com../ScotParl", NOT_KNOWN),
    ("https:\uff0e//x.com/ScotParl", NOT_KNOWN),  # the host is "." and x.com is in the path
    ("https://.x.com/ScotParl", NOT_KNOWN),
    ("https://x.com\u2215evil.org/ScotParl", NOT_KNOWN),  # division slash: part of the host
    ("https://x.com\u2044evil.org/ScotParl", NOT_KNOWN),  # fraction slash
    ("https://x.com／evil.org/ScotParl", CANNOT_OPEN),  # full-width slash
    ("https://x.com＃/ScotParl", CANNOT_OPEN),  # full-width "#"
    ("x.com\uff03/ScotParl", CANNOT_OPEN),
    # Control characters and white space inside the host: no browser opens them.
    ("https://x.com\x01/ScotParl", CANNOT_OPEN),
    ("https://x .com/ScotParl", CANNOT_OPEN),
    ("https://x.com%00/ScotParl", CANNOT_OPEN),
    ("https://x.com%20/ScotParl", CANNOT_OPEN),
    # ... or inside the handle: another page.
    ("https://x.com/Scot\x01Parl", NOT_KNOWN),
    ("https://x.com/Scot Parl", NOT_KNOWN),
    ("https://x.com/ScotParl\u200b", NOT_KNOWN),
    ("https://x.com/ＳｃｏｔＰａｒｌ", NOT_KNOWN),
    # Double encoding is decoded once at most, as by the server.
    ("https://x.com/Scot%2550arl", NOT_KNOWN),
    ("https://x.com/%2553cotParl", NOT_KNOWN),
    ("https://x%252ecom/ScotParl", CANNOT_OPEN),
    # Other schemes: not web pages, whatever they contain.
    ("javascript:alert(1)//x.com/ScotParl", NOT_WEB),
    ("JavaScript:location='https://x.com/ScotParl'", NOT_WEB),
    ("data:text/html,https://x.com/ScotParl", NOT_WEB),
    ("ftp://x.com/ScotParl", NOT_WEB),
    ("file://x.com/ScotParl", NOT_WEB),
    ("ws://x.com/ScotParl", NOT_WEB),
    ("blob:https://x.com/ScotParl", NOT_WEB),
    ("view-source:https://x.com/ScotParl", NOT_WEB),
    ("ja\tvascript:alert(1)", NOT_WEB),
    # Addresses of official accounts nested in another site's address.
    ("https://evil.org/?u=https://x.com/ScotParl", NOT_KNOWN),
    ("https://evil.org/https://x.com/ScotParl", NOT_KNOWN),
    ("https://evil.org/x.com/ScotParl", NOT_KNOWN),
    ("https://evil.org#https://x.com/ScotParl", NOT_KNOWN),
    ("https://t.co/?https://x.com/ScotParl", NOT_KNOWN),
    ("//evil.org/x.com/ScotParl", NOT_KNOWN),
    # Hosts that are addresses, not names.
    ("https://[::1]/ScotParl", NOT_KNOWN),
    ("https://127.0.0.1/ScotParl", NOT_KNOWN),
    ("https://0x7f.1/ScotParl", NOT_KNOWN),
    ("http://[x.com/ScotParl", CANNOT_OPEN),
    # Not the account: other handles, other pages.
    ("https://x.com/ScotParl_Official", NOT_KNOWN),
    ("https://x.com/ScotParl/status/1", NOT_KNOWN),
    ("https://x.com/", NOT_KNOWN),
    ("https://youtu.be/ScottishParliament", NOT_KNOWN),
    ("@ScotParI", NOT_KNOWN),
    ("Scot\u200bParl", NOT_KNOWN),
    ("@@ScotParl/", USER_NAME),  # read as an address: https://@@ScotParl/
    ("ScotParl@evil.org", WEB_ADDRESS),  # a browser opens evil.org
    ("https://x.com/" + "a" * 200, NOT_KNOWN),
]


@pytest.mark.parametrize(("text", "says"), NOT_OFFICIAL)
def test_look_alikes_and_hostile_spellings_are_not_official(client, ours, text, says):
    response = verify(client, text)
    result = page_result(client, text)

    body = response.json()
    assert response.status_code == 200
    assert (body["official"], body["status"], body["account"]) == (False, "unknown", None)
    assert says.lower() in body["message"].lower()
    assert (result["official"], result["status"]) == (False, "unknown")
    assert result["message"] == body["message"]


def test_the_reported_address_is_answered_with_where_a_browser_goes(client, ours):
    backslash = verify(client, "https://evil.org\\@x.com/ScotParl").json()
    user_name = verify(client, "https://evil.org%5C@x.com/ScotParl").json()
    page = client.get("/register/", {"verify": "https://x.com@evil.org/ScotParl"}).text

    assert backslash["official"] is False and user_name["official"] is False
    assert user_name["message"] == (
        "Not an official account of the Scottish Parliament. A browser opens this address on "
        "x.com, not on the site written before the “@”: official addresses never have a name "
        "before the site."
    )
    assert "A browser opens this address on evil.org" in page
    assert "may be impersonating us" in page


def test_a_closed_account_through_a_disguise_is_refused_not_called_closed(client, ours):
    plain = verify(client, "https://x.com/SP_Women").json()
    disguised = verify(client, "https://SP_Women@x.com/SP_Women").json()

    assert plain["status"] == "closed"
    assert (disguised["status"], disguised["official"]) == ("unknown", False)


def test_a_lookup_longer_than_the_limit_is_refused_not_cut_short(client, ours):
    # Its first 300 characters are the profile; the whole of it is one of its posts.
    text = "https://x.com/ScotParl" + "\t" * 290 + "/status/1"

    assert verify(client, text).status_code == 400
    assert public_register.look_up(text).status == "unknown"
    result = page_result(client, text)
    assert result["official"] is False
    assert "longer than any profile address (300 characters at most)" in result["message"]


def test_a_handle_answer_is_only_given_for_a_bare_handle(client, ours):
    bare = verify(client, "@ScotParl").json()
    address = verify(client, "x.com\\ScotParl").json()

    assert bare["message"].startswith("Official on X (Twitter) only")
    assert address["message"].startswith("Yes: this is an official account")


# --- Generated addresses: the invariant ---------------------------------------------------------

SCHEMES = [
    "",
    "https://",
    "http://",
    "HTTPS://",
    "https:",
    "https:/",
    "https:\\\\",
    "https:///",
    "//",
    "\\\\",
    "ht\ttps://",
    " https://",
    "ftp://",
    "javascript:",
    "data:,",
    "x.com:",
]
USER_NAMES = [
    "",
    "",
    "",
    "@",
    "evil.org@",
    "evil.org\\@",
    "evil.org%5C@",
    "evil.org%2F@",
    "x.com@",
    "user:pass@",
    ":@",
    "evil.org\t@",
    "ScotParl@",
]
HOSTS = [
    "x.com",
    "twitter.com",
    "www.x.com",
    "m.twitter.com",
    "mobile.twitter.com",
    "X.COM",
    "x.com.",
    "x.com..",
    "ｘ．ｃｏｍ",
    "x。com",
    "x%2ecom",
    "%78.com",
    "\u0445.com",  # Cyrillic
    "xn--u1a.com",
    "x.com.evil.org",
    "evil.org",
    "evil.org\\",
    "evil.org%5C",
    "evil.org?",
    "evil.org#",
    "x.co",
    "faketwitter.com",
    "youtu.be",
    "bsky.app",
    "127.0.0.1",
    "[::1]",
    "x.com\u200b",
    "x.com\x01",
]
PORTS = ["", "", "", ":443", ":80", ":8443", ":", ":0443", ":99999", ":1"]
SEPARATORS = ["/", "/", "//", "\\", "%2F", "?", "#", "/@", "\t/", "/./", "/../", "/%2e%2e/"]
PATHS = [
    "ScotParl",
    "@ScotParl",
    "scotparl",
    "SCOTPARL",
    "Scot%50arl",
    "Scot%2550arl",
    "SP_Women",
    "@ScottishParliament",
    "profile/scotparl.bsky.social",
    "x.com/ScotParl",
    "@x.com/ScotParl",
    "ScotParl_Official",
]
SUFFIXES = ["", "", "/", "?lang=en", "#top", "?@evil.org", "#@evil.org", "\\@evil.org", "\n", " "]
NOISE = st.sampled_from([*"\\/@:.%?#\t\n \x00\x01\u200b\uff0e\u3002\uff20\uff0f", "%5C"])


@st.composite
def addresses(draw):
    """Addresses put together from real and hostile parts (each part as often the plain one as
    any other, so that many come close to an official address), now and then with a stray
    character put in anywhere."""
    text = "".join(
        draw(st.one_of(st.just(parts[0]), st.sampled_from(parts)))
        for parts in (["https://", *SCHEMES], USER_NAMES, HOSTS, PORTS, SEPARATORS, PATHS, SUFFIXES)
    )
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(NOISE) + text[at:]
    return text


@st.composite
def mutations(draw):
    """An official address with a few characters put in, taken out or changed anywhere."""
    text = draw(st.sampled_from([text for _, text in OFFICIAL]))
    for _ in range(draw(st.integers(1, 2))):
        at = draw(st.integers(0, len(text)))
        change = draw(st.sampled_from(["insert", "delete", "replace"]))
        character = draw(st.one_of(NOISE, st.characters(codec="utf-8")))
        if change == "insert":
            text = text[:at] + character + text[at:]
        elif change == "delete":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + character + text[at + 1 :]
    return text


def lookup_text():
    return st.one_of(addresses(), mutations(), st.text(max_size=60))


def assert_never_official_elsewhere(text, status, account, message):
    if status != "live":
        return
    if message.startswith("Official on"):  # the answer for a bare handle
        assert not re.search(r"[/\\:?#%\s]", trimmed(text))
        assert trimmed(text).lstrip("@").lower() == account.handle.lower()
    else:
        assert_opens_on_the_platform(text, account)


def _account(body):
    return Account.objects.select_related("platform").get(pk=body["account"]["id"])


invariant_settings = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure here is never a flake
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@invariant_settings
@given(text=lookup_text())
@example(text="https://evil.org\\@x.com/ScotParl")
@example(text="https://evil.org%5C@x.com/ScotParl")
def test_the_api_never_calls_official_an_address_a_browser_opens_elsewhere(client, ours, text):
    response = verify(client, text)

    assert response.status_code in (200, 400)
    if response.status_code == 200 and response.json()["official"]:
        body = response.json()
        assert_never_official_elsewhere(text, "live", _account(body), body["message"])


@invariant_settings
@given(text=lookup_text())
@example(text="https://evil.org\\@x.com/ScotParl")
def test_the_register_page_never_calls_official_an_address_a_browser_opens_elsewhere(
    client, ours, text
):
    response = client.get("/register/", {"verify": text})

    # A NUL character is refused for the whole site (workflow/middleware.py).
    assert response.status_code == (400 if "\x00" in text else 200)
    result = response.context["result"] if response.status_code == 200 else None
    if result and result["official"]:
        assert_never_official_elsewhere(text, "live", _account(result), result["message"])


@invariant_settings
@given(text=lookup_text())
@example(text="https://ScotParl@x.com/ScotParl")
@example(text="https://x.com:8443/ScotParl")
@example(text="https://evil.org\\@x.com/ScotParl")
def test_a_report_is_never_read_as_an_account_it_only_imitates(ours, text):
    reported = public_register.read_reported(text)

    url = browser_reading(text)
    if reported.platform is not None and reported.platform.federated:
        # Any server may hold a federated platform's accounts: its handle names the server a
        # browser opens, so it is never the same name on another server.
        assert url is not None
        assert reported.handle_key.endswith(f"@{url.hostname.lower().removesuffix('.')}")
    elif reported.platform is not None:
        assert url is not None and same_site(url.hostname, reported.platform)
    if reported.handle:
        # Keyed on a profile only for an undisguised address of it, which the lookup reads as
        # the same account where it is one of ours.
        assert (url.username, url.password, url.port) == ("", "", "")
        for account in ours.values():
            if (account.platform, account.handle.lower()) == (
                reported.platform,
                reported.handle_key,
            ):
                assert public_register.look_up(text).account == account
    elif reported.address:
        # Otherwise it is filed as the address a browser opens, port included.
        filed = browser_reading(reported.address)
        assert url is not None and site(filed.hostname) == site(url.hostname)
        assert filed.port == url.port


# --- The impersonation report form reads addresses the same way ---------------------------------

REPORT_URL = "/register/report/"


@pytest.fixture
def no_limit(settings, empty_cache):
    settings.IMPERSONATION_REPORTS_PER_HOUR = 1000


def report(client, address):
    return client.post(
        REPORT_URL,
        {
            "profile_address": address,
            "looks_official": "It uses the Parliament's crest.",
            "contact_email": "",
            "website": "",
        },
    )


@pytest.mark.parametrize(
    ("address", "filed"),
    [
        # Where a browser goes, with no platform handle: never filed as the account it imitates.
        ("https://evil.org\\@x.com/ScotParl", ("https://evil.org/@x.com/ScotParl", None, "")),
        ("evil.org\\@x.com/ScotParl", ("https://evil.org/@x.com/ScotParl", None, "")),
        ("https://evil.org?@x.com/ScotParl", ("https://evil.org", None, "")),
        ("https://\u0445.com/ScotParl", ("https://xn--u1a.com/ScotParl", None, "")),
        # A name before the host or a port of its own is kept, so that it is another address.
        ("https://ScotParl@x.com/ScotParl", ("https://ScotParl@x.com/ScotParl", "x", "")),
        ("https://x.com@evil.org/ScotParl", ("https://x.com@evil.org/ScotParl", None, "")),
        ("https://x.com:8443/ScotParl", ("https://x.com:8443/ScotParl", "x", "")),
        ("http://x.com:443/ScotParl", ("http://x.com:443/ScotParl", "x", "")),
        # Written so that it reads back as the same host: never as www.x.com, read as x.com.
        ("https://m.www.x.com/ScotParl", ("https://m.www.x.com/ScotParl", None, "")),
        ("https://x.com../ScotParl", ("https://x.com../ScotParl", None, "")),
        # Spellings a browser opens on the platform: read for their handle.
        ("https://ｘ．ｃｏｍ/FakeScotParl", ("https://x.com/FakeScotParl", "x", "FakeScotParl")),
        ("https://x.com./FakeScotParl", ("https://x.com/FakeScotParl", "x", "FakeScotParl")),
        ("ht\ttps://x.com/Fake\tScotParl", ("https://x.com/FakeScotParl", "x", "FakeScotParl")),
        ("https://x%2ecom/FakeScotParl", ("https://x.com/FakeScotParl", "x", "FakeScotParl")),
        ("x.com\\FakeScotParl", ("https://x.com/FakeScotParl", "x", "FakeScotParl")),
    ],
)
def test_the_report_form_files_the_address_a_browser_opens(client, ours, no_limit, address, filed):
    response = report(client, address)

    assert response.status_code == 302, response.context["form"].errors
    report_row = ImpersonationReport.objects.select_related("platform").get()
    platform = report_row.platform.slug if report_row.platform else None
    assert (report_row.address, platform, report_row.handle) == filed


@pytest.mark.parametrize(
    "address",
    [
        "https://ｘ．ｃｏｍ/ScotParl",
        "https://x.com./scotparl",
        "x.com\\ScotParl",
        "https://x%2ecom/ScotParl",
    ],
)
def test_the_report_form_says_an_official_account_is_ours(client, ours, no_limit, address):
    response = report(client, address)

    assert response.status_code == 200
    assert response.context["ours"] == ours["x"]
    assert not ImpersonationReport.objects.exists()


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("javascript:alert(1)", "page on the web"),
        ("data:text/html,https://x.com/ScotParl", "page on the web"),
        ("ftp://x.com/FakeScotParl", "page on the web"),
        ("@FakeScotParl", "full address"),
        ("https://x.com＃/FakeScotParl", "full address"),
        ("https://x .com/FakeScotParl", "full address"),
        ("https:\uff0e//x.com/FakeScotParl", "full address"),
        ("https://x.com/" + "é" * 280, "too long"),
    ],
)
def test_the_report_form_refuses_what_no_browser_opens_as_a_web_page(
    client, ours, no_limit, address, message
):
    response = report(client, address)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["profile_address"])
    assert not ImpersonationReport.objects.exists()


# --- Accounts and imports read addresses the same way -------------------------------------------


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://evil.org\\@x.com/ScotParl", "not a X (Twitter) address"),
        ("https://ScotParl@x.com/ScotParl", USER_NAME),
        ("https://x.com:8443/ScotParl", PORT),
        ("javascript:alert(1)//x.com/ScotParl", NOT_WEB),
    ],
)
def test_a_disguised_address_cannot_be_given_as_an_accounts_address(ours, url, says):
    x = ours["x"].platform

    with pytest.raises(HandleError, match=re.compile(re.escape(says), re.IGNORECASE)):
        handle_from_url(x, url)
    account = Account(platform=x, handle="", url=url, display_name="New", office=ours["x"].office)
    with pytest.raises(ValidationError) as error:
        account.full_clean(exclude=["state"])
    assert "url" in error.value.message_dict


def test_a_browser_equivalent_address_gives_the_canonical_one(ours):
    x = ours["x"].platform

    assert handle_from_url(x, "https://ｘ．ｃｏｍ/ScotParlYouth") == "ScotParlYouth"
