"""The public register (DESIGN.md section 5): what anyone may see of the official accounts,
and whether a profile URL or handle is one of them. Nothing here shows a team, an email or
anything not yet live."""

import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower

from accounts.handles import (
    AddressError,
    canonical_url,
    handle_key,
    normalise_address,
    parse_profile_url,
    platform_of,
    read_address,
    stripped,
)
from accounts.models import Account, AccountState, Platform
from workflow.forms import SEARCH_MAX_LENGTH

# Live, or on the way to closing: still official until it is closed.
OFFICIAL_STATES = [
    AccountState.LIVE,
    AccountState.CLOSURE_PROPOSED,
    AccountState.CLOSURE_CONTESTED,
    AccountState.CLOSURE_ESCALATED,
    AccountState.CLOSING,
]


def public_accounts():
    """Official accounts (live, including those whose closure is under way) and closed ones."""
    return (
        Account.objects.filter(state__in=[*OFFICIAL_STATES, AccountState.CLOSED])
        .select_related("platform", "office")
        .order_by("platform_sort_order", Lower("display_name"), "pk")  # account_register_order
    )


def public_status(account) -> str:
    return "closed" if account.state == AccountState.CLOSED else "live"


def _platforms():
    """The platforms the lookup reads addresses of: every public one. A platform no longer
    offered for new proposals (not `active`) may still hold live accounts, and closed ones
    whose old links people check."""
    return list(Platform.objects.filter(internal=False))


def listed_platforms():
    """The platforms the register's filter offers: those offered for new accounts, and any
    other with an account on the register."""
    on_register = public_accounts().filter(platform=OuterRef("pk"))
    return Platform.objects.filter(internal=False).filter(Q(active=True) | Exists(on_register))


MAX_LOOKUP = 300

# A bare handle has nothing that gives an address its shape: no slash or backslash, no scheme,
# query or fragment, no escapes, no white space. `ScotParl`, `@ScotParl`, `scotparl.bsky.social`.
_BARE_HANDLE = re.compile(r"[^\s/\\:?#%\x00-\x1f\x7f]+")


# Platforms whose handles are domain names their owners hold (a Bluesky handle is proven by its
# domain): typed bare, such a handle opens the owner's own site.
DOMAIN_HANDLES = {"bluesky"}
DOTTED_HANDLE_PROBLEM = (
    "A browser would open this as a web address, which is not one of our accounts. To check a "
    "handle with a dot in it, write it with @ in front."
)


@dataclass(frozen=True)
class Lookup:
    """What the lookup made of a profile address or handle."""

    status: str  # live, closed or unknown
    account: Account | None = None
    platforms: tuple = ()  # the platforms a bare handle is official on
    as_handle: bool = False  # read as a bare handle, not as an address
    problem: str = ""  # why an address is not vouched for, where that is worth saying


def look_up(text: str) -> Lookup:
    """What a profile URL or handle names.

    A URL is read as a browser reads it (`handles.read_address`) and then by its platform's
    rules (hosts and aliases, www., m. and mobile., query strings, trailing slashes): an
    address a browser would open on any other host, or with a name before the host or a port
    of its own, is never official. A bare handle (@ScotParl) is looked up on every platform,
    comparing case only where the platform does, and `platforms` says which platforms it is
    official on: the same handle elsewhere may be somebody else."""
    text = stripped(text)  # only the ends: what a browser makes of the middle is where it goes
    if not text:
        return Lookup("unknown")
    if len(text) > MAX_LOOKUP:  # never cut short: the rest may send a browser elsewhere
        return Lookup(
            "unknown",
            problem=f"This is longer than any profile address ({MAX_LOOKUP} characters at most).",
        )
    if _BARE_HANDLE.fullmatch(text):
        handle = text.lstrip("@")
        accounts = public_accounts().filter(handle__iexact=handle)
        dotted = "." in handle and not text.startswith("@")
        if dotted:
            # "scotparl.tv" is a web address to a browser, whoever holds @scotparl.tv on
            # Instagram: read as a handle only where a handle is the owner's own domain.
            accounts = accounts.filter(platform__slug__in=DOMAIN_HANDLES)
        candidates = [
            account
            for account in accounts
            if handle_key(account.platform, account.handle) == handle_key(account.platform, handle)
        ]
        if dotted and not candidates:
            return Lookup("unknown", as_handle=True, problem=DOTTED_HANDLE_PROBLEM)
        return _answer(candidates, as_handle=True)
    try:
        read_address(text)
    except AddressError as error:
        return Lookup("unknown", problem=str(error))
    parsed = parse_profile_url(text, _platforms())
    if parsed is None:
        return Lookup("unknown")  # an address we do not recognise is no official account
    platform, handle = parsed
    candidates = [
        account
        for account in public_accounts().filter(platform=platform, handle__iexact=handle)
        if handle_key(platform, account.handle) == handle_key(platform, handle)
    ]
    return _answer(candidates, as_handle=False)


def _answer(candidates, *, as_handle) -> Lookup:
    official = [account for account in candidates if account.state != AccountState.CLOSED]
    if official:
        platforms = tuple(sorted({account.platform.name for account in official}))
        return Lookup("live", official[0], platforms, as_handle=as_handle)
    closed = sorted(candidates, key=lambda account: account.closed_on or account.created_at.date())
    if closed:
        return Lookup("closed", closed[-1], as_handle=as_handle)
    return Lookup("unknown", as_handle=as_handle)


def find(text: str):
    """(status, account or None, platforms) of `look_up`."""
    lookup = look_up(text)
    return lookup.status, lookup.account, list(lookup.platforms)


@dataclass(frozen=True)
class ReportedAddress:
    """An address somebody reports, as the register reads it: a report is keyed on the
    platform and handle where they can be read, and on the normalised address otherwise."""

    address: str
    platform: Platform | None = None
    handle: str = ""
    handle_key: str = ""


def read_reported(text: str) -> ReportedAddress:
    """Read a reported profile address by the lookup's rules (`look_up`): a profile address of
    a platform in the catalogue becomes its canonical address, any other the address a browser
    opens (the host in lower case, no query string or fragment), keeping a name before the host
    or a port, so that a look-alike is never filed as the account it imitates."""
    text = stripped(text)
    platforms = _platforms()
    parsed = parse_profile_url(text, platforms)
    if parsed is not None:
        platform, handle = parsed
        return ReportedAddress(
            address=canonical_url(platform, handle) or normalise_address(text),
            platform=platform,
            handle=handle,
            handle_key=handle_key(platform, handle),
        )
    return ReportedAddress(address=normalise_address(text), platform=platform_of(text, platforms))


def search(queryset, *, q="", platform=None, office=None, status=""):
    if q:
        q = q.strip().lstrip("@")
        if len(q) > SEARCH_MAX_LENGTH:
            return queryset.none()  # longer than any name or handle: nothing matches
        queryset = queryset.filter(Q(display_name__icontains=q) | Q(handle__icontains=q))
    if platform:
        queryset = queryset.filter(platform__slug=platform)
    if office:
        queryset = queryset.filter(office_id=office)
    if status == "live":
        queryset = queryset.exclude(state=AccountState.CLOSED)
    elif status == "closed":
        queryset = queryset.filter(state=AccountState.CLOSED)
    return queryset


def plausible_id(text):
    """A filter's id from a query string, or None for anything that cannot be one."""
    try:
        number = int(text)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None
