"""The connectors (evaluation/connectors) against the platforms' documented interfaces, served on
127.0.0.1 by pytest-httpserver with answers in their documented shapes, through the real HTTP
client: no test reaches the internet, and none waits (the client's sleep is recorded instead)."""

import datetime
import json
import socket

import httpcore
import pytest
from werkzeug import Response

from evaluation.connectors import base
from evaluation.connectors.base import NotAvailable, PlatformClient, Target, Unreachable

DID = "did:plc:z72i7hdynmk6r22z27h6tvur"
PROFILE = {  # app.bsky.actor.getProfile (ProfileViewDetailed)
    "did": DID,
    "handle": "scottishparliament.bsky.social",
    "displayName": "Scottish Parliament",
    "followersCount": 12873,
    "followsCount": 212,
    "postsCount": 1544,
    "indexedAt": "2024-02-01T10:00:00.000Z",
}


def _post(created, *, did=DID, reason=None):
    item = {
        "post": {
            "uri": f"at://{did}/app.bsky.feed.post/3k",
            "cid": "bafyrei",
            "author": {"did": did, "handle": "someone.bsky.social"},
            "record": {"$type": "app.bsky.feed.post", "text": "Hello", "createdAt": created},
            "indexedAt": created,
        }
    }
    if reason:
        item["reason"] = {"$type": "app.bsky.feed.defs#reasonRepost"}
    return item


FEED = {  # app.bsky.feed.getAuthorFeed
    "feed": [
        _post("2026-11-25T09:00:00.000Z", did="did:plc:someoneelse", reason="repost"),
        _post("2026-11-23T14:30:00.000Z"),
        _post("2026-11-20T08:00:00.000Z"),
    ],
    "cursor": "2026-11-20T08:00:00.000Z",
}
LOOKUP = {  # Mastodon GET /api/v1/accounts/lookup (Account)
    "id": "109302",
    "username": "holyrood",
    "acct": "holyrood",
    "display_name": "Holyrood",
    "followers_count": 5021,
    "following_count": 10,
    "statuses_count": 880,
    "last_status_at": "2026-11-21",
}
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Parliament blog</title><id>urn:x</id><updated>2026-11-24T12:00:00Z</updated>
  <entry><title>Older</title><id>urn:1</id><updated>2026-10-01T12:00:00Z</updated></entry>
  <entry><title>Newest</title><id>urn:2</id><updated>2026-11-24T12:00:00Z</updated></entry>
</feed>"""
EMPTY_RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Podcast</title>
<link>https://example.org/</link><description>Nothing yet</description></channel></rss>"""


@pytest.fixture
def waits():
    return []


@pytest.fixture
def fast(settings, httpserver, waits):
    """Settings for the tests' platform (the local server), and a client that records how long
    it would wait instead of waiting."""
    settings.ACTIVITY_BLUESKY_URL = httpserver.url_for("/")
    settings.ACTIVITY_RETRIES = 2
    settings.ACTIVITY_BACKOFF_SECONDS = 1.0
    settings.ACTIVITY_MAX_WAIT_SECONDS = 60.0
    settings.ACTIVITY_MIN_INTERVAL_SECONDS = 0.0
    settings.ACTIVITY_USER_AGENT = "socialgov-test (mailto:help@example.org)"
    settings.ACTIVITY_ALLOW_PRIVATE_ADDRESSES = True  # the platforms are on 127.0.0.1 here

    def client(platform):
        return PlatformClient(platform, sleep=waits.append)

    return client


def _bluesky(httpserver, profile=PROFILE, feed=FEED):
    httpserver.expect_request(
        "/xrpc/app.bsky.actor.getProfile",
        query_string={"actor": "scottishparliament.bsky.social"},
    ).respond_with_json(profile)
    httpserver.expect_request("/xrpc/app.bsky.feed.getAuthorFeed").respond_with_json(feed)


def test_bluesky_reads_counts_and_the_latest_own_post(fast, httpserver):
    _bluesky(httpserver)
    connector = base.connector_for("bluesky", fast("bluesky"))

    profile = connector.read(Target(handle="@scottishparliament.bsky.social", url=""))

    assert profile.source == "Bluesky"
    assert (profile.followers, profile.posts) == (12873, 1544)
    # The repost of someone else's, newer, is not the account's own post.
    assert profile.last_post_at == datetime.datetime(2026, 11, 23, 14, 30, tzinfo=datetime.UTC)
    feed_request = next(r for r, _ in httpserver.log if "getAuthorFeed" in r.path)
    assert feed_request.args["filter"] == "posts_no_replies"
    assert all(r.headers["User-Agent"].startswith("socialgov-test") for r, _ in httpserver.log)


def test_an_account_with_no_posts_yet(fast, httpserver):
    _bluesky(httpserver, feed={"feed": []})

    profile = base.connector_for("bluesky", fast("bluesky")).read(
        Target(handle="scottishparliament.bsky.social", url="")
    )

    assert profile.last_post_at is None and profile.posts == 1544


def test_not_found_is_not_available_and_not_retried(fast, httpserver, waits):
    httpserver.expect_request("/xrpc/app.bsky.actor.getProfile").respond_with_json(
        {"error": "InvalidRequest", "message": "Profile not found"}, status=400
    )

    with pytest.raises(NotAvailable):
        base.connector_for("bluesky", fast("bluesky")).read(Target(handle="nobody.x", url=""))

    assert len(httpserver.log) == 1 and waits == []


def test_rate_limited_waits_as_told_then_reads(fast, httpserver, waits):
    answers = iter(
        [
            Response("slow down", status=429, headers={"Retry-After": "7"}),
            Response(json.dumps(LOOKUP), content_type="application/json"),
        ]
    )
    httpserver.expect_request("/api/v1/accounts/lookup").respond_with_handler(
        lambda request: next(answers)
    )
    client = fast("mastodon")

    profile = base.connector_for("mastodon", client).read(
        Target(handle="", url=httpserver.url_for("/@holyrood"))
    )

    assert waits == [7.0]
    assert (profile.followers, profile.posts) == (5021, 880)
    assert profile.last_post_at == datetime.datetime(2026, 11, 21, tzinfo=datetime.UTC)
    assert httpserver.log[0][0].args["acct"] == "holyrood"


def test_told_to_wait_too_long_is_unreachable_for_now(fast, httpserver, waits, settings):
    settings.ACTIVITY_MAX_WAIT_SECONDS = 60
    httpserver.expect_request("/api/v1/accounts/lookup").respond_with_response(
        Response("", status=429, headers={"Retry-After": "3600"})
    )

    with pytest.raises(Unreachable, match="asked to wait 3600 s"):
        base.connector_for("mastodon", fast("mastodon")).read(
            Target(handle="", url=httpserver.url_for("/@holyrood"))
        )

    assert waits == []


def test_server_errors_are_retried_with_backoff_then_unreachable(fast, httpserver, waits):
    httpserver.expect_request("/api/v1/accounts/lookup").respond_with_data("oops", status=503)

    with pytest.raises(Unreachable, match="server error"):
        base.connector_for("mastodon", fast("mastodon")).read(
            Target(handle="", url=httpserver.url_for("/@holyrood"))
        )

    assert len(httpserver.log) == 3  # the first try and ACTIVITY_RETRIES more
    assert waits == [1.0, 2.0]  # twice as long each time


def test_malformed_json_is_unreachable(fast, httpserver):
    httpserver.expect_request("/api/v1/accounts/lookup").respond_with_data(
        "{not json", content_type="application/json"
    )

    with pytest.raises(Unreachable, match="not JSON"):
        base.connector_for("mastodon", fast("mastodon")).read(
            Target(handle="", url=httpserver.url_for("/@holyrood"))
        )


def test_a_feed_gives_its_latest_entry(fast, httpserver):
    httpserver.expect_request("/blog/feed.atom").respond_with_data(
        ATOM, content_type="application/atom+xml"
    )

    profile = base.connector_for("rss", fast("rss")).read(
        Target(handle="", url=httpserver.url_for("/blog/feed.atom"))
    )

    assert profile.last_post_at == datetime.datetime(2026, 11, 24, 12, tzinfo=datetime.UTC)
    assert profile.followers is None and profile.posts is None


def test_a_feed_with_no_entries(fast, httpserver):
    httpserver.expect_request("/podcast.rss").respond_with_data(
        EMPTY_RSS, content_type="application/rss+xml"
    )

    profile = base.connector_for("rss", fast("rss")).read(
        Target(handle="", url=httpserver.url_for("/podcast.rss"))
    )

    assert profile.last_post_at is None


def test_an_address_that_is_no_feed_is_not_available(fast, httpserver):
    httpserver.expect_request("/page").respond_with_data("\x00\x01 not a feed at all")

    with pytest.raises(NotAvailable):  # the account's address, not the platform, is wrong
        base.connector_for("rss", fast("rss")).read(
            Target(handle="", url=httpserver.url_for("/page"))
        )


def test_requests_to_one_platform_are_spaced(settings, httpserver, waits):
    settings.ACTIVITY_MIN_INTERVAL_SECONDS = 1.5
    settings.ACTIVITY_ALLOW_PRIVATE_ADDRESSES = True
    httpserver.expect_request("/a").respond_with_data("ok")
    # The clock as each request reads it: the first at 100; the second at 100.4 (then, after
    # its wait, 101.5); the third at 103, well after.
    now = iter([100.0, 100.4, 101.5, 103.0, 103.0])
    client = PlatformClient("x", sleep=waits.append, clock=lambda: next(now))

    for _ in range(3):
        client.get(httpserver.url_for("/a"))

    assert waits == [pytest.approx(1.1)]  # only the second came too soon


def test_platforms_that_need_the_owners_token_have_no_connector():
    for slug in ("x", "facebook", "instagram", "threads", "linkedin", "tiktok"):
        assert base.connector_for(slug) is None


def test_a_refused_connection_is_retried_then_unreachable(fast, waits):
    with pytest.raises(Unreachable, match="ConnectError"):
        base.connector_for("mastodon", fast("mastodon")).read(
            Target(handle="", url="http://127.0.0.1:9/@holyrood")
        )
    assert waits == [1.0, 2.0]


NOON = datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.UTC)


def test_the_breaker_opens_after_failures_in_a_row_until_the_next_day(settings):
    settings.ACTIVITY_BREAKER_FAILURES = 3
    breaker = base.Breaker("bluesky")

    assert not breaker.failed(Unreachable("503"), NOON)
    breaker.succeeded()  # a success between: the count starts again
    assert not breaker.failed(Unreachable("503"), NOON)
    assert not breaker.failed(Unreachable("503"), NOON)
    assert breaker.allows(NOON)
    assert breaker.failed(Unreachable("server error (503), 3 tries"), NOON)  # opens

    assert not breaker.allows(NOON + datetime.timedelta(hours=6))  # skipped for the day
    assert breaker.open_until == datetime.datetime(2026, 11, 27, tzinfo=datetime.UTC)
    assert breaker.last_error == "server error (503), 3 tries"


def test_the_breaker_half_opens_the_next_day(settings):
    settings.ACTIVITY_BREAKER_FAILURES = 3
    tomorrow = datetime.datetime(2026, 11, 27, tzinfo=datetime.UTC)
    breaker = base.Breaker("bluesky", open_until=tomorrow)  # as yesterday's run left it

    assert breaker.allows(tomorrow + datetime.timedelta(hours=1))
    assert breaker.failed(Unreachable("still down"), tomorrow)  # one more failure: another day
    assert breaker.open_until == datetime.datetime(2026, 11, 28, tzinfo=datetime.UTC)

    reopened = base.Breaker("bluesky", open_until=tomorrow)
    reopened.succeeded()  # one success closes it
    assert reopened.open_until is None and reopened.allows(tomorrow)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed",
        "http://169.254.169.254/latest/meta-data/",  # the cloud's metadata service
        "http://10.0.0.5/@someone",
        "http://[::1]/feed",
        "ftp://example.org/feed",
        "https://someone:secret@example.org/feed",
    ],
)
def test_addresses_off_the_public_internet_are_never_fetched(settings, url):
    settings.ACTIVITY_ALLOW_PRIVATE_ADDRESSES = False

    with pytest.raises(NotAvailable):
        base.check_public(url)


def test_a_public_server_cannot_redirect_the_reader_inside(fast, httpserver, settings):
    httpserver.expect_request("/feed").respond_with_response(
        Response("", status=302, headers={"Location": "http://169.254.169.254/latest/"})
    )
    client = fast("rss")
    settings.ACTIVITY_ALLOW_PRIVATE_ADDRESSES = False
    real = base.public_addresses
    # The local server stands for a public one; every other address is checked as any is.
    checked = []

    def public_addresses(host, port):
        checked.append(host)
        return [host] if (host, port) == (httpserver.host, httpserver.port) else real(host, port)

    import unittest.mock

    with (
        unittest.mock.patch.object(base, "public_addresses", public_addresses),
        pytest.raises(NotAvailable),
    ):
        client.get(httpserver.url_for("/feed"))
    assert checked[-1] == "169.254.169.254"


def test_redirects_are_followed_a_few_times_only(fast, httpserver):
    httpserver.expect_request("/loop").respond_with_response(
        Response("", status=302, headers={"Location": "/loop"})
    )

    with pytest.raises(NotAvailable, match="redirects"):
        fast("rss").get(httpserver.url_for("/loop"))
    assert len(httpserver.log) == base.MAX_REDIRECTS + 1


def test_retry_after_as_an_http_date_in_utc_said_without_a_zone():
    import httpx

    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=90)
    stamp = later.strftime("%a, %d %b %Y %H:%M:%S -0000")
    response = httpx.Response(429, headers={"Retry-After": stamp})

    assert 80 < base.retry_after(response, default=1) <= 90


def test_an_html_page_is_not_a_feed(fast, httpserver):
    httpserver.expect_request("/about").respond_with_data(
        "<html><head><title>About</title></head><body><p>Hi</p></body></html>",
        content_type="text/html",
    )

    with pytest.raises(NotAvailable, match="does not give an RSS or Atom feed"):
        base.connector_for("rss", fast("rss")).read(
            Target(handle="", url=httpserver.url_for("/about"))
        )


def test_a_post_dated_in_the_future_counts_as_posted_when_seen(fast, httpserver):
    future = {"feed": [_post("2099-01-01T00:00:00.000Z")]}
    future["feed"][0]["post"]["indexedAt"] = "2026-11-23T14:30:00.000Z"
    _bluesky(httpserver, feed=future)

    profile = base.connector_for("bluesky", fast("bluesky")).read(
        Target(handle="scottishparliament.bsky.social", url="")
    )

    assert profile.last_post_at == datetime.datetime(2026, 11, 23, 14, 30, tzinfo=datetime.UTC)


# --- YouTube ------------------------------------------------------------------------------------

CHANNEL_ID = "UCabcdefghijklmnopqrstuv"
CHANNELS = {  # YouTube Data API v3 GET /youtube/v3/channels?part=id,statistics&forHandle=@…
    "kind": "youtube#channelListResponse",
    "pageInfo": {"totalResults": 1, "resultsPerPage": 5},
    "items": [
        {
            "kind": "youtube#channel",
            "id": CHANNEL_ID,
            "statistics": {
                "viewCount": "1234567",
                "subscriberCount": "48100",
                "hiddenSubscriberCount": False,
                "videoCount": "2210",
            },
        }
    ],
}
VIDEOS = f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns="http://www.w3.org/2005/Atom">
 <title>Scottish Parliament</title><yt:channelId>{CHANNEL_ID}</yt:channelId>
 <published>2010-01-05T10:00:00+00:00</published>
 <entry><id>yt:video:a</id><title>FMQs</title>
  <published>2026-11-20T13:05:00+00:00</published><updated>2026-11-25T09:00:00+00:00</updated></entry>
 <entry><id>yt:video:b</id><title>Committee</title>
  <published>2026-11-18T10:00:00+00:00</published><updated>2026-11-18T11:00:00+00:00</updated></entry>
</feed>"""


@pytest.fixture
def youtube(fast, settings, httpserver):
    settings.ACTIVITY_YOUTUBE_API_URL = httpserver.url_for("/")
    settings.ACTIVITY_YOUTUBE_FEEDS_URL = httpserver.url_for("/")
    settings.ACTIVITY_YOUTUBE_API_KEY = ""
    httpserver.expect_request(
        "/feeds/videos.xml", query_string={"channel_id": CHANNEL_ID}
    ).respond_with_data(VIDEOS, content_type="application/atom+xml")
    return base.connector_for("youtube", fast("youtube"))


def test_youtube_without_a_key_reads_the_channels_feed(youtube, httpserver):
    feed = httpserver.url_for(f"/feeds/videos.xml?channel_id={CHANNEL_ID}")

    profile = youtube.read(Target(handle="ScotParl", url="", feed_url=feed))

    # The latest video's own date: an entry's "updated" moves with every edit of its text.
    assert profile.last_post_at == datetime.datetime(2026, 11, 20, 13, 5, tzinfo=datetime.UTC)
    assert (profile.followers, profile.posts, profile.source) == (None, None, "YouTube")
    with pytest.raises(NotAvailable, match="no feed address recorded"):
        youtube.read(Target(handle="ScotParl", url=""))


def test_youtube_with_a_key_finds_the_channel_and_its_counts(youtube, httpserver, settings):
    settings.ACTIVITY_YOUTUBE_API_KEY = "test-key"
    httpserver.expect_request(
        "/youtube/v3/channels",
        query_string={"part": "id,statistics", "forHandle": "@ScotParl"},
        headers={"X-Goog-Api-Key": "test-key"},
    ).respond_with_json(CHANNELS)

    profile = youtube.read(Target(handle="ScotParl", url="https://www.youtube.com/@ScotParl"))

    assert (profile.followers, profile.posts) == (48100, 2210)
    assert profile.last_post_at == datetime.datetime(2026, 11, 20, 13, 5, tzinfo=datetime.UTC)
    asked = [request for request, _ in httpserver.log]
    assert all("test-key" not in request.url for request in asked)  # only ever in a header


def test_youtube_hides_what_the_channel_hides_and_knows_an_unknown_handle(
    youtube, httpserver, settings
):
    settings.ACTIVITY_YOUTUBE_API_KEY = "test-key"
    hidden = {
        **CHANNELS,
        "items": [
            {
                "id": CHANNEL_ID,
                "statistics": {"hiddenSubscriberCount": True, "videoCount": "2210"},
            }
        ],
    }
    httpserver.expect_request(
        "/youtube/v3/channels", query_string={"part": "id,statistics", "forHandle": "@ScotParl"}
    ).respond_with_json(hidden)
    httpserver.expect_request("/youtube/v3/channels").respond_with_json(
        {"kind": "youtube#channelListResponse", "pageInfo": {"totalResults": 0}}
    )

    assert youtube.read(Target(handle="ScotParl", url="")).followers is None
    with pytest.raises(NotAvailable, match="YouTube has no channel @Nobody"):
        youtube.read(Target(handle="Nobody", url=""))


def test_youtube_answering_another_shape_is_a_failure_of_youtube(youtube, httpserver, settings):
    settings.ACTIVITY_YOUTUBE_API_KEY = "test-key"
    httpserver.expect_request("/youtube/v3/channels").respond_with_json({"error": "quota"})

    with pytest.raises(Unreachable, match="no list of channels"):
        youtube.read(Target(handle="ScotParl", url=""))


# --- What the client refuses to read ------------------------------------------------------------


def test_an_answer_larger_than_the_limit_is_not_read(fast, httpserver, settings):
    settings.ACTIVITY_MAX_BYTES = 1000
    httpserver.expect_request("/huge.xml").respond_with_data("x" * 5000)

    with pytest.raises(NotAvailable, match="an answer over 1,000 bytes"):
        fast("rss").get(httpserver.url_for("/huge.xml"))


def test_a_compressed_answer_is_read_as_its_content(fast, httpserver):
    import gzip

    from werkzeug import Response

    httpserver.expect_request("/feed.atom").respond_with_response(
        Response(
            gzip.compress(ATOM.encode()),
            headers={"Content-Encoding": "gzip", "Content-Type": "application/atom+xml"},
        )
    )

    profile = base.connector_for("rss", fast("rss")).read(
        Target(handle="", url="", feed_url=httpserver.url_for("/feed.atom"))
    )

    assert profile.last_post_at == datetime.datetime(2026, 11, 24, 12, tzinfo=datetime.UTC)


def test_a_header_of_the_request_never_follows_a_redirect_to_another_origin(fast, httpserver):
    # The same server under another name is another origin, as far as the reader knows.
    elsewhere = f"http://127.0.0.1:{httpserver.port}/landed"
    httpserver.expect_request("/start").respond_with_data(
        "", status=302, headers={"Location": elsewhere}
    )
    httpserver.expect_request("/landed").respond_with_data("ok")

    fast("youtube").get(httpserver.url_for("/start"), headers={"X-Goog-Api-Key": "secret"})

    (first, _), (second, _) = httpserver.log
    assert first.headers.get("X-Goog-Api-Key") == "secret"
    assert second.path == "/landed" and "X-Goog-Api-Key" not in second.headers


def test_an_answer_trickled_out_past_the_deadline_times_out(fast, httpserver, settings):
    import time

    from werkzeug import Response

    settings.ACTIVITY_TIMEOUT_SECONDS = 0.2  # each read; 0.4 s for the whole answer
    settings.ACTIVITY_RETRIES = 0

    def trickle():
        for _ in range(8):
            time.sleep(0.1)
            yield b"<rss>"

    httpserver.expect_request("/slow.rss").respond_with_response(Response(trickle()))

    with pytest.raises(Unreachable, match="ReadTimeout"):
        fast("rss").get(httpserver.url_for("/slow.rss"))


def test_a_small_answer_that_unpacks_past_the_limit_is_not_read(fast, httpserver, settings):
    import gzip

    from werkzeug import Response

    settings.ACTIVITY_MAX_BYTES = 100_000
    bomb = gzip.compress(b"\0" * 5_000_000)  # about 5 KB on the wire
    httpserver.expect_request("/bomb").respond_with_response(
        Response(bomb, headers={"Content-Encoding": "gzip"})
    )
    httpserver.expect_request("/br").respond_with_response(
        Response(b"...", headers={"Content-Encoding": "br"})
    )

    with pytest.raises(NotAvailable, match="an answer over 100,000 bytes"):
        fast("rss").get(httpserver.url_for("/bomb"))
    with pytest.raises(Unreachable, match=r"an encoding not asked for \(br\)"):
        fast("rss").get(httpserver.url_for("/br"))


def test_youtube_reads_the_recorded_feed_when_the_api_cannot_say(youtube, httpserver, settings):
    settings.ACTIVITY_YOUTUBE_API_KEY = "test-key"
    httpserver.expect_request("/youtube/v3/channels").respond_with_json(
        {"error": {"code": 403, "message": "quota exceeded"}}, status=403
    )
    feed = httpserver.url_for(f"/feeds/videos.xml?channel_id={CHANNEL_ID}")

    profile = youtube.read(Target(handle="Renamed", url="", feed_url=feed))

    assert profile.last_post_at == datetime.datetime(2026, 11, 20, 13, 5, tzinfo=datetime.UTC)
    assert (profile.followers, profile.posts) == (None, None)


def test_youtube_keeps_its_counts_when_the_feed_fails(youtube, httpserver, settings):
    settings.ACTIVITY_YOUTUBE_API_KEY = "test-key"
    httpserver.expect_request("/youtube/v3/channels").respond_with_json(CHANNELS)
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=404)

    profile = youtube.read(
        Target(handle="ScotParl", url="", feed_url=httpserver.url_for("/gone.xml"))
    )

    assert (profile.followers, profile.posts, profile.last_post_at) == (48100, 2210, None)


def test_a_server_is_the_one_each_connector_reads_from(fast):
    target = Target(handle="", url="https://social.example/@x", feed_url="https://blog.example/f")

    assert base.connector_for("mastodon", fast("mastodon")).host(target) == "social.example"
    assert base.connector_for("rss", fast("rss")).host(target) == "blog.example"


def test_a_name_that_resolves_elsewhere_to_connect_is_never_read(settings, monkeypatch):
    # DNS rebinding: the name answers the check with a public address and, a moment later,
    # the connection with a private one. The reader resolves it once, as it connects, and
    # connects to the address it checked, so the second answer is checked too: refused.
    settings.ACTIVITY_ALLOW_PRIVATE_ADDRESSES = False
    monkeypatch.setattr(base.urllib.request, "getproxies", dict)  # no proxy in between
    answers = iter(["93.184.215.14", "127.0.0.1", "127.0.0.1"])
    real = socket.getaddrinfo
    asked = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != "rebinding.example":
            return real(host, port, *args, **kwargs)
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    client = PlatformClient("rss", sleep=lambda seconds: None)

    with pytest.raises(NotAvailable, match="not on the public internet"):
        client.get("https://rebinding.example/feed")
    assert len(asked) == 2  # the check, then the connection: nobody else resolved it


def _resolving(monkeypatch, *addresses):
    """Every name resolves to `addresses` (IPv4), as far as the reader can tell."""
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *args, **kwargs: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses
        ],
    )


def test_the_reader_connects_to_the_address_it_checked(settings, monkeypatch):
    settings.ACTIVITY_ALLOW_PRIVATE_ADDRESSES = False
    _resolving(monkeypatch, "93.184.215.14", "93.184.215.15")
    connected = []

    class Refusing:
        def connect_tcp(self, host, port, *args):
            connected.append((host, port))
            raise httpcore.ConnectError("refused")

    backend = base.PublicOnlyBackend()
    backend._backend = Refusing()

    with pytest.raises(httpcore.ConnectError):
        backend.connect_tcp("public.example", 443)
    # Each of its addresses in turn, and nothing else (never the name, resolved again).
    assert connected == [("93.184.215.14", 443), ("93.184.215.15", 443)]


def test_a_name_with_any_private_address_is_refused(settings, monkeypatch):
    settings.ACTIVITY_ALLOW_PRIVATE_ADDRESSES = False
    _resolving(monkeypatch, "93.184.215.14", "10.1.2.3")

    with pytest.raises(NotAvailable):
        base.PublicOnlyBackend().connect_tcp("mixed.example", 443)


def test_behind_an_outgoing_proxy_the_proxy_connects(monkeypatch):
    monkeypatch.setattr(
        base.urllib.request, "getproxies", lambda: {"https": "http://proxy.example:3128"}
    )
    assert base._transport() is None  # httpx's own, which follows the proxy
    monkeypatch.setattr(base.urllib.request, "getproxies", dict)
    assert isinstance(base._transport(), base.PublicOnlyTransport)
