"""Production settings, read as a deployment reads them (in a process of their own)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production(*names) -> dict:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "socialgov.example.org",
        "DATABASE_URL": "postgres://app@db.example.org/socialgov",
        "REDIS_URL": "redis://redis.example.org:6379/0",
    }
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: str(getattr(settings, n)) for n in {list(names)!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_sessions_are_read_from_the_cache_and_kept_in_the_database():
    found = production("SESSION_ENGINE", "CACHES")

    assert found["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert "redis.example.org" in found["CACHES"]
