"""Settings shared by every flavour; each value that differs between machines comes from the
environment (django-environ), with a default that suits the embedded local set-up."""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-insecure-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Whose register the public pages are, and where its own website is.
ORGANISATION_NAME = env("ORGANISATION_NAME", default="The Scottish Parliament")
ORGANISATION_URL = env("ORGANISATION_URL", default="https://www.parliament.scot")
# seed_demo refuses to run where this is False (production); the sign-in page lists the demo
# people only where SHOW_DEMO_SIGNINS is True (the embedded local default).
ALLOW_DEMO_DATA = True
SHOW_DEMO_SIGNINS = False

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "workflow",
    "people",
    "accounts",
    "proposals",
    "evaluation",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "workflow.middleware.RefuseNullCharacters",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
                "people.context_processors.policy",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite under var/ by default; PostgreSQL (psycopg) when DATABASE_URL says so.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside a writer, and IMMEDIATE
    # takes the write lock up front so a transaction never fails half-way with "locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery -------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without Redis the broker is kombu's filesystem transport: no server to run. Both folders
# must be the same absolute path so that what one process writes the other reads.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://localhost//")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery" / "broker"
    _control_dir = VAR_DIR / "celery" / "control"
    for _folder in (_broker_dir, _control_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(_control_dir),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic jobs live here, in code; django-celery-beat copies them into its tables on start.
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "people.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
    "raise-due-reviews": {
        "task": "evaluation.tasks.raise_due_reviews",
        "schedule": crontab(hour=6, minute=0),
    },
    "open-due-recertifications": {
        "task": "evaluation.tasks.open_due_recertifications",
        "schedule": crontab(hour=6, minute=15),
    },
    "send-reminders": {
        "task": "evaluation.tasks.send_reminders",
        "schedule": crontab(hour=8, minute=30, day_of_week="mon-fri"),
    },
    "retry-unsent-notices": {
        "task": "workflow.tasks.retry_unsent_notices",
        "schedule": crontab(minute="*/15"),
    },
    # After the reminders, so that the morning's reminders are in the morning's digest.
    "send-digests": {
        "task": "workflow.tasks.send_digests",
        "schedule": crontab(hour=9, minute=0, day_of_week="mon-fri"),
    },
}

# How long an item may wait in a state before its holder is reminded (calendar days).
WORKFLOW_TARGET_DAYS = {
    "with_office_head": 10,
    "with_dcct": 14,
    "revising": 28,
    "alternative_offered": 14,
    "contested": 14,
    "escalated": 14,
    "setting_up": 28,
    "closure_proposed": 14,
    "closure_contested": 14,
    "closure_escalated": 14,
    "closing": 42,
    "review_submitted": 14,
    "impersonation_open": 3,
    "impersonation_reported": 14,
    "recertification_needs_follow_up": 14,
    **env.dict("WORKFLOW_TARGET_DAYS", cast={"value": int}, default={}),
}
# An account with no review submitted and no figures imported for this long is dormant.
DORMANT_AFTER_MONTHS = env.int("DORMANT_AFTER_MONTHS", default=6)
# A yearly recertification overdue for longer than this marks its account as not recertified:
# flagged on its page and the register, and a candidate for closure on DCCT's dashboard.
RECERTIFICATION_GRACE_DAYS = env.int("RECERTIFICATION_GRACE_DAYS", default=30)

# --- Auth --------------------------------------------------------------------------------------
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "sign-in"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Email -------------------------------------------------------------------------------------
# EMAIL_URL such as smtp+tls://user:password@mail.example.org:587 sets EMAIL_BACKEND, EMAIL_HOST...
globals().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Social media governance <socialmedia@example.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and media --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded evidence is private: it lives outside STATIC_ROOT and is only served through views
# that check who may see it.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# The public's reports of accounts pretending to be the organisation: at most this many an hour
# from one address (counted in the cache, so shared by every web process when Redis is used).
IMPERSONATION_REPORTS_PER_HOUR = env.int("IMPERSONATION_REPORTS_PER_HOUR", default=5)
# Reporters' addresses are not verified: so that the form cannot make us mail anyone at will,
# each address is told its report arrived at most this many times a day, and all reporters
# together at most so many a day; past either, the report is filed and the email not sent.
IMPERSONATION_ACKNOWLEDGEMENTS_PER_ADDRESS = env.int(
    "IMPERSONATION_ACKNOWLEDGEMENTS_PER_ADDRESS", default=3
)
IMPERSONATION_ACKNOWLEDGEMENTS_PER_DAY = env.int(
    "IMPERSONATION_ACKNOWLEDGEMENTS_PER_DAY", default=200
)
# How many proxies in front of the web server add the client's address to X-Forwarded-For:
# 0 reads the connection's address; behind one TLS proxy that sets the header, 1.
FORWARDED_FOR_PROXIES = env.int("FORWARDED_FOR_PROXIES", default=0)

# Evidence attached to proposals: at most this many bytes a file.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The public, read-only API of the register (DESIGN.md section 5).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Register of the Scottish Parliament's official social media accounts",
    "DESCRIPTION": "Read-only. Live accounts, and closed ones with their closing date, so that "
    "old links can be checked; and whether a profile URL or handle is an official account.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}
