"""Two (or more) people acting at the same moment, for the race tests: each in its own thread
with its own database connection, as two requests to two web workers are. Real concurrency
needs a database that serves two connections at once while one of them holds a lock: the race
tests run on PostgreSQL (CI does), and skip on SQLite."""

import contextlib
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

on_postgresql = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="real concurrent transactions and row locks need PostgreSQL (CI runs it)",
)

# Long enough for a loaded CI machine; a test that waits this long has failed anyway.
TIMEOUT = 60


def at_once(*calls):
    """Run each call in its own thread and connection, released together; returns what each
    returned, or the exception it raised, in order."""
    start = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            start.wait(timeout=TIMEOUT)
            results[index] = call()
        except Exception as error:  # reported to the test, which cannot fail from a thread
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
        assert not thread.is_alive(), "a racer never finished: a deadlock?"
    return results


def meet_before(monkeypatch, *services, parties=2):
    """Make each of `services` ((module or dict, name) pairs) wait until `parties` callers have
    reached one of them, then run: every request has read its page's data (the team, the
    state) before any of them changes anything, the worst case for a check-then-write, made
    certain rather than left to luck. A caller turned away before reaching one breaks the wait
    after a while; the others go on."""
    meeting = threading.Barrier(parties)

    def waiting(original):
        def wait_then_run(*args, **kwargs):
            with contextlib.suppress(threading.BrokenBarrierError):
                meeting.wait(timeout=5)
            return original(*args, **kwargs)

        return wait_then_run

    for owner, name in services:
        if isinstance(owner, dict):
            monkeypatch.setitem(owner, name, waiting(owner[name]))
        else:
            monkeypatch.setattr(owner, name, waiting(getattr(owner, name)))


def signed_in(user) -> Client:
    """A browser signed in as `user` (the session is written here, before the threads start)."""
    client = Client()
    client.force_login(user)
    return client


def changed_message(response) -> bool:
    """The page says that somebody else acted first (workflow.transitions.Changed)."""
    return "has changed since you opened it" in response.content.decode()
