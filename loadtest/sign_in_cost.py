"""What one sign-in costs the server: CPU and wall time of the password check alone, and of the
whole sign-in request (the real form and view, axes, signals, session), with its queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load_demo \\
        .venv/bin/python loadtest/sign_in_cost.py staff@example.org demo-password

Everything the sign-ins write (last_login, session, sign-in log, a password hash upgraded to the
first of PASSWORD_HASHERS) is rolled back. The first sign-in may upgrade the stored hash; the
second then reads the upgraded one, as every later sign-in would."""

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import identify_hasher  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

ROUNDS = 5


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(action):
    cpu, wall = cpu_seconds(), time.perf_counter()
    result = action()
    return result, (cpu_seconds() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def sign_in(email: str, password: str):
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_HOST="localhost")
    with CaptureQueriesContext(connection) as queries:
        (response, cpu, wall) = timed(
            lambda: client.post(
                reverse("sign-in"), {"username": email, "password": password}, secure=True
            )
        )
    if response.status_code != 302:
        sys.exit(f"sign-in answered {response.status_code}, not a redirect (wrong password?)")
    return cpu, wall, queries.captured_queries


def main(email: str, password: str) -> None:
    user = get_user_model().objects.get(email__iexact=email)
    hasher = identify_hasher(user.password)
    checks = [timed(lambda: hasher.verify(password, user.password)) for _ in range(ROUNDS)]
    print(f"stored hash: {hasher.algorithm} ({user.password.split('$', 3)[1]}...)")
    print(
        f"password check alone, best of {ROUNDS}: "
        f"cpu {min(c for _, c, _ in checks):.0f} ms, wall {min(w for _, _, w in checks):.0f} ms"
    )
    with transaction.atomic():
        for label in ("first sign-in", "second sign-in"):
            cpu, wall, queries = sign_in(email, password)
            user.refresh_from_db(fields=["password"])
            print(
                f"{label}: cpu {cpu:.0f} ms, wall {wall:.0f} ms, {len(queries)} queries, "
                f"hash now {identify_hasher(user.password).algorithm}"
            )
        if "-v" in sys.argv:
            for query in queries:
                print("   ", query["sql"][:150])
        transaction.set_rollback(True)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "-v"]
    if len(args) != 2:
        sys.exit(__doc__)
    main(*args)
