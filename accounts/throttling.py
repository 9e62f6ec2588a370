"""The JSON API's rate limit. A module of its own: DRF reads DEFAULT_THROTTLE_CLASSES when a
view class is defined, so the class cannot live in accounts.api."""

from rest_framework.throttling import BaseThrottle

from workflow import limits


class PublicReadThrottle(BaseThrottle):
    """The API counts against the same per-sender minute as the register's pages
    (workflow.limits.limit_public_reads); over it, DRF answers 429 with Retry-After."""

    def allow_request(self, request, view):
        # Django's request, whose session says who is signed in.
        within, self.seconds_left = limits.public_reads_allowed(request._request)
        return within

    def wait(self):
        return self.seconds_left
