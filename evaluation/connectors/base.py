"""Reading an account's public activity from its platform (issue 16): what a connector returns,
how it fails, and the one HTTP client every connector goes through.

A connector (one module per platform, registered by the platform's slug) is given an account's
canonical handle and address and returns a `Profile` (followers, posts, the latest post's time,
each None where the platform does not say), or raises `NotAvailable` (the platform has no such
public account, or says nothing public about it) or `Unreachable` (the platform failed: after
the client's retries; these count towards skipping the platform for the day).

The client (`PlatformClient`, on httpx):
- identifies itself (ACTIVITY_USER_AGENT, with a contact address);
- gives each request ACTIVITY_TIMEOUT_SECONDS;
- waits at least ACTIVITY_MIN_INTERVAL_SECONDS between two requests to one platform (its
  rate limit, within the one worker that runs the daily job);
- tries again, ACTIVITY_RETRIES times, after a server error, a timeout or a refused connection,
  waiting twice as long each time, and after a 429 as long as its Retry-After says (up to
  ACTIVITY_MAX_WAIT_SECONDS; longer, and the platform is unreachable for now).
"""

import datetime
import email.utils
import ipaddress
import json
import socket
import time
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings


@dataclass(frozen=True)
class Profile:
    """What the platform says of the account now."""

    source: str  # the platform's name, as the account page says "read from Bluesky"
    followers: int | None = None
    posts: int | None = None
    last_post_at: datetime.datetime | None = None


class NotAvailable(Exception):
    """The platform has no public account by that name, or says nothing public of it."""


class Unreachable(Exception):
    """The platform failed to answer usefully (server errors, timeouts, rate limited for too
    long, an answer that is not what its interface documents)."""


@dataclass(frozen=True)
class Target:
    """The account as a connector needs it. `token`: the owner's access token, for a connector
    of a platform that shows an account's figures only to its owner (X, Facebook, Instagram,
    Threads, LinkedIn, TikTok keep the figures import for now). Such a connector says
    `needs_token = True`, and the job passes it only accounts DCCT has given a token; none is
    stored yet, so the job reads none of them."""

    handle: str
    url: str
    feed_url: str = ""
    token: str = field(default="", repr=False)

    @classmethod
    def of(cls, account) -> "Target":
        return cls(
            handle=account.handle or "", url=account.url or "", feed_url=account.feed_url or ""
        )


class Connector:
    """What every connector is: the client it reads through, and `read`. `per_host`: its
    accounts live on many servers (Mastodon's, a feed's site), so a server that keeps failing is
    skipped, not the platform."""

    name = ""  # as the account page says "read from Bluesky"
    per_host = False
    needs_token = False
    uses_feed = False  # reads the feed address DCCT records on the account

    def __init__(self, client: "PlatformClient"):
        self.client = client

    def read(self, target: Target) -> Profile:
        raise NotImplementedError

    def host(self, target: Target) -> str:
        """The server it reads this account from (for a `per_host` connector's breaker)."""
        return urlsplit(target.url).hostname or ""

    @classmethod
    def feed_site(cls) -> str:
        """Where a `uses_feed` connector's feeds are (a site, as accounts.handles.site_of
        gives it), for one that reads them under its platform's breaker; "" for anywhere."""
        return ""


REGISTRY: dict[str, type] = {}


def register(slug: str) -> Callable[[type], type]:
    """Make a connector class the reader of accounts on the platform with this slug."""

    def add(connector: type) -> type:
        REGISTRY[slug] = connector
        return connector

    return add


def connector_for(slug: str, client: "PlatformClient | None" = None):
    """The connector for a platform, or None where none reads it (a platform that needs the
    owner's token keeps the figures import)."""
    connector = registry().get(slug)
    return connector(client or PlatformClient(slug)) if connector else None


def registry() -> dict[str, type]:
    """{platform slug: its connector class}, every connector module imported."""
    from evaluation.connectors import bluesky, feeds, mastodon, youtube  # noqa: F401 (register)

    return REGISTRY


RETRIED_STATUSES = {500, 502, 503, 504}
MAX_REDIRECTS = 3


def check_public(url: str) -> None:
    """Refuse (NotAvailable) an address that is not http(s) or whose host is not on the public
    internet (a private, loopback or link-local address, as the cloud's metadata service is),
    as its name resolves now; ACTIVITY_ALLOW_PRIVATE_ADDRESSES lets the tests' local server
    through. Checked again as the connection is made (`PublicOnlyBackend`), to the address
    checked then."""
    address = httpx.URL(url)
    if address.scheme not in ("http", "https") or not address.host:
        raise NotAvailable("not an http(s) address")
    if address.userinfo:
        raise NotAvailable("an address with a name and password in it")
    public_addresses(address.host, address.port or 443)


def public_addresses(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to now, refusing (NotAvailable) if any of them is off the
    public internet (all of them are kept where ACTIVITY_ALLOW_PRIVATE_ADDRESSES is set);
    Unreachable if it does not resolve."""
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        raise Unreachable(f"{host} does not resolve") from None
    addresses = list(dict.fromkeys(sockaddr[0] for *_, sockaddr in found))
    if not settings.ACTIVITY_ALLOW_PRIVATE_ADDRESSES and not all(
        ipaddress.ip_address(address).is_global for address in addresses
    ):
        raise NotAvailable(f"{host} is not on the public internet")
    return addresses


class PublicOnlyBackend(httpcore.NetworkBackend):
    """httpcore's own way of connecting, except that it resolves the server's name itself,
    once, and connects to an address it has just checked is public: where the name were
    resolved again to connect, a server that answers the check with a public address and the
    connection with a private one (DNS rebinding) would be read from inside. TLS, the Host
    header and certificate checks still go by the name."""

    def __init__(self):
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        failure = httpcore.ConnectError(f"{host} has no address")
        for address in public_addresses(host, port):
            try:
                return self._backend.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error  # the next of its addresses, as a browser would
        raise failure

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("platforms are read over the internet only")

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class PublicOnlyTransport(httpx.HTTPTransport):
    """httpx's transport, connecting through PublicOnlyBackend."""

    def __init__(self):
        super().__init__()
        # httpx builds its pool of connections with httpcore's default backend and offers no
        # way to give it another; the same pool, with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=10,
            max_keepalive_connections=5,
            keepalive_expiry=5.0,
            network_backend=PublicOnlyBackend(),
        )


def _transport():
    """PublicOnlyTransport, unless the environment names a proxy for outgoing requests
    (HTTPS_PROXY and the like, which httpx follows): then the proxy connects, and what is
    checked is the name as it resolves here."""
    return None if urllib.request.getproxies() else PublicOnlyTransport()


class PlatformClient:
    """The HTTP client of one platform's connector (see the module's docstring)."""

    def __init__(
        self,
        platform: str,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.platform = platform
        self.sleep = sleep
        self.clock = clock
        self.requests = 0
        self._last = None
        self.http = httpx.Client(
            headers={
                "User-Agent": settings.ACTIVITY_USER_AGENT,
                "Accept": "*/*",
                "Accept-Encoding": "gzip, deflate",  # what `_decoded` unpacks, within a limit
            },
            timeout=settings.ACTIVITY_TIMEOUT_SECONDS,
            follow_redirects=False,  # each hop is checked (`_fetch`)
            transport=transport if transport is not None else _transport(),
        )

    def close(self) -> None:
        self.http.close()

    def _pace(self) -> None:
        if self._last is not None:
            wait = settings.ACTIVITY_MIN_INTERVAL_SECONDS - (self.clock() - self._last)
            if wait > 0:
                self.sleep(wait)
        self._last = self.clock()

    def get(self, url: str, *, headers=None, **params) -> httpx.Response:
        """The answer to a GET, after the retries; NotAvailable for a 404 or 410 (and a 400,
        which these interfaces give for a name they do not know), Unreachable otherwise.
        `headers`: the request's own (a key goes in one, never in the address, which is
        logged)."""
        backoff = settings.ACTIVITY_BACKOFF_SECONDS
        for attempt in range(settings.ACTIVITY_RETRIES + 1):
            self._pace()
            self.requests += 1
            try:
                response = self._fetch(url, params, headers)
            except httpx.TransportError as error:  # timed out, refused, reset
                failure = f"{type(error).__name__}"
                wait = backoff * 2**attempt
            else:
                if response.status_code < 300:
                    return response
                if response.status_code in (400, 404, 410):
                    raise NotAvailable(f"{self.platform} answered {response.status_code}")
                if response.status_code == 429:
                    failure = "rate limited (429)"
                    wait = retry_after(response, default=backoff * 2**attempt)
                elif response.status_code in RETRIED_STATUSES:
                    failure = f"server error ({response.status_code})"
                    wait = backoff * 2**attempt
                else:
                    raise Unreachable(f"{self.platform} answered {response.status_code}")
            if attempt == settings.ACTIVITY_RETRIES:
                break
            if wait > settings.ACTIVITY_MAX_WAIT_SECONDS:
                raise Unreachable(f"{self.platform}: {failure}, asked to wait {wait:.0f} s")
            self.sleep(wait)
        raise Unreachable(f"{self.platform}: {failure}, {attempt + 1} tries")

    def _fetch(self, url: str, params, headers=None) -> httpx.Response:
        """GET, following at most MAX_REDIRECTS redirects, each to a public address only (an
        account's address comes from people, and a server may send the reader anywhere), and
        the request's own headers only to the origin they were meant for. At most
        ACTIVITY_MAX_BYTES of the body are read, compressed or not (larger: NotAvailable),
        within twice ACTIVITY_TIMEOUT_SECONDS in all (a server that trickles its answer out
        times out like one that says nothing)."""
        started = time.monotonic()
        origin = _origin(url)
        for _ in range(MAX_REDIRECTS + 1):
            check_public(url)
            own = headers if _origin(url) == origin else None
            with self.http.stream("GET", url, params=params or None, headers=own) as answer:
                if answer.is_redirect:
                    url, params = str(answer.next_request.url), None
                    continue
                raw = bytearray()
                for chunk in answer.iter_raw():
                    raw += chunk
                    if len(raw) > settings.ACTIVITY_MAX_BYTES:
                        raise self._too_large()
                    if time.monotonic() - started > 2 * settings.ACTIVITY_TIMEOUT_SECONDS:
                        raise httpx.ReadTimeout("the answer took too long", request=answer.request)
                body = self._decoded(bytes(raw), answer.headers.get("Content-Encoding", ""))
                # The body as read: a response of its own, without the headers that described
                # it on the wire.
                kept = [
                    (name, value)
                    for name, value in answer.headers.multi_items()
                    if name.lower()
                    not in ("content-encoding", "content-length", "transfer-encoding")
                ]
                return httpx.Response(
                    answer.status_code, headers=kept, content=body, request=answer.request
                )
        raise NotAvailable(f"{self.platform}: more than {MAX_REDIRECTS} redirects")

    def _too_large(self) -> NotAvailable:
        return NotAvailable(
            f"{self.platform}: an answer over {settings.ACTIVITY_MAX_BYTES:,} bytes"
        )

    def _decoded(self, raw: bytes, encoding: str) -> bytes:
        """The body without its gzip or deflate compression (the only ones asked for),
        decompressed no further than ACTIVITY_MAX_BYTES: a small answer may unpack to a huge
        one."""
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            return raw
        if encoding not in ("gzip", "x-gzip", "deflate"):
            raise Unreachable(f"{self.platform} answered in an encoding not asked for ({encoding})")
        unpack = zlib.decompressobj(wbits=zlib.MAX_WBITS | 32)  # gzip or zlib, by its header
        try:
            body = unpack.decompress(raw, settings.ACTIVITY_MAX_BYTES + 1)
        except zlib.error:
            try:  # "deflate" as some servers send it: without zlib's header
                body = zlib.decompressobj(wbits=-zlib.MAX_WBITS).decompress(
                    raw, settings.ACTIVITY_MAX_BYTES + 1
                )
            except zlib.error:
                raise Unreachable(f"{self.platform} answered with a broken {encoding}") from None
        if len(body) > settings.ACTIVITY_MAX_BYTES:
            raise self._too_large()
        return body

    def json(self, url: str, *, headers=None, **params) -> dict:
        response = self.get(url, headers=headers, **params)
        try:
            data = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise Unreachable(f"{self.platform} answered something that is not JSON") from None
        if not isinstance(data, dict):
            raise Unreachable(f"{self.platform} answered JSON of another shape")
        return data


def _origin(url: str) -> tuple:
    address = httpx.URL(url)
    return (address.scheme, address.host, address.port)


def retry_after(response: httpx.Response, *, default: float) -> float:
    """Seconds to wait, from a Retry-After header (seconds, or an HTTP date)."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return default
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return default
    if when.tzinfo is None:  # "-0000": UTC, said without a zone
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, (when - datetime.datetime.now(datetime.UTC)).total_seconds())


def moment(value) -> datetime.datetime | None:
    """An ISO 8601 time from an interface (a "Z" for UTC, or a date alone), aware; None for
    nothing or what cannot be read."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def count(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


class Breaker:
    """One platform's circuit breaker for a day's reading: after ACTIVITY_BREAKER_FAILURES
    accounts in a row whose reading failed (Unreachable), the platform is skipped for the rest
    of the day, so that a platform that is down costs one short run of failures, not a timeout
    for each of its thousands of accounts. `open_until` is kept by the caller between runs (the
    job stores it), so that tomorrow's run tries again (half open: one success closes it, one
    more failure opens it for another day)."""

    def __init__(self, platform: str, *, open_until: datetime.datetime | None = None):
        self.platform = platform
        self.open_until = open_until
        self.failures = 0
        self.last_error = ""

    def allows(self, now: datetime.datetime) -> bool:
        return self.open_until is None or now >= self.open_until

    def succeeded(self) -> None:
        self.failures = 0
        self.open_until = None

    def failed(self, error: Exception, now: datetime.datetime) -> bool:
        """Count a failure; True when it opens the breaker (until the next day begins)."""
        self.failures += 1
        self.last_error = str(error)
        half_open = self.open_until is not None  # tried again after a day skipped
        if half_open or self.failures >= settings.ACTIVITY_BREAKER_FAILURES:
            tomorrow = (now + datetime.timedelta(days=1)).replace(
                hour=0, minute=0, second=0, microsecond=0
            )
            self.open_until = tomorrow
            return True
        return False
