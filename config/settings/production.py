"""Real use: PostgreSQL, Redis and Celery workers, served by gunicorn behind TLS."""

from config.settings.base import *  # noqa: F403
from config.settings.base import LOGGING, env

DEBUG = False
ALLOW_DEMO_DATA = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
# localhost too, for the container health checks that call /health/ from inside.
ALLOWED_HOSTS = [*env.list("DJANGO_ALLOWED_HOSTS"), "localhost", "127.0.0.1"]

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind the one TLS proxy this setting assumes, the client's address is the last one that proxy
# adds to X-Forwarded-For; without it every visitor would share the proxy's rate limits.
FORWARDED_FOR_PROXIES = env.int("FORWARDED_FOR_PROXIES", default=1)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The container health check calls /health/ over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/(live/)?$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Sessions read from the cache (Redis), written through to the database: a signed-in page no
# longer asks the database for its session first; a session outlives a Redis restart.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Logs for a collector: JSON, and a line for each request (gunicorn's access log is off).
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT
LOG_REQUESTS = env.bool("LOG_REQUESTS", default=True)
