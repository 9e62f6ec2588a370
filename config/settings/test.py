"""Settings for the test suite: SQLite unless DATABASE_URL/REDIS_URL point at real services."""

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, env

DEBUG = False
SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
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
