"""The count behind the public form's limits: one number per call, even when its key expires
between adding it and counting."""

import datetime

import pytest
from django.core.cache import cache

from workflow import limits

pytestmark = pytest.mark.usefixtures("empty_cache")


def test_each_call_gets_the_next_number():
    assert [limits.count("k", window=60) for _ in range(3)] == [1, 2, 3]
    assert limits.count("other", window=60) == 1


def test_a_key_that_expires_between_adding_and_counting_starts_again(monkeypatch):
    real_incr = cache.incr
    expired = []

    def expire_first(key, *args, **kwargs):
        if not expired:  # the window ends just after the key was added
            expired.append(key)
            cache.delete(key)
        return real_incr(key, *args, **kwargs)

    monkeypatch.setattr(cache, "incr", expire_first)
    limits.count("k", window=60)
    limits.count("k", window=60)

    assert expired == ["k"]
    assert limits.count("k", window=60) == 3


def test_a_key_made_again_without_an_expiry_is_given_its_window(monkeypatch):
    """Redis makes a key that expired just before its INCR afresh, with no expiry."""
    cache.set("k", 0, timeout=None)
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    touched = []
    monkeypatch.setattr(cache, "touch", lambda key, timeout: touched.append((key, timeout)))

    assert limits.count("k", window=60) == 1
    assert limits.count("k", window=60) == 2
    assert touched == [("k", 60)]


# --- Whom a limit counts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        (0, {"REMOTE_ADDR": "192.0.2.1"}, "192.0.2.1"),
        # Without a proxy, the header is the client's to invent.
        (0, {"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "192.0.2.1"),
        (1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "203.0.113.9"),
        # Only the entry our proxy added counts; the ones before it are the client's.
        (
            1,
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.9"},
            "203.0.113.9",
        ),
        (
            2,
            {"REMOTE_ADDR": "10.0.0.3", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9, 10.0.0.2"},
            "203.0.113.9",
        ),
        # A port some proxies add, in either family.
        (1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9:4711"}, "203.0.113.9"),
        (
            1,
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "[2001:DB8::1]:443"},
            "2001:db8::1",
        ),
        (1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "2001:db8::1"}, "2001:db8::1"),
        # Garbled, empty or missing: the connection's address, never something unstorable.
        (1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "not-an-address"}, "10.0.0.2"),
        (1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": ""}, "10.0.0.2"),
        (1, {"REMOTE_ADDR": "10.0.0.2"}, "10.0.0.2"),
        (2, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "10.0.0.2"),
        # Only from where the proxy is: a client reaching the server directly writes anything.
        (1, {"REMOTE_ADDR": "198.51.100.7", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "198.51.100.7"),
        (1, {"REMOTE_ADDR": "::1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "203.0.113.9"),
        (1, {"REMOTE_ADDR": "garbage", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, ""),
        (0, {"REMOTE_ADDR": "garbage"}, ""),
        (0, {}, ""),
    ],
)
def test_client_address_is_the_one_our_own_proxies_saw(settings, rf, proxies, meta, expected):
    settings.FORWARDED_FOR_PROXIES = proxies
    request = rf.get("/")
    request.META.pop("REMOTE_ADDR")
    request.META.update(meta)

    assert limits.client_address(request) == expected


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("2001:db8:1:2::ff", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("", ""),
    ],
)
def test_limits_count_an_ipv6_network_as_one_sender(address, expected):
    assert limits.network_of(address) == expected


def test_the_current_window_and_what_is_left_of_it(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 20, tzinfo=datetime.UTC), tick=False)

    window, left = limits.current_window(3600)

    assert window * 3600 == datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC).timestamp()
    assert left == 40 * 60


def test_the_proxy_networks_can_be_narrowed_to_the_proxy_itself(settings, rf):
    settings.FORWARDED_FOR_PROXIES = 1
    settings.PROXY_NETWORKS = ["10.0.0.2/32", "not a network"]

    def seen(remote):
        return limits.client_address(
            rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR="203.0.113.9")
        )

    assert seen("10.0.0.2") == "203.0.113.9"
    assert seen("10.0.0.3") == "10.0.0.3"
