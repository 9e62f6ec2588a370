"""Reading profile URLs and handles into the canonical (platform, handle) that the register is
keyed on (DESIGN.md section 5). Each platform's rules are data on the Platform row.

Addresses are read as a browser reads them: the WHATWG URL standard, through ada-url. Python's
`urllib.parse` disagrees with browsers about backslashes, user names, tabs, full-width dots and
percent-encoded hosts, and every disagreement is a look-alike the register would vouch for
(`https://evil.org\\@x.com/ScotParl` opens evil.org)."""

import re
from dataclasses import dataclass

from ada_url import URL

# Sub-domains that name the same site: www.x.com, m.facebook.com, mobile.twitter.com.
SAME_SITE_PREFIXES = ("www.", "m.", "mobile.")

WEB_SCHEMES = ("http:", "https:")

# What the URL standard drops from both ends of an address: spaces and control characters.
_C0_OR_SPACE = "".join(chr(code) for code in range(0x21))
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


# A federated handle's server: a host name whose last label is no number (so no IP address).
SERVER_NAME = re.compile(
    r"([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+(xn--[a-z0-9-]+|[a-z][a-z0-9-]*[a-z0-9])"
)


class HandleError(ValueError):
    """The handle or URL cannot belong to this platform; the message says why."""


class AddressError(HandleError):
    """The text is no web address the register will vouch for; the message says why."""


def stripped(text: str) -> str:
    """The text without what a browser ignores at its ends: spaces and control characters, and
    the other white space the address bar trims from what is pasted into it."""
    text, before = text or "", None
    while text != before:
        before, text = text, text.strip().strip(_C0_OR_SPACE)
    return text


def site_of(host: str) -> str:
    """The site a host name is part of: lower case, without the root's trailing dot or a
    www., m. or mobile. prefix."""
    host = (host or "").lower()
    if host.endswith(".") and not host.endswith(".."):  # x.com. is x.com, fully written
        host = host[:-1]
    for prefix in SAME_SITE_PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def hosts_of(platform) -> set[str]:
    """The platform's host names, as `site_of` gives them (the catalogue is edited by hand)."""
    return {site_of(str(host).strip()) for host in platform.hosts or []}


@dataclass(frozen=True)
class WebAddress:
    """An http or https address as a browser opens it."""

    host: str  # lower case; international names in punycode (xn--), as the browser looks it up
    scheme: str = "https"
    port: str = ""  # "" for the scheme's own port
    userinfo: str = ""  # what comes before "@" in the host part: never part of where it goes
    path: str = "/"  # percent-encoded; dot segments resolved; no repeated or trailing slash

    @property
    def site(self) -> str:
        return site_of(self.host)

    def check(self) -> "WebAddress":
        """This address, if the register may vouch for it; AddressError otherwise. Official
        profile addresses never carry a name before the host or a port of their own: both are
        ways to make one site's address look like another's."""
        if self.userinfo:
            raise AddressError(
                f"A browser opens this address on {self.host}, not on the site written before "
                "the “@”: official addresses never have a name before the site."
            )
        if self.port:
            raise AddressError(f"This address names a port (:{self.port}): official ones never do.")
        return self


def _parsed(text: str):
    """The URL a browser makes of the text, or None. An address without a scheme
    (x.com/ScotParl) is read as the address bar reads it, as https."""
    try:
        return URL(text)
    except ValueError:
        pass
    if _SCHEME.match(_TAB_OR_NEWLINE.sub("", text)):
        return None  # it names a scheme but is not a valid address of it
    try:
        return URL("https://" + text)
    except ValueError:
        return None


def _profile_path(pathname: str) -> str:
    """The path as profile patterns read it: unreserved characters written as %XX decoded (they
    mean the same, RFC 3986), other escapes left alone, no repeated or trailing slash."""

    def decode(match):
        character = chr(int(match.group(1), 16))
        return character if character in _UNRESERVED else match.group(0)

    path = _ESCAPE.sub(decode, pathname)
    return re.sub(r"/+", "/", path).rstrip("/") or "/"


def browser_reading(text: str) -> WebAddress | None:
    """Where a browser would go with this text: the http or https address it opens, port and
    user name included, or None for text it would not open as a web page (another scheme such
    as javascript: or ftp:, or no valid address at all)."""
    url = _parsed(stripped(text))
    if url is None or url.protocol not in WEB_SCHEMES or not url.hostname:
        return None
    userinfo = url.username + (f":{url.password}" if url.password else "")
    return WebAddress(
        host=url.hostname,
        scheme=url.protocol[:-1],
        port=url.port,
        userinfo=f"{userinfo}@" if userinfo else "",
        path=_profile_path(url.pathname),
    )


def names_another_scheme(text: str) -> bool:
    """Whether the text starts with a scheme other than http or https (javascript:, ftp:)."""
    scheme = _SCHEME.match(_TAB_OR_NEWLINE.sub("", stripped(text)))
    return scheme is not None and scheme.group(0).lower() not in WEB_SCHEMES


def read_address(text: str) -> WebAddress:
    """The web address the register may vouch for; AddressError saying why not otherwise."""
    address = browser_reading(text)
    if address is None and names_another_scheme(text):
        raise AddressError("This is not the address of a web page: give one starting https://.")
    if address is None:
        raise AddressError("This is not an address a browser can open.")
    return address.check()


def handle_from_url(platform, url: str) -> str:
    """The handle in a profile URL of this platform; HandleError if it is not one.

    Hosts are compared exactly (after dropping www., m. and mobile.), so a look-alike host such
    as faketwitter.com never matches; query strings, fragments and trailing slashes are
    ignored."""
    address = read_address(url)
    if address.site not in hosts_of(platform) and not platform.federated:
        raise HandleError(f"This is not a {platform} address.")
    if not platform.profile_path:
        raise HandleError(f"{platform} has no profile addresses.")
    match = re.match(platform.profile_path, address.path)
    if match is None:
        raise HandleError(f"This {platform} address is not a profile page.")
    if platform.federated:  # the server is part of the handle: name@server
        return normalise_handle(platform, f"{match.group('handle')}@{address.host}")
    return normalise_handle(platform, match.group("handle"))


def normalise_handle(platform, raw: str) -> str:
    """A bare handle as the register stores it: no spaces or leading @, checked against the
    platform's pattern. A profile URL is read for its handle. Case is kept for display;
    `handle_key` is what comparisons use."""
    handle = (raw or "").strip()
    if "/" in handle or "\\" in handle:
        return handle_from_url(platform, handle)
    handle = handle.lstrip("@")
    if not handle:
        raise HandleError("Give the account's handle.")
    if platform.federated:
        name, at, server = handle.rpartition("@")
        if not (name and at and server):
            raise HandleError(
                f"Give the {platform} handle with its server, as name@server.example."
            )
        # A server's name is a host name: any case, the root's trailing dot optional; never an
        # address, a port or a name with no dot (whatever the platform's own pattern allows).
        server = server.lower().removesuffix(".")
        if not SERVER_NAME.fullmatch(server):
            raise HandleError(f"“{server}” is not the name of a server on the internet.")
        handle = f"{name}@{server}"
    if platform.handle_pattern and not re.fullmatch(platform.handle_pattern, handle):
        raise HandleError(f"“{handle}” is not a valid {platform} handle.")
    return handle


def handle_key(platform, handle: str) -> str:
    """What two spellings of one handle have in common: case is ignored where the platform
    ignores it."""
    return handle if platform.handles_case_sensitive else handle.lower()


def canonical_url(platform, handle: str) -> str:
    if not platform.canonical_url:
        return ""
    if platform.federated:
        name, _, server = handle.rpartition("@")
        return platform.canonical_url.format(name=name, server=server)
    return platform.canonical_url.format(handle=handle)


def parse_profile_url(url: str, platforms):
    """(platform, handle) for a profile URL of any platform in `platforms`, or None: also for
    an address the register would not vouch for (a name before the host, a port)."""
    try:
        site = read_address(url).site
    except AddressError:
        return None
    for platform in platforms:
        if site in hosts_of(platform):
            try:
                return platform, handle_from_url(platform, url)
            except HandleError:
                return None
    # A profile page on any other host may be on a federated platform's server (Mastodon's
    # https://server/@name): its handle names that server, so it matches only that account.
    for platform in platforms:
        if platform.federated:
            try:
                return platform, handle_from_url(platform, url)
            except HandleError:
                continue
    return None


def normalise_address(url: str) -> str:
    """An address as the register compares addresses it cannot read a handle from: where a
    browser goes, as https, the host in lower case without www., m. or mobile., no query
    string, fragment, repeated or trailing slash. A name before the host and a port other than
    the scheme's own are kept (with the scheme the port belongs to): they make it another
    address than the one without them. "" for text no web address can be read from."""
    address = browser_reading(url)
    if address is None:
        return ""
    scheme, port = (address.scheme, f":{address.port}") if address.port else ("https", "")
    path = "" if address.path == "/" else address.path
    # The site only where it reads back as itself: m.www.x.com written as www.x.com would be
    # read again as x.com, and the host "." as no host at all.
    site = address.site
    host = site if site and site_of(site) == site else address.host
    return f"{scheme}://{address.userinfo}{host}{port}{path}"


def platform_of(url: str, platforms):
    """The platform among `platforms` whose site a browser opens the address on, profile page
    or not."""
    address = browser_reading(url)
    if address is None:
        return None
    return next((platform for platform in platforms if address.site in hosts_of(platform)), None)
