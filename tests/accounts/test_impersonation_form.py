"""The public form that reports an account pretending to be the Parliament: no sign-in, the
lookup's reading of addresses, duplicates merged, and its defences against abuse (a trap for
robots, a rate limit per address, size limits)."""

import pytest
from django.core.cache import cache
from django.test import Client

from accounts import register as public_register
from accounts.forms import ImpersonationReportForm
from accounts.models import ImpersonationReport, Platform
from accounts.services import load_platform_catalogue
from tests.factories import AccountFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

URL = "/register/report/"


@pytest.fixture
def ours(office):
    load_platform_catalogue()
    return AccountFactory(
        platform=Platform.objects.get(slug="x"),
        handle="ScotParl",
        display_name="Scottish Parliament",
        url="https://x.com/ScotParl",
        office=office,
        state="live",
    )


def report(client, address="https://x.com/FakeScotParl", **fields):
    """Send the form; upper-case names are the request's environment (REMOTE_ADDR...)."""
    environ = {name: value for name, value in fields.items() if name.isupper()}
    data = {
        "profile_address": address,
        "looks_official": "It uses the Parliament's crest and calls itself official.",
        "contact_email": "",
        "website": "",
        **{name: value for name, value in fields.items() if not name.isupper()},
    }
    return client.post(URL, data, **environ)


def test_anyone_may_open_the_form_without_signing_in(client, ours):
    page = client.get(URL)

    assert page.status_code == 200
    assert "Report an account pretending to be us" in page.text
    assert 'name="profile_address"' in page.text


def test_the_form_starts_from_the_address_the_lookup_checked(client, ours):
    page = client.get(URL, {"address": "https://x.com/FakeScotParl"})

    assert 'value="https://x.com/FakeScotParl"' in page.text


def test_a_report_is_filed_and_the_reporter_thanked(client, ours):
    response = report(client, contact_email="someone@example.net")

    assert response.status_code == 302
    assert response["Location"] == "/register/report/sent/"
    filed = ImpersonationReport.objects.get()
    assert (filed.state, filed.address, filed.handle) == (
        "open",
        "https://x.com/FakeScotParl",
        "FakeScotParl",
    )
    assert filed.platform.slug == "x"
    assert filed.reporter_email == "someone@example.net"
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and "Thank you for your report" in thanks.text


def test_the_register_and_a_lookup_of_an_unknown_account_link_to_the_form(client, ours):
    register = client.get("/register/").text
    assert "Report an account pretending to be us" in register

    result = client.get("/register/", {"verify": "https://x.com/FakeScotParl"}).text
    assert "/register/report/?address=https%3A//x.com/FakeScotParl" in result


def test_the_lookup_of_an_official_account_offers_no_report_of_it(client, ours):
    result = client.get("/register/", {"verify": "https://x.com/ScotParl"}).text

    assert "/register/report/?address=" not in result


def test_a_report_of_one_of_our_own_accounts_says_so_and_is_not_filed(client, ours):
    response = report(client, address="https://twitter.com/scotparl?lang=en")

    assert response.status_code == 200
    assert "This is one of our official accounts" in response.text
    assert "Scottish Parliament" in response.text
    assert not ImpersonationReport.objects.exists()


def test_a_closed_account_of_ours_can_be_reported(client, ours, office):
    AccountFactory(platform=ours.platform, handle="SP_Women", state="closed", office=office, url="")

    assert report(client, address="https://x.com/SP_Women").status_code == 302
    assert ImpersonationReport.objects.get().handle == "SP_Women"


# Spellings the lookup treats as one account (tests/accounts/test_register.py): a report of
# any of them is a report of that one account.
SPELLINGS = [
    "https://x.com/FakeScotParl",
    "https://twitter.com/FakeScotParl",
    "http://www.twitter.com/fakescotparl/",
    "https://mobile.twitter.com/FakeScotParl?lang=en",
    "HTTPS://X.COM/FAKESCOTPARL",
    "x.com/FakeScotParl",
    "www.x.com/FakeScotParl#top",
    "https://m.twitter.com/FakeScotParl/",
    "https://x.com/@FakeScotParl",
    "https://x.com//FakeScotParl//",
]


def test_every_spelling_the_lookup_equates_is_one_report(client, ours):
    for spelling in SPELLINGS:
        assert report(client, address=spelling).status_code == 302
        cache.clear()  # the rate limit is not what this test is about

    reports = ImpersonationReport.objects.all()
    assert len(reports) == len(SPELLINGS)
    first, *later = reports
    assert first.state == "open" and first.address == "https://x.com/FakeScotParl"
    assert {(r.state, r.merged_into_id) for r in later} == {("merged", first.pk)}


@pytest.mark.parametrize(
    "spelling",
    [
        "https://x.com/ScotParl",
        "https://twitter.com/ScotParl",
        "http://www.twitter.com/scotparl/",
        "https://mobile.twitter.com/ScotParl?lang=en",
        "HTTPS://X.COM/SCOTPARL",
        "x.com/ScotParl",
        "www.x.com/ScotParl#top",
        "https://x.com/@ScotParl",
    ],
)
def test_what_the_lookup_calls_official_the_form_calls_ours(client, ours, spelling):
    assert client.get("/api/v1/verify", {"url": spelling}).json()["official"] is True

    assert "This is one of our official accounts" in report(client, address=spelling).text
    assert not ImpersonationReport.objects.exists()


@pytest.mark.parametrize(
    ("spelling", "kept"),
    [
        ("https://faketwitter.com/ScotParl", "https://faketwitter.com/ScotParl"),
        ("https://x.com.evil.example/ScotParl", "https://x.com.evil.example/ScotParl"),
        (
            "HTTPS://Forum.Example:443/HolyroodOfficial/?ref=share#top",
            "https://forum.example/HolyroodOfficial",
        ),
    ],
)
def test_an_address_of_no_known_platform_is_kept_as_well_as_it_can_be(client, ours, spelling, kept):
    assert client.get("/api/v1/verify", {"url": spelling}).json()["official"] is False

    assert report(client, address=spelling).status_code == 302
    filed = ImpersonationReport.objects.get()
    assert (filed.address, filed.platform, filed.handle, filed.state) == (kept, None, "", "open")


def test_an_unknown_address_reported_twice_is_one_report(client, ours):
    report(client, address="https://Mastodon.Example/@HolyroodOfficial?x=1")
    report(client, address="mastodon.example/@HolyroodOfficial/")

    first, second = ImpersonationReport.objects.all()
    assert (second.state, second.merged_into) == ("merged", first)


def test_a_profile_on_a_mastodon_server_is_filed_under_its_handle_there(client, ours):
    # Mastodon's accounts live on any server: the handle names it, so a report of
    # @HolyroodOfficial on one server is never filed as the same name on another.
    report(client, address="HTTPS://Social.Example:443/@HolyroodOfficial/?ref=share#top")
    report(client, address="https://other.example/@HolyroodOfficial")

    first, second = ImpersonationReport.objects.order_by("pk")
    assert (first.platform.slug, first.handle, first.address) == (
        "mastodon",
        "HolyroodOfficial@social.example",
        "https://social.example/@HolyroodOfficial",
    )
    assert second.handle_key == "holyroodofficial@other.example" and second.merged_into is None


def test_a_post_on_a_known_platform_is_filed_under_that_platform(client, ours):
    report(client, address="https://x.com/FakeScotParl/status/1234567890?s=20")

    filed = ImpersonationReport.objects.get()
    assert filed.platform.slug == "x" and filed.handle == ""
    assert filed.address == "https://x.com/FakeScotParl/status/1234567890"


def test_a_new_report_of_an_account_already_dealt_with_is_a_new_report(client, ours, make_report):
    platform = Platform.objects.get(slug="x")
    make_report("resolved", platform=platform, handle="FakeScotParl", handle_key="fakescotparl")

    report(client)

    assert ImpersonationReport.objects.filter(state="open", merged_into=None).count() == 1


def test_a_filled_in_trap_looks_accepted_but_nothing_is_filed(client, ours):
    response = report(client, website="https://cheap-followers.example")

    assert response.status_code == 302
    assert response["Location"] == "/register/report/sent/"
    assert not ImpersonationReport.objects.exists()


def test_the_trap_is_hidden_from_people_and_screen_readers(client, ours):
    page = client.get(URL).text

    trap = page[page.index('<div hidden aria-hidden="true">') :]
    trap = trap[: trap.index("</div>")]
    assert 'name="website"' in trap and 'tabindex="-1"' in trap


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"profile_address": ""}, "profile_address", "Give the account's address."),
        ({"profile_address": "@FakeScotParl"}, "profile_address", "full address"),
        ({"profile_address": "ftp://x.com/FakeScotParl"}, "profile_address", "https://"),
        ({"profile_address": "https://x.com/" + "a" * 300}, "profile_address", "at most 300"),
        ({"looks_official": "   "}, "looks_official", "what makes it look official"),
        ({"looks_official": "x" * 2001}, "looks_official", "at most 2000"),
        ({"contact_email": "not an address"}, "contact_email", "valid email"),
        ({"contact_email": "a" * 250 + "@example.net"}, "contact_email", "at most 254"),
    ],
)
def test_bad_input_comes_back_with_the_error_beside_its_field(client, ours, fields, field, message):
    response = report(client, **fields)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message.lower() in " ".join(errors[field]).lower()
    assert not ImpersonationReport.objects.exists()


def test_what_was_typed_is_kept_when_the_form_is_refused(client, ours):
    response = report(client, looks_official="", contact_email="someone@example.net")

    assert 'value="someone@example.net"' in response.text
    assert 'value="https://x.com/FakeScotParl"' in response.text


def test_a_request_body_over_the_limit_is_refused_and_nothing_kept(client, ours):
    response = report(client, website="x" * 70_000)

    assert response.status_code == 413
    assert "too long" in response.text
    assert not ImpersonationReport.objects.exists()


def test_too_many_reports_from_one_address_are_refused_with_429(client, ours, settings):
    settings.IMPERSONATION_REPORTS_PER_HOUR = 2
    assert report(client, address="https://x.com/FakeOne").status_code == 302
    assert report(client, address="https://x.com/FakeTwo").status_code == 302

    refused = report(client, address="https://x.com/FakeThree")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many reports" in refused.text and "at most 2 reports an hour" in refused.text
    assert "Register of official accounts" in refused.text  # in the product's layout
    assert ImpersonationReport.objects.count() == 2


def test_the_limit_is_per_address(client, ours, settings):
    settings.IMPERSONATION_REPORTS_PER_HOUR = 1
    assert report(client, address="https://x.com/FakeOne").status_code == 302
    assert report(client, address="https://x.com/FakeTwo").status_code == 429

    other = report(client, address="https://x.com/FakeTwo", REMOTE_ADDR="192.0.2.7")

    assert other.status_code == 302


def test_robots_and_reports_of_our_own_accounts_count_towards_the_limit(client, ours, settings):
    settings.IMPERSONATION_REPORTS_PER_HOUR = 2
    report(client, website="spam")
    report(client, address="https://x.com/ScotParl")

    assert report(client).status_code == 429


def test_every_post_counts_towards_the_limit_a_mistyped_one_too(client, ours, settings):
    settings.IMPERSONATION_REPORTS_PER_HOUR = 2
    assert report(client, profile_address="not an address").status_code == 200
    assert report(client, looks_official="").status_code == 200

    refused = report(client)

    assert refused.status_code == 429
    assert not ImpersonationReport.objects.exists()


def test_a_flood_of_invalid_posts_is_refused_before_the_form_is_read(client, ours, settings):
    settings.IMPERSONATION_REPORTS_PER_HOUR = 3
    statuses = [report(client, profile_address="junk").status_code for _ in range(10)]

    assert statuses == [200] * 3 + [429] * 7


def test_two_reports_sent_at_once_cannot_both_slip_under_the_limit(
    client, ours, settings, monkeypatch
):
    """The second post arrives while the first is still being read: the first has been counted
    already, so the second is refused."""
    settings.IMPERSONATION_REPORTS_PER_HOUR = 1
    real_clean = ImpersonationReportForm.clean
    meanwhile = []

    def clean_slowly(form):
        if not meanwhile:
            meanwhile.append("sending")
            meanwhile[0] = report(Client(), address="https://x.com/FakeTwo")
        return real_clean(form)

    monkeypatch.setattr(ImpersonationReportForm, "clean", clean_slowly)

    first = report(client, address="https://x.com/FakeOne")

    assert (first.status_code, meanwhile[0].status_code) == (302, 429)
    assert [r.handle for r in ImpersonationReport.objects.all()] == ["FakeOne"]


def test_behind_a_proxy_the_limit_counts_the_address_the_proxy_saw(client, ours, settings):
    settings.IMPERSONATION_REPORTS_PER_HOUR = 1
    settings.FORWARDED_FOR_PROXIES = 1
    first = {"HTTP_X_FORWARDED_FOR": "203.0.113.9", "REMOTE_ADDR": "10.0.0.2"}
    # A client may put anything at the left of the header; the proxy adds the real one.
    forged = {"HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.9", "REMOTE_ADDR": "10.0.0.2"}
    other = {"HTTP_X_FORWARDED_FOR": "203.0.113.10", "REMOTE_ADDR": "10.0.0.2"}

    assert report(client, address="https://x.com/FakeOne", **first).status_code == 302
    assert report(client, address="https://x.com/FakeTwo", **forged).status_code == 429
    assert report(client, address="https://x.com/FakeTwo", **other).status_code == 302


def test_the_reporters_email_is_never_on_a_public_page(client, ours):
    report(client, contact_email="private.person@example.net")
    report(client, contact_email="second.person@example.net")

    for url in ["/register/", "/register/?status=all", URL, "/register/report/sent/"]:
        assert "@example.net" not in client.get(url).text
    assert "@example.net" not in client.get("/api/v1/accounts/").text


def test_an_ipv6_connection_is_limited_by_its_whole_64(client, ours, settings):
    settings.IMPERSONATION_REPORTS_PER_HOUR = 1
    first = report(client, address="https://x.com/FakeOne", REMOTE_ADDR="2001:db8:1:2::10")
    assert first.status_code == 302

    same_home = report(client, address="https://x.com/FakeTwo", REMOTE_ADDR="2001:db8:1:2::99")
    elsewhere = report(client, address="https://x.com/FakeTwo", REMOTE_ADDR="2001:db8:1:3::10")

    assert (same_home.status_code, elsewhere.status_code) == (429, 302)


def test_an_address_the_register_cannot_read_comes_back_beside_its_field(client, ours, monkeypatch):
    monkeypatch.setattr(
        public_register, "read_reported", lambda text: public_register.ReportedAddress("")
    )

    response = report(client)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["profile_address"]
    assert not ImpersonationReport.objects.exists()
