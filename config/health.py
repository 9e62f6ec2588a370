"""Health checks.

- `/health/`, for whoever watches the service: is the database there, the broker, and are the
  scheduler and the worker alive? 503 when any is not. It also says how old the oldest notice
  still waiting to be emailed is (reported, not judged: a mail server that refuses shows there
  first).
- `/health/live/`, for a load balancer and the web container's own check: can this web process
  answer pages (its database and broker)? A stopped scheduler or worker must not take the pages
  out of service, only be reported."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app
from workflow.models import Delivery, Heartbeat, Notification

logger = logging.getLogger(__name__)


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: database unreachable")
        return False


def broker_reachable() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=3)
        return True
    except Exception:
        logger.exception("Health check: broker unreachable")
        return False


def _seconds_since(moment, now) -> int | None:
    return None if moment is None else max(0, round((now - moment).total_seconds()))


def heartbeats(now) -> dict[str, dict]:
    """When the scheduler and the worker last showed they were alive, and whether that was
    recent enough (HEALTH_STALE_AFTER_SECONDS); never is not recent."""
    seen = dict(Heartbeat.objects.values_list("name", "at"))
    limit = settings.HEALTH_STALE_AFTER_SECONDS
    report = {}
    for name in (Heartbeat.SCHEDULER, Heartbeat.WORKER):
        age = _seconds_since(seen.get(name), now)
        report[name] = {
            "alive": age is not None and age <= limit,
            "last_seen": seen[name].isoformat() if name in seen else None,
            "seconds_ago": age,
        }
    return report


def unsent_notices(now) -> dict:
    """The notices due to go at once that have not gone yet (those kept for a digest wait for
    it by design): how many, and since when the oldest has waited."""
    waiting = Notification.objects.filter(sent_at__isnull=True, delivery=Delivery.IMMEDIATE)
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "count": waiting.count(),
        "oldest_created_at": oldest.isoformat() if oldest else None,
        "oldest_seconds_ago": _seconds_since(oldest, now),
    }


def _connections() -> dict[str, bool]:
    return {"database": database_reachable(), "broker": broker_reachable()}


def _answer(body: dict) -> JsonResponse:
    """The report, with its status: 200 when every check passed, 503 otherwise."""
    healthy = all(body["checks"].values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **body}, status=200 if healthy else 503
    )


@login_not_required
@never_cache
@require_GET
def health(request):
    now = timezone.now()
    checks = _connections()
    body = {"checks": checks}
    beats = {}
    if checks["database"]:
        try:
            beats = heartbeats(now)
            body.update(beats)
            body["unsent_notices"] = unsent_notices(now)
        except DatabaseError:  # reachable, but not migrated (or not ours)
            logger.exception("Health check: the database answers but its tables do not")
            checks["database"] = False
            beats = {}
    for name in (Heartbeat.SCHEDULER, Heartbeat.WORKER):
        checks[name] = beats.get(name, {}).get("alive", False)
    return _answer(body)


@login_not_required
@never_cache
@require_GET
def live(request):
    return _answer({"checks": _connections()})
