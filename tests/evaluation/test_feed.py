"""DCCT records the address of an account's feed (evaluation/views.feed), which the daily
reading takes its latest post from: saved and logged, refused to anyone else, and bad input sent
back beside its field with nothing saved."""

import pytest

from accounts.models import AccountEvent

pytestmark = pytest.mark.django_db

FEED = "https://blog.example.org/feed.atom"


def _send(client, account, address):
    return client.post(f"/accounts/{account.pk}/feed/", {"feed-feed_url": address})


def test_dcct_records_the_feed_and_the_change_is_logged(client, make_account, dcct):
    account = make_account("live")
    client.force_login(dcct)

    page = client.get(f"/accounts/{account.pk}/evaluation/")
    response = _send(client, account, "blog.example.org/feed.atom")

    assert 'name="feed-feed_url"' in page.text and "Read from" in page.text
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/{account.pk}/evaluation/#reading"
    account.refresh_from_db()
    assert account.feed_url == FEED  # an address without a scheme is read as https
    event = AccountEvent.objects.get(account=account, action="set_feed")
    assert (event.actor, event.comment) == (dcct, f"Its feed: {FEED}.")
    assert event.label == "Feed address changed"

    shown = client.get(f"/accounts/{account.pk}/evaluation/").text
    assert f'value="{FEED}"' in shown


def test_sending_the_same_address_again_logs_nothing_and_empty_removes_it(
    client, make_account, dcct
):
    account = make_account("live")
    client.force_login(dcct)
    _send(client, account, FEED)

    _send(client, account, FEED)
    removed = _send(client, account, "")

    assert removed.status_code == 302
    account.refresh_from_db()
    assert account.feed_url == ""
    comments = list(
        AccountEvent.objects.filter(account=account, action="set_feed")
        .order_by("pk")
        .values_list("comment", flat=True)
    )
    assert comments == [f"Its feed: {FEED}.", f"Its feed ({FEED}) removed."]


@pytest.mark.parametrize("persona", ["staff", "office_head", "owner", "hec", "policy_owner"])
def test_nobody_but_dcct_records_a_feed(client, make_account, persona, request):
    account = make_account("live")
    client.force_login(request.getfixturevalue(persona))

    response = _send(client, account, FEED)

    assert response.status_code in (403, 404)
    account.refresh_from_db()
    assert account.feed_url == "" and not AccountEvent.objects.filter(action="set_feed").exists()


def test_no_feed_is_recorded_for_a_closed_account(client, make_account, dcct):
    account = make_account("closed")
    client.force_login(dcct)

    response = _send(client, account, FEED)
    page = client.get(f"/accounts/{account.pk}/evaluation/")

    assert response.status_code == 403
    assert 'name="feed-feed_url"' not in page.text


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("not an address", "Enter a valid URL."),
        ("ftp://blog.example.org/feed", "Give a web address, starting https://."),
        (
            "https://blog.example.org@evil.example/feed",
            "without the name and “@” before the site: as written, a browser would open it on "
            "evil.example.",
        ),
        ("https://blog.example.org:8443/feed", "without a port (:8443)"),
        ("https://blog.example.org/" + "a" * 500, "Ensure this value has at most 500 characters"),
    ],
)
def test_a_bad_address_comes_back_beside_its_field_and_nothing_is_saved(
    client, make_account, dcct, address, message
):
    account = make_account("live")
    client.force_login(dcct)

    response = _send(client, account, address)

    assert response.status_code == 200
    form = response.context["feed_form"]
    assert message in " ".join(form.errors["feed_url"])
    assert form["feed_url"].value() == address  # what was typed is kept
    assert "There is a problem" in response.text
    account.refresh_from_db()
    assert account.feed_url == "" and not AccountEvent.objects.filter(action="set_feed").exists()


def test_an_account_its_platform_reads_itself_needs_no_feed(client, make_account, dcct):
    from tests.factories import PlatformFactory

    bluesky = PlatformFactory(slug="bluesky", name="Bluesky", hosts=["bsky.app"])
    account = make_account("live", platform=bluesky, handle="scotparl.bsky.social")
    client.force_login(dcct)

    page = client.get(f"/accounts/{account.pk}/evaluation/")
    response = _send(client, account, FEED)

    assert "read from Bluesky every day" in page.text
    assert 'name="feed-feed_url"' not in page.text
    assert response.status_code == 200
    assert "Bluesky is read through its own interface" in " ".join(
        response.context["feed_form"].errors["feed_url"]
    )
    account.refresh_from_db()
    assert account.feed_url == ""


def test_a_youtube_channel_s_feed_is_on_youtube(client, make_account, dcct):
    # Its feed is read under YouTube's own breaker: one elsewhere that kept failing would stop
    # the day's reading of every YouTube channel.
    from tests.factories import PlatformFactory

    youtube = PlatformFactory(slug="youtube", name="YouTube", hosts=["youtube.com"])
    account = make_account("live", platform=youtube, handle="ScottishParliament")
    client.force_login(dcct)
    elsewhere = "https://feeds.example.org/youtube/scottishparliament.xml"
    channel = "https://www.youtube.com/feeds/videos.xml?channel_id=UC0123456789"

    refused = _send(client, account, elsewhere)
    saved = _send(client, account, channel)

    assert refused.status_code == 200
    form = refused.context["feed_form"]
    assert "A YouTube account's feed is on youtube.com" in " ".join(form.errors["feed_url"])
    assert form["feed_url"].value() == elsewhere
    assert saved.status_code == 302
    account.refresh_from_db()
    assert account.feed_url == channel
    assert AccountEvent.objects.filter(action="set_feed").count() == 1
