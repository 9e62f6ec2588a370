"""Settings shared by every flavour; each value that differs between machines comes from the
environment (django-environ), with a default that suits the embedded local set-up."""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django_guid.integrations import CeleryIntegration

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
    # Sign-in lockout after repeated failures (people/lockout.py) and the Content-Security-Policy.
    "axes",
    "csp",
    # PostgreSQL triggers that keep the logs append-only (workflow.models.APPEND_ONLY).
    "pgtrigger",
    # A request id on every log line, handed on to the tasks a request queues (workflow/logs.py).
    "django_guid",
    "workflow",
    "people",
    "accounts",
    "proposals",
    "evaluation",
    "portal",
]

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    "workflow.logs.RequestLog",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads the body; after the user is set (lazily), which the 400 page for a
    # body Django cannot parse (raised as RefuseNullCharacters reads it) renders with.
    "workflow.middleware.RefuseOversizedRequests",
    "workflow.middleware.RefuseNullCharacters",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "people.middleware.ExtendActiveSessions",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it turns a sign-in that reached the failure limit into the lockout page.
    "axes.middleware.AxesMiddleware",
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
    # Covering indexes (`include=`) are PostgreSQL's; SQLite makes them plain indexes, which
    # serves the demo and the tests as well.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL compiles (JIT) any query its planner thinks costly; for a page's small queries
    # that costs 10-40 ms each and saves nothing. It also splits such a query across worker
    # processes, whose start costs about 10 ms, on a server whose cores the other requests
    # already use. Both off for this application's connections only. And its data is read from
    # memory or SSD, where a random read costs little more than a sequential one: at the default
    # cost (4, for spinning disks) the planner read every account to find the 200 a person
    # helps run, by key.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _settings = "-c jit=off -c max_parallel_workers_per_gather=0 -c random_page_cost=1.1"
    _options["options"] = f"{_options.get('options', '')} {_settings}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery -------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "workflow.cache.PrefixedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="socialgov"),
        }
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
# django-celery-beat's scheduler, which also notes its own heartbeat for /health/.
CELERY_BEAT_SCHEDULER = "workflow.beat:Scheduler"
# Periodic jobs live here, in code; django-celery-beat copies them into its tables on start.
CELERY_BEAT_SCHEDULE = {
    # The worker shows it is alive (/health/).
    "collect-activity": {
        "task": "evaluation.tasks.collect_activity",
        "schedule": crontab(hour=5, minute=30),
    },
    "apply-retention": {
        "task": "portal.tasks.apply_retention",
        "schedule": crontab(hour=2, minute=45),
    },
    "heartbeat": {
        "task": "workflow.tasks.heartbeat",
        "schedule": 60.0,
        "options": {"expires": 55},  # one not taken within the minute is dropped
    },
    "clear-expired-sessions": {
        "task": "people.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
    "forget-old-sign-ins": {
        "task": "people.tasks.forget_old_sign_ins",
        "schedule": crontab(hour=3, minute=30),
    },
    # Just past midnight: a team whose training ran out yesterday is listed from the morning.
    "refresh-account-facts": {
        "task": "evaluation.tasks.refresh_account_facts",
        "schedule": crontab(hour=0, minute=20),
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
    "owner_wanted": 5,  # an account whose owner left with nobody trained to take over
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
# Password reset requests an hour: from one address (IPv6: one /64), and for one email address
# whoever asks; past either the page answers 429 and sends nothing, whether or not the email
# address belongs to anybody.
PASSWORD_RESETS_PER_ADDRESS = env.int("PASSWORD_RESETS_PER_ADDRESS", default=10)
PASSWORD_RESETS_PER_EMAIL = env.int("PASSWORD_RESETS_PER_EMAIL", default=3)

# Sign-in lockout (django-axes, people/lockout.py), on the product's sign-in and the admin's.
# Failures are counted per person *and* address: after SIGN_IN_FAILURE_LIMIT wrong passwords
# that person cannot sign in from that address, so colleagues behind the same office address
# are never locked out by somebody else's typing. A guess at one person's password spread over
# many addresses is stopped by SIGN_IN_FAILURE_LIMIT_PER_PERSON failures from anywhere. There
# is no lockout by address alone: the whole building shares one. Both end SIGN_IN_COOLOFF_MINUTES
# after the last failure (trying again while locked out does not extend it); an administrator
# unlocks at once in the admin (Access attempts, or the person's "Unlock sign-in" action).
# --- Single sign-on over OpenID Connect (people/sso.py) ------------------------------------------
# On when OIDC_ISSUER is set (for Microsoft Entra ID: https://login.microsoftonline.com/<tenant
# id>/v2.0), with the client's id and secret; the provider's endpoints come from its discovery.
OIDC_ISSUER = env("OIDC_ISSUER", default="").rstrip("/")
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10  # seconds for each request to the provider
OIDC_LEEWAY_SECONDS = 60  # clocks a minute apart still agree on a token's times
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
# The sign-in page's button: "Sign in with <SSO_NAME>".
SSO_NAME = env("SSO_NAME", default=ORGANISATION_NAME)
# Only single sign-on: no password form, no password reset, and passwords refused everywhere
# (the admin's sign-in too).
SSO_REQUIRED = env.bool("SSO_REQUIRED", default=False)
# Someone signing in for the first time is added only when their address is in these domains.
SSO_ALLOWED_DOMAINS = [domain.lower() for domain in env.list("SSO_ALLOWED_DOMAINS", default=[])]
# The provider vouches for every address it sends (an organisation's own directory, as Entra
# ID, which sends no "email_verified"): addresses are then taken as verified.
SSO_TRUST_EMAIL = env.bool("SSO_TRUST_EMAIL", default=False)
if SSO_REQUIRED and not OIDC_ISSUER:
    raise environ.ImproperlyConfigured("SSO_REQUIRED needs OIDC_ISSUER (and the client's id).")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    *([] if SSO_REQUIRED else ["django.contrib.auth.backends.ModelBackend"]),
    "people.sso.Backend",  # answers only the provider's callback, and only when SSO is on
]
SIGN_IN_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
SIGN_IN_FAILURE_LIMIT_PER_PERSON = env.int("SIGN_IN_FAILURE_LIMIT_PER_PERSON", default=20)
SIGN_IN_COOLOFF_MINUTES = env.int("SIGN_IN_COOLOFF_MINUTES", default=30)
# Whom people are told to write to when they cannot sign in (the lockout page) or a page fails
# (the 500 page).
HELP_EMAIL = env("HELP_EMAIL", default="socialmedia@example.org")
# Successful sign-ins are logged (person, time, address) and forgotten after this many days.
SIGN_IN_LOG_DAYS = env.int("SIGN_IN_LOG_DAYS", default=180)
AXES_HANDLER = "people.lockout.SignInLockout"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = SIGN_IN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=SIGN_IN_COOLOFF_MINUTES)
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "people.lockout.username_of"
AXES_CLIENT_IP_CALLABLE = "workflow.limits.client_address"
AXES_LOCKOUT_CALLABLE = "people.lockout.locked_out_page"
AXES_WHITELIST_CALLABLE = "people.lockout.not_a_password"
# people/admin.py registers axes' pages with an unlock action.
AXES_ENABLE_ADMIN = False

# A signed-in session ends after this many hours without a request (a working day by default),
# or, where SESSION_EXPIRE_AT_BROWSER_CLOSE is set, also when the browser closes.
# people.middleware.ExtendActiveSessions pushes the end back as the person works.
SESSION_IDLE_HOURS = env.float("SESSION_IDLE_HOURS", default=9)
SESSION_COOKIE_AGE = int(SESSION_IDLE_HOURS * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=False)
# Argon2id (argon2-cffi) with Django's own parameters (time 2, memory 100 MiB, 8 lanes), as
# Django's documentation recommends; the others still read older hashes, each upgraded to Argon2
# the next time its person signs in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
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
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
# What esbuild built (`npm run build`, into static/dist) is served under the same dist/ prefix,
# and our own images under img/; static/src is esbuild's input, never served: its CSS imports
# packages from node_modules by name, which the manifest storage of production settings cannot
# resolve.
STATICFILES_DIRS = [
    ("dist", BASE_DIR / "static" / "dist"),  # built from static/src (npm run build)
    ("img", BASE_DIR / "static" / "img"),  # our own images, as drawn
]
# Uploaded evidence is private: it lives outside STATIC_ROOT and is only served through views
# that check who may see it.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Form widgets (crispy-forms lays the fields out; the widgets render themselves) from Django's
# Jinja2 widget templates where Django has one (workflow/renderers.py): the same HTML, several
# times faster for long lists of choices; the admin's own widgets as before.
FORM_RENDERER = "workflow.renderers.FormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Content-Security-Policy (django-csp) --------------------------------------------------------
# Everything comes from this site: no inline script or style attribute anywhere (data for charts
# travels in json_script blocks, read by static/src JS), no eval, images also as data: URIs
# (Bootstrap draws its icons in CSS that way). The admin keeps working under the same policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Where browsers report what the policy blocked, if anywhere (a collector's URL).
if _csp_report_uri := env("CSP_REPORT_URI", default=""):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [_csp_report_uri]

# The retention schedule (portal/retention.py, every night): how long what is no longer needed
# is kept before it is minimised. The decision record is kept whatever these say.
RETENTION_ENDED_PROPOSAL_YEARS = env.int("RETENTION_ENDED_PROPOSAL_YEARS", default=6)
RETENTION_CLOSED_ACCOUNT_YEARS = env.int("RETENTION_CLOSED_ACCOUNT_YEARS", default=6)
RETENTION_REPORTER_EMAIL_DAYS = env.int("RETENTION_REPORTER_EMAIL_DAYS", default=365)

# /health/ answers 503 when the scheduler or the worker has not shown it is alive for this long
# (each does every minute).
HEALTH_STALE_AFTER_SECONDS = env.int("HEALTH_STALE_AFTER_SECONDS", default=300)

# --- Logs (workflow/logs.py) ---------------------------------------------------------------------
# Every line carries the request's id, the acting person's id and, in a task, its id and name;
# nothing else about anyone. "plain" for a terminal, "json" (production's default) for a log
# collector: one JSON object a line.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
# A line for each request (method, path without its query, status, time, person's id):
# production, where gunicorn's access log is off.
LOG_REQUESTS = env.bool("LOG_REQUESTS", default=False)
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,  # a caller's id is used only if it is a UUID; else one is made
    "RETURN_HEADER": True,
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True, log_parent=False)],
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "workflow.logs.Context"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s "
            "%(user_id)s %(task_id)s %(task_name)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Failed sign-ins and lockouts are warnings; axes' bookkeeping on every sign-in is not.
        "axes": {"level": "WARNING"},
        # Its "changing the guid" on every task a request queues.
        "django_guid": {"level": "WARNING"},
    },
}
# Celery's worker and beat keep this configuration rather than their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The public's reports of accounts pretending to be the organisation: at most this many an hour
# from one address (counted in the cache, so shared by every web process when Redis is used).
IMPERSONATION_REPORTS_PER_HOUR = env.int("IMPERSONATION_REPORTS_PER_HOUR", default=5)
# Reads of the public register's pages and API from one address (an IPv6 /64) in a minute:
# ample for people, and for a script that pages through the register; 0 turns it off.
PUBLIC_READS_PER_MINUTE = env.int("PUBLIC_READS_PER_MINUTE", default=120)
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
# The header is believed only from a connection out of these networks (where the proxy
# is): anyone reaching the web server directly could write anything in it. Loopback and the
# private ranges by default; narrow it to the proxy's own address where it is known.
PROXY_NETWORKS = env.list(
    "PROXY_NETWORKS",
    default=[
        "127.0.0.0/8",
        "::1/128",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "fc00::/7",
    ],
)

# Evidence attached to proposals: at most this many bytes a file. No page accepts a larger
# file, so proposals.evidence.EvidenceUploadHandler stops taking in any file past it as it
# arrives: nothing more of it is kept, and what was is dropped.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# A form's text (every field but its files), at most 2.5 MB (Django's default); more is refused.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The whole body of a request with files: the largest file and its form's text. A larger one is
# answered 413 before it is read (workflow.middleware.RefuseOversizedRequests); a proxy in
# front (nginx's client_max_body_size) should allow at least this much.
UPLOAD_MAX_REQUEST_BYTES = EVIDENCE_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE
# So every body that is read at all is held in memory as it arrives, never in a temporary file:
# a file that turns out too large is never written to disk. (A body is at most
# UPLOAD_MAX_REQUEST_BYTES, and the upload handler keeps no more than EVIDENCE_MAX_BYTES of a
# file.)
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_REQUEST_BYTES
FILE_UPLOAD_HANDLERS = [
    "proposals.evidence.EvidenceUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Evidence is private: readable by the web server's user (and group) only.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# The public, read-only API of the register (DESIGN.md section 5).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttling.PublicReadThrottle"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Register of the Scottish Parliament's official social media accounts",
    "DESCRIPTION": "Read-only. Live accounts, and closed ones with their closing date, so that "
    "old links can be checked; and whether a profile URL or handle is an official account.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Errors to Sentry (or a service that speaks its protocol) when a DSN is set, switched on as the
# apps load (workflow/apps.py); workflow/logs.py says what is sent (nothing about anyone beyond
# the acting person's id).
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
SENTRY_RELEASE = env("SENTRY_RELEASE", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)

# --- Reading activity from the platforms (evaluation/connectors) ---------------------------------
ACTIVITY_CONTACT = env("ACTIVITY_CONTACT", default=HELP_EMAIL)
ACTIVITY_USER_AGENT = env(
    "ACTIVITY_USER_AGENT",
    default=f"socialgov/1.0 (official accounts register of {ORGANISATION_NAME}; "
    f"mailto:{ACTIVITY_CONTACT})",
)
ACTIVITY_TIMEOUT_SECONDS = env.float("ACTIVITY_TIMEOUT_SECONDS", default=10.0)
ACTIVITY_MIN_INTERVAL_SECONDS = env.float("ACTIVITY_MIN_INTERVAL_SECONDS", default=1.0)
ACTIVITY_RETRIES = env.int("ACTIVITY_RETRIES", default=3)
ACTIVITY_BACKOFF_SECONDS = env.float("ACTIVITY_BACKOFF_SECONDS", default=2.0)
ACTIVITY_MAX_WAIT_SECONDS = env.float("ACTIVITY_MAX_WAIT_SECONDS", default=120.0)
ACTIVITY_BLUESKY_URL = env("ACTIVITY_BLUESKY_URL", default="https://public.api.bsky.app")
# YouTube: a channel's latest video from its public feed (the account's feed address); with a
# YouTube Data API key, also its subscribers and videos, and the feed found from its handle.
ACTIVITY_YOUTUBE_API_KEY = env("ACTIVITY_YOUTUBE_API_KEY", default="")
ACTIVITY_YOUTUBE_API_URL = env("ACTIVITY_YOUTUBE_API_URL", default="https://www.googleapis.com")
ACTIVITY_YOUTUBE_FEEDS_URL = env("ACTIVITY_YOUTUBE_FEEDS_URL", default="https://www.youtube.com")
# An answer longer than this is not read (no profile or feed the reader wants is near it).
ACTIVITY_MAX_BYTES = env.int("ACTIVITY_MAX_BYTES", default=2_000_000)
# A day's reading stops starting new accounts after this long; the rest are read first the
# next day (the accounts read longest ago go first).
ACTIVITY_TIME_BUDGET_SECONDS = env.float("ACTIVITY_TIME_BUDGET_SECONDS", default=3 * 60 * 60)
# Only the tests, whose platforms are served on 127.0.0.1, read addresses that are not public.
ACTIVITY_ALLOW_PRIVATE_ADDRESSES = False
# A platform whose reading fails for this many accounts in a row is skipped until the next day.
ACTIVITY_BREAKER_FAILURES = env.int("ACTIVITY_BREAKER_FAILURES", default=5)
# The daily reading (evaluation/activity.py) reaches the platforms over the internet: off unless
# switched on (the embedded demo reads nothing).
ACTIVITY_ENABLED = env.bool("ACTIVITY_ENABLED", default=False)
