"""The public register (DESIGN.md section 5): what anyone may see of the official accounts,
and whether a profile URL or handle is one of them. Nothing here shows a team, an email or
anything not yet live."""

from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Lower

from accounts.handles import (
    canonical_url,
    handle_key,
    normalise_address,
    parse_profile_url,
    platform_of,
)
from accounts.models import Account, AccountState, Platform

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
        .order_by("platform__sort_order", Lower("display_name"))
    )


def public_status(account) -> str:
    return "closed" if account.state == AccountState.CLOSED else "live"


def _platforms():
    return list(Platform.objects.filter(internal=False, active=True))


MAX_LOOKUP = 300


def _cleaned(text: str) -> str:
    return "".join(ch for ch in (text or "") if ch.isprintable()).strip()[:MAX_LOOKUP]


def find(text: str):
    """What a profile URL or handle names: (status, account or None, platforms).

    A URL is read by its platform's rules (hosts and aliases, www., m. and mobile., query
    strings, trailing slashes); a look-alike host matches nothing. A bare handle (@ScotParl)
    is looked up on every platform, comparing case only where the platform does, and
    `platforms` says which platforms it is official on: the same handle elsewhere may be
    somebody else."""
    text = _cleaned(text)
    if not text:
        return "unknown", None, []
    platforms = _platforms()
    parsed = parse_profile_url(text, platforms)
    if parsed is not None:
        platform, handle = parsed
        candidates = [
            account
            for account in public_accounts().filter(platform=platform, handle__iexact=handle)
            if handle_key(platform, account.handle) == handle_key(platform, handle)
        ]
    elif "/" in text or " " in text:
        return "unknown", None, []  # an address we do not recognise is no official account
    else:
        handle = text.lstrip("@")
        candidates = [
            account
            for account in public_accounts().filter(handle__iexact=handle)
            if handle_key(account.platform, account.handle) == handle_key(account.platform, handle)
        ]
    official = [account for account in candidates if account.state != AccountState.CLOSED]
    if official:
        return "live", official[0], sorted({account.platform.name for account in official})
    closed = sorted(candidates, key=lambda account: account.closed_on or account.created_at.date())
    return ("closed", closed[-1], []) if closed else ("unknown", None, [])


@dataclass(frozen=True)
class ReportedAddress:
    """An address somebody reports, as the register reads it: a report is keyed on the
    platform and handle where they can be read, and on the normalised address otherwise."""

    address: str
    platform: Platform | None = None
    handle: str = ""
    handle_key: str = ""


def read_reported(text: str) -> ReportedAddress:
    """Read a reported profile address by the lookup's rules (`find`): a profile address of a
    platform in the catalogue becomes its canonical address, any other keeps what can be kept
    (the host in lower case, no query string or fragment)."""
    text = _cleaned(text)
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
