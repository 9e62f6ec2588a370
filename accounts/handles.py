"""Reading profile URLs and handles into the canonical (platform, handle) that the register is
keyed on (DESIGN.md section 5). Each platform's rules are data on the Platform row."""

import re
from urllib.parse import urlsplit

# Sub-domains that name the same site: www.x.com, m.facebook.com, mobile.twitter.com.
SAME_SITE_PREFIXES = ("www.", "m.", "mobile.")


class HandleError(ValueError):
    """The handle or URL cannot belong to this platform; the message says why."""


def site_of(host: str) -> str:
    host = (host or "").strip().lower().rstrip(".")
    host = host.split(":", 1)[0]
    for prefix in SAME_SITE_PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def _split(url: str):
    """(site, path) of an address; ("", "/") for text no address can be read from."""
    url = (url or "").strip()
    if "://" not in url:
        url = "https://" + url
    try:
        parts = urlsplit(url)
        hostname = parts.hostname or ""
    except ValueError:  # "http://[x.com/…", full-width characters that normalise into "#"
        return "", "/"
    path = re.sub(r"/+", "/", parts.path).rstrip("/") or "/"
    return site_of(hostname), path


def handle_from_url(platform, url: str) -> str:
    """The handle in a profile URL of this platform; HandleError if it is not one.

    Hosts are compared exactly (after dropping www., m. and mobile.), so a look-alike host such
    as faketwitter.com never matches; query strings, fragments and trailing slashes are
    ignored."""
    site, path = _split(url)
    if site not in platform.hosts:
        raise HandleError(f"This is not a {platform} address.")
    if not platform.profile_path:
        raise HandleError(f"{platform} has no profile addresses.")
    match = re.match(platform.profile_path, path)
    if match is None:
        raise HandleError(f"This {platform} address is not a profile page.")
    return normalise_handle(platform, match.group("handle"))


def normalise_handle(platform, raw: str) -> str:
    """A bare handle as the register stores it: no spaces or leading @, checked against the
    platform's pattern. A profile URL is read for its handle. Case is kept for display;
    `handle_key` is what comparisons use."""
    handle = (raw or "").strip()
    if "/" in handle:
        return handle_from_url(platform, handle)
    handle = handle.lstrip("@")
    if not handle:
        raise HandleError("Give the account's handle.")
    if platform.handle_pattern and not re.fullmatch(platform.handle_pattern, handle):
        raise HandleError(f"“{handle}” is not a valid {platform} handle.")
    return handle


def handle_key(platform, handle: str) -> str:
    """What two spellings of one handle have in common: case is ignored where the platform
    ignores it."""
    return handle if platform.handles_case_sensitive else handle.lower()


def canonical_url(platform, handle: str) -> str:
    return platform.canonical_url.format(handle=handle) if platform.canonical_url else ""


def parse_profile_url(url: str, platforms):
    """(platform, handle) for a profile URL of any platform in `platforms`, or None."""
    site, _ = _split(url)
    for platform in platforms:
        if site in (platform.hosts or []):
            try:
                return platform, handle_from_url(platform, url)
            except HandleError:
                return None
    return None


def normalise_address(url: str) -> str:
    """An address as the register compares addresses it cannot read a handle from: https, the
    host in lower case without www., m. or mobile., no port, query string, fragment, repeated
    or trailing slash. "" for text no address can be read from."""
    site, path = _split(url)
    if not site:
        return ""
    return f"https://{site}{'' if path == '/' else path}"


def platform_of(url: str, platforms):
    """The platform among `platforms` whose site the address is on, profile page or not."""
    site, _ = _split(url)
    return next((platform for platform in platforms if site in (platform.hosts or [])), None)
