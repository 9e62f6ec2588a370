"""What every log line says about where it came from, and what no log line may carry.

Each line carries the request's id (django-guid: taken from an `X-Request-ID` header that is a
UUID, else made, and returned in the response; handed on to the Celery tasks the request
queues), the acting person's id, and inside a task its Celery id and name. Nothing else about
the person: no email, no name, no address, no query string (a search may hold a name), no form.
Production writes the lines as JSON (`LOG_FORMAT=json`), one object a line.
"""

import logging
import re
import time
from contextvars import ContextVar
from urllib.parse import urlsplit, urlunsplit

from celery import current_task
from celery.signals import task_postrun, task_prerun
from django_guid import get_guid

current_request: ContextVar = ContextVar("current_request", default=None)

# Addresses that carry a secret in their path: a password reset link's person and token. Logged
# (and sent to Sentry) as their pattern.
SECRET_PATH = re.compile(r"^/password/reset/[^/]+/[^/]+/$")


def safe_path(path: str) -> str:
    """The path as it may be logged: a secret in it replaced by its name."""
    return SECRET_PATH.sub("/password/reset/<uidb64>/<token>/", path)


requests_log = logging.getLogger("socialgov.requests")
tasks_log = logging.getLogger("socialgov.tasks")


def acting_user():
    """The signed-in person the request being answered is from, once the request has read who
    that is, else None (no request: a task, a command)."""
    request = current_request.get()
    user = getattr(request, "_cached_user", None)
    return user if user is not None and user.is_authenticated else None


def acting_user_id() -> int | None:
    """The id of the person the request being answered is from, once the request has read who
    that is (Django keeps it as `_cached_user`): a log line never makes the request look its
    session up, which a request refused before any page (RefuseNullCharacters) must not do."""
    user = acting_user()
    return user.pk if user is not None else None


class Context(logging.Filter):
    """Puts request_id, user_id, task_id and task_name on every record (None where there is
    none), and takes off what Django's own loggers attach that could carry personal data: the
    request object (whose text holds the query string) becomes its path alone."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = get_guid()
        record.user_id = acting_user_id()
        task = current_task
        request = getattr(task, "request", None) if task else None
        record.task_id = getattr(request, "id", None)
        record.task_name = task.name if record.task_id else None
        if hasattr(record, "request"):
            path = getattr(record.request, "path", None)
            del record.request
            record.path = getattr(record, "path", None) or path
        if isinstance(getattr(record, "path", None), str):
            record.path = safe_path(record.path)
        if isinstance(record.args, tuple):  # Django's "Not Found: <path>" and its like
            record.args = tuple(safe_path(a) if isinstance(a, str) else a for a in record.args)
        return True


class RequestLog:
    """One line for each request, when LOG_REQUESTS is on (production, where gunicorn's own
    access log, which prints query strings, is off): method, path without the query, status,
    time taken and who asked. It also makes the request known to every line logged while it is
    answered, for the acting person's id. First after django-guid's middleware, so that even a
    request refused by the middleware after it is logged."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.enabled = settings.LOG_REQUESTS

    def __call__(self, request):
        token = current_request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            if self.enabled:
                milliseconds = round((time.perf_counter() - started) * 1000, 1)
                path = safe_path(request.path)
                requests_log.info(
                    "%s %s %s %.0f ms",
                    request.method,
                    path,
                    response.status_code,
                    milliseconds,
                    extra={
                        "method": request.method,
                        "path": path,
                        "status": response.status_code,
                        "duration_ms": milliseconds,
                    },
                )
            return response
        finally:
            current_request.reset(token)


# --- Celery: each task's start and outcome, with its id -----------------------------------------
# (A failure's or a retry's trace is Celery's own line, which carries the task's id as well.)


def log_tasks() -> None:
    """Log each task's start as the apps are ready (workflow.apps): after django-guid's own
    handler, which gives the task its request id first. Its outcome is connected as this module
    is imported (by the logging configuration, before any app is ready): before django-guid's
    handler, which forgets the id."""
    task_prerun.connect(_task_started, dispatch_uid="socialgov-task-started")


_started: dict[str, float] = {}


def _task_started(task_id=None, task=None, **kwargs):
    _started[task_id] = time.perf_counter()
    tasks_log.info("task %s started", task.name, extra={"task_state": "STARTED"})


@task_postrun.connect(dispatch_uid="socialgov-task-finished")
def _task_finished(task_id=None, task=None, state=None, **kwargs):
    began = _started.pop(task_id, None)
    milliseconds = round((time.perf_counter() - began) * 1000, 1) if began else None
    tasks_log.info(
        "task %s %s",
        task.name,
        (state or "finished").lower(),
        extra={"task_state": state, "duration_ms": milliseconds},
    )


# --- Error reporting (Sentry), when SENTRY_DSN is set ---------------------------------------------


def report_errors(dsn: str, *, environment: str, release: str = "", traces: float = 0.0) -> None:
    """Send errors (a page's or a task's exception, an ERROR log line) to Sentry, or any service
    that speaks its protocol, with the same reticence as the logs: no cookies, headers, form
    bodies or query strings, and of the person only their id (Sentry's own default sends no
    personal data either; `scrub_event` makes sure of it whatever the defaults become)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        max_request_body_size="never",
        # A stack frame's variables may be anything: a request with its query, a form's text,
        # a person. The trace's file, line and code are enough to find the fault.
        include_local_variables=False,
        traces_sample_rate=traces,
        before_send=scrub_event,
        before_send_transaction=scrub_event,
    )


def scrub_event(event: dict, hint=None) -> dict:
    """What of an event may leave: the request's method and path, the acting person's id and
    the request id; never a query string, a header, a cookie, a body or a breadcrumb's data."""
    request = event.get("request")
    if request:
        event["request"] = {
            key: value for key, value in request.items() if key in {"method", "url"}
        }
        url = urlsplit(event["request"].get("url", ""))
        event["request"]["url"] = urlunsplit(url._replace(path=safe_path(url.path), query=""))
    for crumb in (event.get("breadcrumbs") or {}).get("values", []):
        crumb.pop("data", None)  # a query's parameters, a request's URL with its query
    user_id = acting_user_id()
    event["user"] = {"id": str(user_id)} if user_id else {}
    if request_id := get_guid():
        event.setdefault("tags", {})["request_id"] = request_id
    return event
