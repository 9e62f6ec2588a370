"""The logs (workflow/logs.py): a request id, the acting person's id and a task's id on every
line, JSON in production, and nothing about anyone beyond their id."""

import gzip
import importlib
import io
import json
import logging
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from wsgiref.util import setup_testing_defaults

import brotli
import pytest
import sentry_sdk
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, RequestFactory

from config.settings import base
from config.wsgi import application
from workflow import logs, tasks


@pytest.fixture
def lines(settings):
    """Every log line written while the test runs, as production writes them (JSON), parsed."""
    settings.LOG_REQUESTS = True
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    formatter = dict(base.LOGGING["formatters"]["json"])
    factory = formatter.pop("()")
    module, name = factory.rsplit(".", 1)
    handler.setFormatter(getattr(importlib.import_module(module), name)(**_kwargs(formatter)))
    handler.addFilter(logs.Context())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)

    def read():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield read
    root.removeHandler(handler)
    root.setLevel(previous)


def _kwargs(config):
    return {"fmt" if key == "format" else key: value for key, value in config.items()}


def _requests(read):
    return [line for line in read() if line["logger"] == "socialgov.requests"]


@pytest.mark.django_db
def test_a_request_is_one_json_line_with_its_id_and_the_persons_id_only(lines, staff):
    client = Client()
    client.force_login(staff)

    response = client.get("/proposals/?q=Jane+Doe&page=1")

    (line,) = _requests(lines)
    assert line["method"] == "GET"
    assert line["path"] == "/proposals/"  # never the query: a search may hold a name
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["user_id"] == staff.pk
    assert line["request_id"] == response["X-Request-ID"]
    assert line["level"] == "INFO" and "time" in line
    everything = json.dumps(lines())
    assert staff.email not in everything and staff.full_name not in everything
    assert "Jane" not in everything


@pytest.mark.django_db
def test_a_callers_request_id_is_kept_when_it_is_a_uuid_and_replaced_when_not(lines):
    given = str(uuid.uuid4())

    kept = Client().get("/register/", HTTP_X_REQUEST_ID=given)
    replaced = Client().get("/register/", HTTP_X_REQUEST_ID="'; DROP TABLE --")

    assert kept["X-Request-ID"] == given
    assert replaced["X-Request-ID"] != "'; DROP TABLE --"
    assert uuid.UUID(replaced["X-Request-ID"])
    first, second = _requests(lines)
    assert first["request_id"] == kept["X-Request-ID"] and first["user_id"] is None
    assert second["request_id"] == replaced["X-Request-ID"]


@pytest.mark.django_db
@pytest.mark.urls("tests.config.error_urls")
def test_an_error_is_logged_with_its_path_and_trace_but_not_the_query(lines, staff):
    client = Client(raise_request_exception=False)
    client.force_login(staff)

    response = client.get("/test/crash/?email=someone@example.org")

    assert response.status_code == 500
    (error,) = [line for line in lines() if line["logger"] == "django.request"]
    assert error["level"] == "ERROR"
    assert error["path"] == "/test/crash/"
    assert "RuntimeError: a bug" in error["exc_info"]
    assert error["user_id"] == staff.pk
    assert error["request_id"] == response["X-Request-ID"]
    assert "someone@example.org" not in json.dumps(lines())
    assert "request" not in error  # Django's request object, whose text holds the query


@pytest.mark.django_db
def test_a_task_logs_its_start_and_outcome_with_its_id(lines):
    result = tasks.send_digests.apply()

    task_lines = [line for line in lines() if line["logger"] == "socialgov.tasks"]
    started, finished = task_lines
    assert started["task_id"] == finished["task_id"] == result.id
    # A task no request queued (the scheduler's) gets a request id of its own, on every line.
    assert started["request_id"] and started["request_id"] == finished["request_id"]
    assert started["task_name"] == "workflow.tasks.send_digests"
    assert started["task_state"] == "STARTED"
    assert finished["task_state"] == "SUCCESS"
    assert finished["duration_ms"] >= 0


@pytest.mark.django_db
def test_a_failing_task_logs_its_failure(lines, monkeypatch):
    def broken():
        raise ConnectionError("mail server gone")

    monkeypatch.setattr(tasks, "send_all_digests", broken)

    result = tasks.send_digests.apply(throw=False, retries=tasks.send_digests.max_retries)

    assert result.failed()
    outcome = [line for line in lines() if line["logger"] == "socialgov.tasks"][-1]
    assert outcome["task_state"] == "FAILURE" and outcome["task_id"] == result.id
    (trace,) = [line for line in lines() if line["logger"] == "celery.app.trace"]
    assert trace["level"] == "ERROR" and trace["task_id"] == result.id
    assert "ConnectionError: mail server gone" in trace["exc_info"]


def test_production_logs_json_and_gunicorn_writes_no_access_log(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x")
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "example.org")
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    monkeypatch.delenv("LOG_REQUESTS", raising=False)
    production = importlib.reload(importlib.import_module("config.settings.production"))
    gunicorn = importlib.reload(importlib.import_module("config.gunicorn"))

    assert production.LOGGING["handlers"]["console"]["formatter"] == "json"
    assert production.LOG_REQUESTS is True
    assert gunicorn.accesslog is None
    assert gunicorn.logconfig_dict["handlers"]["console"]["formatter"] == "json"
    assert gunicorn.wsgi_app == "config.wsgi"


def test_an_error_report_keeps_only_the_method_path_person_id_and_request_id():
    event = {
        "request": {
            "method": "POST",
            "url": "https://example.org/proposals/3/?token=secret",
            "query_string": "token=secret",
            "headers": {"Cookie": "sessionid=abc", "User-Agent": "x"},
            "cookies": {"sessionid": "abc"},
            "data": {"purpose": "personal details"},
        },
        "user": {"email": "someone@example.org", "ip_address": "10.0.0.1"},
        "breadcrumbs": {
            "values": [
                {"category": "query", "message": "SELECT ... WHERE email = %s", "data": {}},
                {"category": "httplib", "data": {"url": "https://x/?email=someone@example.org"}},
            ]
        },
    }
    request = RequestFactory().get("/")
    request._cached_user = SimpleNamespace(pk=42, is_authenticated=True)  # as Django keeps it
    token = logs.current_request.set(request)
    try:
        scrubbed = logs.scrub_event(event)
    finally:
        logs.current_request.reset(token)

    assert scrubbed["request"] == {"method": "POST", "url": "https://example.org/proposals/3/"}
    assert scrubbed["user"] == {"id": "42"}
    assert all("data" not in crumb for crumb in scrubbed["breadcrumbs"]["values"])
    assert "someone@example.org" not in json.dumps(scrubbed)


@pytest.fixture
def collector():
    """A server on 127.0.0.1 that takes what a Sentry client sends (envelopes), for as long as
    the test runs; the client is switched off again afterwards."""
    received = []

    class Envelopes(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            encoding = self.headers.get("Content-Encoding")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":
                body = brotli.decompress(body)
            received.append(body.decode())
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Envelopes)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://public@127.0.0.1:{server.server_port}/1", received
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: nothing is sent from here on
    server.shutdown()


def _events(envelopes):
    events = []
    for envelope in envelopes:
        _header, *items = envelope.splitlines()
        for item_header, payload in zip(items[::2], items[1::2], strict=False):
            if json.loads(item_header).get("type") == "event":
                events.append(json.loads(payload))
    return events


@pytest.mark.django_db
@pytest.mark.urls("tests.config.error_urls")
def test_with_a_dsn_a_pages_error_reaches_sentry_without_personal_data(collector, staff):
    dsn, received = collector
    logs.report_errors(dsn, environment="test")
    client = Client()
    client.force_login(staff)
    environ = {
        "PATH_INFO": "/test/crash/",
        "QUERY_STRING": "email=someone@example.org",
        "HTTP_COOKIE": f"sessionid={client.cookies['sessionid'].value}",
        "HTTP_HOST": "testserver",
    }
    setup_testing_defaults(environ)
    started = []
    # As the test client does: the test's transaction keeps the connection open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, lambda status, headers: started.append(headers)))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    sentry_sdk.flush(timeout=5)

    assert b"Something went wrong" in body
    response = dict(started[0])
    events = _events(received)
    crash = next(e for e in events if e.get("exception", {}).get("values"))
    assert crash["exception"]["values"][-1]["type"] == "RuntimeError"
    assert crash["request"] == {"method": "GET", "url": "http://testserver/test/crash/"}
    assert crash["exception"]["values"][-1]["value"] == "a bug"
    assert crash["user"] == {"id": str(staff.pk)}
    assert crash["tags"]["request_id"] == response["X-Request-ID"]
    assert crash["environment"] == "test"
    everything = "".join(received)
    assert "someone@example.org" not in everything
    assert staff.email not in everything and "sessionid" not in everything
    assert '"vars"' not in everything  # a frame's variables: a request, a form, a person


@pytest.mark.django_db
def test_a_password_reset_links_secret_is_never_logged(lines):
    secret = "/password/reset/MQ/ckz9-4b1b6f0d3b5f8c2a1e7d/"

    Client().get(secret)

    everything = json.dumps(lines())
    assert "ckz9-4b1b6f0d3b5f8c2a1e7d" not in everything and "/MQ/" not in everything
    (line,) = _requests(lines)
    assert line["path"] == "/password/reset/<uidb64>/<token>/"
