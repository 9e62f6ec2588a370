"""Rate limits on what the public and signed-out visitors can make us do (reports, password
resets): counted in the cache, so that every web process and worker shares one count when
Redis is used."""

import functools
import ipaddress
import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.shortcuts import render


def count(key: str, *, window: int) -> int:
    """Count one more under `key`, which lasts `window` seconds from its first count, and
    return the count, this one included. Adding then incrementing is atomic in the cache: of
    two requests at once, each gets its own number, so neither can slip under a limit."""
    cache.add(key, 0, timeout=window)
    try:
        counted = cache.incr(key)
    except ValueError:  # it expired between the two calls: this count starts it again
        if cache.add(key, 1, timeout=window):
            return 1
        counted = cache.incr(key)
    if counted == 1:
        # Redis makes a key that expired between Django's check and its INCR afresh, with no
        # expiry: give the first count of a key its window, whoever made it.
        cache.touch(key, timeout=window)
    return counted


def client_address(request) -> str:
    """The address the request came from: the connection's, or, behind proxies that add it to
    X-Forwarded-For (settings.FORWARDED_FOR_PROXIES of them, the nearest connecting from
    settings.PROXY_NETWORKS), the one the nearest proxy saw.
    Anything further left in the header is the client's to invent; an entry that is not an
    address (garbled, or with a port some proxies add) is read as its address or, failing that,
    the connection's, so that it is always something a GenericIPAddressField can store."""
    connection = _address_in(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.FORWARDED_FOR_PROXIES
    if proxies and _from_proxy(connection):
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part.strip() for part in header.split(",")]
        if len(forwarded) >= proxies:
            address = _address_in(forwarded[-proxies])
            if address:
                return address
    return connection


def _from_proxy(address: str) -> bool:
    """Whether a connection from `address` may be our proxy (settings.PROXY_NETWORKS)."""
    if not address:
        return False
    ip = ipaddress.ip_address(address)
    for network in settings.PROXY_NETWORKS:
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:  # a mistyped network trusts nobody
            continue
    return False


def _address_in(text: str) -> str:
    """The IP address in `text` ("203.0.113.9", "203.0.113.9:4711", "[2001:db8::1]:443"), in
    its canonical spelling, or "" when there is none."""
    candidates = [text]
    if text.startswith("[") and "]" in text:
        candidates.append(text[1 : text.index("]")])
    elif text.count(":") == 1:
        candidates.append(text.split(":", 1)[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return ""


def network_of(address: str) -> str:
    """Who a limit counts: one IPv4 address, or one IPv6 /64 (what one home or phone gets, so
    that walking through its addresses does not escape the limit)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def current_window(seconds: int) -> tuple[int, int]:
    """The number of the fixed window of `seconds` we are in, for a key that starts afresh with
    each, and how many seconds are left of it (for Retry-After)."""
    now = time.time()
    return int(now // seconds), max(1, seconds - int(now % seconds))


PUBLIC_READS_WINDOW_SECONDS = 60


def public_reads_allowed(request) -> tuple[bool, int]:
    """Count a read of a public page or the API by somebody not signed in against their
    sender's minute. Whether it is
    within settings.PUBLIC_READS_PER_MINUTE (0 turns the limit off), and the seconds left of
    the minute, for Retry-After."""
    allowed = settings.PUBLIC_READS_PER_MINUTE
    if not allowed or _signed_in(request):
        # Staff are known, and a whole office reads from one address: only the public counts.
        return True, 0
    window, wait = current_window(PUBLIC_READS_WINDOW_SECONDS)
    key = f"public-reads:{network_of(client_address(request))}:{window}"
    return count(key, window=PUBLIC_READS_WINDOW_SECONDS) <= allowed, wait


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None:
        return user.is_authenticated
    # The API authenticates nobody (DRF has set the user to None): a signed-in session counts.
    session = getattr(request, "session", None)
    return session is not None and SESSION_KEY in session


def limit_public_reads(view):
    """Answer 429, with Retry-After, to a sender who reads the public register's pages faster
    than a person could: its search, lookup and downloads cost a query each, and are open to
    anyone. One count is shared with the JSON API (accounts.throttling.PublicReadThrottle)."""

    @functools.wraps(view)
    def limited(request, *args, **kwargs):
        within, wait = public_reads_allowed(request)
        if within:
            return view(request, *args, **kwargs)
        response = render(
            request,
            "429.html",
            {"limit": settings.PUBLIC_READS_PER_MINUTE, "wait": wait},
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response

    return limited
