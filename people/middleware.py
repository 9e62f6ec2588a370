"""A signed-in session ends after SESSION_IDLE_HOURS without a request (SESSION_COOKIE_AGE).

Each request of a signed-in person pushes the end back, but the session is written at most once
every few minutes rather than on every request (as SESSION_SAVE_EVERY_REQUEST would): so a
session ends between that interval short of the idle time and the idle time itself."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY

LAST_SEEN = "_last_seen"


def refresh_interval() -> int:
    """Seconds between two writes of an active session: five minutes, or a tenth of the idle
    time where that is shorter."""
    return min(5 * 60, settings.SESSION_COOKIE_AGE // 10)


def mark_seen(session) -> None:
    session[LAST_SEEN] = int(time.time())


def mark_seen_on_sign_in(sender, request, user, **kwargs) -> None:
    """Signing in is activity: the session it starts is saved anyway, so stamp it then."""
    if hasattr(request, "session"):
        mark_seen(request.session)


class ExtendActiveSessions:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            last_seen = session.get(LAST_SEEN, 0)
            if time.time() - last_seen >= refresh_interval():
                # Saving the session gives it (and its cookie) a new SESSION_COOKIE_AGE.
                mark_seen(session)
        return self.get_response(request)
