"""Settings for the test suite: SQLite unless DATABASE_URL/REDIS_URL point at real services."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, env

DEBUG = False
SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Two test runs at once (two checkouts, or CI beside a developer) must not share anything that
# outlives a test: uploads, cached counts, the broker's queue. Each run has its own.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="socialgov-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"  # noqa: F405
CELERY_TASK_DEFAULT_QUEUE = f"test-{os.getpid()}"
if CELERY_BROKER_URL.startswith("filesystem://"):  # noqa: F405
    _broker = Path(tempfile.mkdtemp(prefix="socialgov-test-broker-"))
    atexit.register(shutil.rmtree, _broker, ignore_errors=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "data_folder_in": str(_broker),
        "data_folder_out": str(_broker),
        "control_folder": str(_broker / "control"),
    }
# The whole suite reads the public register from one address many times a minute; the tests
# of the limit turn it on.
PUBLIC_READS_PER_MINUTE = 0
# Static files come from the finders; whitenoise has nothing to serve in tests.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405

# Tasks run in-process so a test sees their effects; the broker URL stays the real one so the
# health check and the broker integration tests talk to Redis when REDIS_URL is set.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

if env("DATABASE_URL", default=""):
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
else:
    # A file, not SQLite's shared-cache memory database: there a reader meets another
    # connection's write with "database table is locked" at once, busy timeout or not, so a test
    # that reads while a real worker thread writes failed now and then. A file in WAL mode lets
    # readers run beside the writer and makes writers wait their turn.
    # One file per test run, so two runs in one checkout never share it; Django deletes it after.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")
    }
