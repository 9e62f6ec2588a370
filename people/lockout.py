"""Sign-in lockout after repeated wrong passwords (django-axes), on the product's sign-in page
and the admin's. The numbers are settings (SIGN_IN_FAILURE_LIMIT, ..._PER_PERSON,
SIGN_IN_COOLOFF_MINUTES); config/settings/base.py says why they count what they count."""

import datetime
import hashlib

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

from people.models import normalise_email

# AccessAttempt.username holds at most this many characters.
USERNAME_LENGTH = 255


def username_of(request, credentials) -> str | None:
    """The email address a sign-in was for, spelt as the person's account spells it, so that
    "Ann@Example.org" and "ann@example.org" count as one person."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username")
    return normalise_email(value)[:USERNAME_LENGTH] or None


def _recent(request, **lookups):
    return AccessAttempt.objects.filter(
        attempt_time__gte=get_cool_off_threshold(request), **lookups
    )


# A browser that has signed in as somebody carries a signed cookie saying so, for this long: the
# limit on one person's failures from anywhere does not keep them out of their own browser,
# so that a stranger who knows their email address cannot lock them out by guessing.
KNOWN_BROWSER_COOKIE = "known_sign_in"
KNOWN_BROWSER_DAYS = 90
_KNOWN_SALT = "people.lockout.known-browser"
_KNOWN_AT_MOST = 5  # people remembered on one shared computer


def _fingerprint(username: str) -> str:
    return hashlib.sha256(username.encode()).hexdigest()[:16]


def known_in_this_browser(request) -> list[str]:
    """The people (fingerprints of their email addresses) this browser has signed in as."""
    value = request.get_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        default="",
        salt=_KNOWN_SALT,
        max_age=datetime.timedelta(days=KNOWN_BROWSER_DAYS),
    )
    return [part for part in value.split(",") if part]


def remember_browser(request, response, username: str) -> None:
    """After a successful sign-in: remember that this browser has signed in as `username`."""
    known = [_fingerprint(normalise_email(username))]
    known += [part for part in known_in_this_browser(request) if part not in known]
    response.set_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        ",".join(known[:_KNOWN_AT_MOST]),
        salt=_KNOWN_SALT,
        max_age=KNOWN_BROWSER_DAYS * 24 * 60 * 60,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class SignInLockout(AxesDatabaseHandler):
    """Axes' database handler, counting failures for this person from this address (its
    AXES_LOCKOUT_PARAMETERS) and, with a limit of its own, for this person from anywhere,
    except in a browser they have signed in with before (`remember_browser`)."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        username = get_client_username(request, credentials)
        if (
            username
            and _fingerprint(username) not in known_in_this_browser(request)
            and self.failures_anywhere(request, username)
            >= settings.SIGN_IN_FAILURE_LIMIT_PER_PERSON
        ):
            return max(failures, get_failure_limit(request, credentials))
        return failures

    @staticmethod
    def failures_anywhere(request, username: str) -> int:
        total = _recent(request, username=username).aggregate(n=Sum("failures_since_start"))
        return total["n"] or 0


def locked_until(request, username: str | None) -> datetime.datetime:
    """When this person may try again from this address: the cool-off after the last failure
    that counts against them (from this address, or, when it is the person's own limit that
    was reached, from anywhere)."""
    from_here = _recent(request, username=username, ip_address=request.axes_ip_address or None)
    counted = from_here
    if (from_here.aggregate(n=Sum("failures_since_start"))["n"] or 0) < settings.AXES_FAILURE_LIMIT:
        counted = _recent(request, username=username)
    last = counted.aggregate(last=Max("attempt_time"))["last"] or timezone.now()
    return last + get_cool_off(request)


def locked_out_page(request, original_response=None, credentials=None):
    """The page (429) for a sign-in refused because of earlier failures: how long it lasts and
    whom to ask. It reads the same whether or not the email address belongs to anybody."""
    username = get_client_username(request, credentials)
    until = locked_until(request, username)
    cool_off = get_cool_off(request)
    minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
    response = render(
        request,
        "people/locked_out.html",
        {
            "username": username,
            "until": until,
            "minutes": minutes,
            "cooloff_minutes": round(cool_off.total_seconds() / 60),
            "help_email": settings.HELP_EMAIL,
        },
        status=429,
    )
    response["Retry-After"] = str(minutes * 60)
    return response


def not_a_password(request, credentials) -> bool:
    """A sign-in that is no guess at a password, which the lockout neither counts nor refuses:
    the callback from the organisation's single sign-on (people/sso.py). Its refusals (someone
    not allowed, a token expired) are the provider's and the service's answers, not guesses;
    counted, five people refused behind one address would lock everyone there out of it."""
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "sso-callback"
