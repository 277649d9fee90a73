"""Settings for every environment, read from the process environment.

`make run` needs none of these set: it runs the demo on SQLite with a
filesystem Celery broker. Production sets them (see docs/deployment.md).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from kombu import Queue

# Lets runtime code subscript Django's generic classes (ModelAdmin[Model], QuerySet[Model]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NIVARAN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
# Demo mode seeds well-known logins sharing one password; never enable it in production.
DEMO_MODE = env_bool("NIVARAN_DEMO_MODE", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or DEMO_MODE or env_bool("NIVARAN_TESTING")):
        raise RuntimeError("SECRET_KEY must be set outside debug, demo and test runs")
    SECRET_KEY = "insecure-local-only-key"  # noqa: S105 - local runs only, guarded above

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "nivaran.core",
    "nivaran.accounts",
    "nivaran.geo",
    "nivaran.org",
    "nivaran.catalog",
    "nivaran.grievances",
    "nivaran.rts",
    "nivaran.duplicates",
    "nivaran.suggestions",
    "nivaran.notifications",
    "nivaran.otp",
    "nivaran.profiles",
    "nivaran.partners",
    "nivaran.open311",
    "nivaran.callcentre",
    "nivaran.portal",
    "nivaran.shares",
    "nivaran.staffprofile",
    "nivaran.analytics",
    "nivaran.exports",
    "nivaran.systemic",
    "nivaran.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "nivaran.core.middleware.RefuseNulMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before CSRF, which would parse a POST body: a request too large is refused unread.
    "nivaran.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "nivaran.urls"
WSGI_APPLICATION = "nivaran.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'nivaran.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker share the embedded database.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Behind PgBouncer in transaction mode (DATABASE_POOLED=1, docs/deployment.md): each
# transaction may run on another server connection, so nothing may outlive one. Django's
# `.iterator()` would otherwise DECLARE a WITH HOLD cursor and FETCH from it in later
# transactions; without server-side cursors it reads the rows client-side. Persistent
# client connections to PgBouncer are kept (cheap); a health check drops one it closed.
DATABASE_POOLED = env_bool("DATABASE_POOLED")
# psycopg's server-side binding (prepared statements after `DB_PREPARE_THRESHOLD` runs):
# off unless asked. PgBouncer 1.18 keeps no prepared statement across transactions, so it
# cannot be combined with DATABASE_POOLED.
if env_bool("DB_SERVER_SIDE_BINDING"):
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = int(
        os.environ.get("DB_PREPARE_THRESHOLD", "5")
    )


def pool(database: Any) -> None:
    """Set a database's settings (a dict) for a connection through PgBouncer in
    transaction mode."""
    if database.get("OPTIONS", {}).get("server_side_binding"):
        raise RuntimeError(
            "DATABASE_POOLED with server-side binding: PgBouncer 1.18 in transaction mode "
            "does not keep prepared statements"
        )
    database["DISABLE_SERVER_SIDE_CURSORS"] = True
    database["CONN_HEALTH_CHECKS"] = True


if DATABASE_POOLED:
    pool(DATABASES["default"])

# A streaming read replica of the primary (docs/deployment.md, "Read replica and pooling"):
# list, dashboard and analytics reads go to it (nivaran/core/db_router.py). On PostgreSQL
# the tests always know one, on port 5433 (scripts/pg-replica.sh), sharing the primary's
# test database (TEST MIRROR); only the router's tests send reads to it.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if (
    not DATABASE_REPLICA_URL
    and env_bool("NIVARAN_TESTING")
    and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
):
    _primary = DATABASES["default"]
    DATABASE_REPLICA_URL = (
        f"postgres://{_primary['USER']}@{_primary['HOST'] or '127.0.0.1'}:"
        f"{os.environ.get('TEST_REPLICA_PORT', '5433')}/{_primary['NAME']}"
    )
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    # A replica that is down costs a request at most this long before the primary answers.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASE_POOLED:
        pool(DATABASES["replica"])
    DATABASE_ROUTERS = ["nivaran.core.db_router.ReplicaRouter"]
    MIDDLEWARE.append("nivaran.core.db_router.ReplicaPinMiddleware")
# Off: the replica alias is known but unused (the tests' default, since a test's own
# writes reach the replica a moment later).
NIVARAN_REPLICA_READS = env_bool("REPLICA_READS", default=not env_bool("NIVARAN_TESTING"))
# Longest an actor is kept on the primary waiting for the replica to replay their write
# (the pin is dropped as soon as it has); how long a replica that failed is skipped.
NIVARAN_REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "3600"))
NIVARAN_REPLICA_RETRY_SECONDS = int(os.environ.get("REPLICA_RETRY_SECONDS", "10"))

# The sign-in counters (accounts/throttle.py) must be shared by every web process: Redis
# in production. Without CACHE_URL each process keeps its own (fine for `make run`).
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["nivaran.accounts.auth.Backend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# generate_grievances writes synthetic data: never into a production database.
SYNTHETIC_DATA_ALLOWED = DEMO_MODE or env_bool("NIVARAN_TESTING")
if env_bool("NIVARAN_TESTING"):
    # Tests create many users; a fast hash keeps them quick. Never used outside tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:inbox"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("hi", _("Hindi"))]
LOCALE_PATHS = [BASE_DIR / "nivaran" / "locale"]
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
# The TrueType fonts the PDF reports embed (Noto Sans Devanagari, from npm like the rest).
NIVARAN_PDF_FONT_DIR = BASE_DIR / "node_modules" / "@expo-google-fonts" / "noto-sans-devanagari"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not env_bool("NIVARAN_TESTING")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"

# The largest request body accepted (413 before it is read): a field visit's five photos of
# 5 MB, with the form around them. Uploads are also checked one by one by core.files.
NIVARAN_MAX_REQUEST_BYTES = int(float(os.environ.get("MAX_REQUEST_MB", "26")) * 1024 * 1024)

# Content-Security-Policy on every response (django-csp). Scripts and styles come only
# from this site's own static files: no inline <script>, no on*= handlers, no style=.
# Bootstrap's CSS draws its icons as data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "nivaran.accounts.auth.Token",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The project's parsers: a body is one object of bounded depth and storable text, or a 400.
    "DEFAULT_PARSER_CLASSES": [
        "nivaran.core.parsers.JSONParser",
        "nivaran.core.parsers.FormParser",
        "nivaran.core.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "nivaran.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "nivaran.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Nivaran API",
    "DESCRIPTION": "Public grievance redressal: registration, workflow actions, history.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "nivaran.core.schema.document_common_errors",
        "nivaran.core.schema.unions_any_of",
        "nivaran.core.schema.bodies_once",
    ],
    # Two choice sets are both called "channel": how a grievance came in, and how a
    # citizen's feedback came back; two are called "outcome": an ATR's and a feedback's.
    # Named here so that a new field of the same name cannot rename them (v1's names).
    "ENUM_NAME_OVERRIDES": {
        "GrievanceChannelEnum": "nivaran.grievances.models.Channel",
        "FeedbackChannelEnum": "nivaran.grievances.models.FeedbackChannel",
        "AtrOutcomeEnum": "nivaran.grievances.models.AtrOutcome",
        "FeedbackOutcomeEnum": "nivaran.grievances.models.FeedbackOutcome",
        # An export's `kind` (the list) and `status` (the job's) are not a grievance's:
        # with two sets per name, each is named here (the grievance's keep v1's names).
        "KindEnum": "nivaran.catalog.models.Kind",
        "StatusEnum": "nivaran.grievances.models.Status",
        "ExportKindEnum": "nivaran.exports.kinds.KIND_CODES",
        "ExportStatusEnum": "nivaran.exports.models.ExportStatus",
        "ExportFormatEnum": "nivaran.exports.models.ExportFormat",
        "PackKindEnum": "nivaran.analytics.packs.KINDS",
        "RankingComponentCodeEnum": "nivaran.profiles.loader.RANKING_COMPONENTS_SORTED",
        "RankingScopeEnum": "nivaran.analytics.ranking.SCOPES",
        "SystemicIssueKindEnum": "nivaran.systemic.models.IssueKind",
        "SystemicIssueStatusEnum": "nivaran.systemic.models.IssueStatus",
    },
}

# --- Nivaran ---------------------------------------------------------------
# The state profile in force: a folder under nivaran/profiles/data/.
NIVARAN_PROFILE = os.environ.get("NIVARAN_PROFILE", "haryana")
# The platform's public address, for links in messages (a WhatsApp share's list); empty:
# the address the request came in on.
NIVARAN_SITE_URL = os.environ.get("SITE_URL", "")

# Notification gateways: "console" (writes to the log and to a file) or "http".
NIVARAN_SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")
NIVARAN_SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
NIVARAN_SMS_HTTP_TOKEN = os.environ.get("SMS_HTTP_TOKEN", "")
NIVARAN_SMS_SENDER_ID = os.environ.get("SMS_SENDER_ID", "NIVRAN")
NIVARAN_WHATSAPP_BACKEND = os.environ.get("WHATSAPP_BACKEND", "console")
NIVARAN_WHATSAPP_HTTP_URL = os.environ.get("WHATSAPP_HTTP_URL", "")
NIVARAN_WHATSAPP_HTTP_TOKEN = os.environ.get("WHATSAPP_HTTP_TOKEN", "")
NIVARAN_GATEWAY_TIMEOUT_SECONDS = float(os.environ.get("GATEWAY_TIMEOUT_SECONDS", "10"))
NIVARAN_OUTBOX_FILE = Path(os.environ.get("OUTBOX_FILE", VAR_DIR / "outbox.log"))
NIVARAN_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "6"))
# Partner webhooks (the outbox's webhook channel): attempts before a delivery is failed
# (back-off 30 s doubling to at most an hour), the timeout of one attempt, and whether a
# URL may point at a loopback or private address (only for tests and closed networks).
NIVARAN_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "12"))
NIVARAN_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
NIVARAN_WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE")
# How long a worker holds the messages it claimed: a worker that dies mid-send leaves
# them to be claimed again after this.
NIVARAN_OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "300"))
# Sent and failed messages are deleted this many days after they were queued.
NIVARAN_OUTBOX_RETENTION_DAYS = int(os.environ.get("OUTBOX_RETENTION_DAYS", "30"))
# An incremental sync (?updated_since=) sees a change only this long after it happened, so
# that a transaction still committing (a long SLA sweep's later batches carry the sweep's
# start time) is not passed by a client's cursor. At least the longest sweep.
NIVARAN_SYNC_SETTLE_SECONDS = int(os.environ.get("SYNC_SETTLE_SECONDS", "300"))
# Lists count their rows up to this many; beyond it they show "10000+" and the API says
# `count_capped` (nivaran/core/paging.py): an exact count of a long list costs its length.
NIVARAN_LIST_COUNT_CAP = int(os.environ.get("LIST_COUNT_CAP", "10000"))
# The category pages (docs/categories.md) keep in the cache (CACHES) the pending counts of
# a department's tree and the re-categorisation assistant's groups of an "Others" pile; a
# catalog write makes them fresh at once, intake and closures at the latest after these.
NIVARAN_CATALOG_COUNTS_SECONDS = int(os.environ.get("CATALOG_COUNTS_SECONDS", "600"))
NIVARAN_CATALOG_GROUPS_SECONDS = int(os.environ.get("CATALOG_GROUPS_SECONDS", "3600"))
# Key of the OTP hashes; empty falls back to SECRET_KEY.
NIVARAN_OTP_SECRET = os.environ.get("OTP_SECRET", "")
# OTP SMS the whole platform sends in 15 minutes, at most (a brake on SMS cost and floods).
NIVARAN_OTP_GLOBAL_LIMIT = int(os.environ.get("OTP_GLOBAL_LIMIT", "1000"))
# Minutes a citizen token of the Citizen API (/api/v1/citizen/token/) is valid.
NIVARAN_CITIZEN_TOKEN_MINUTES = int(os.environ.get("CITIZEN_TOKEN_MINUTES", "60"))
# A header the reverse proxy sets to the client's address (e.g. X-Forwarded-For, last
# entry used); empty: REMOTE_ADDR. Limits on OTPs and sign-in attempts count per address.
NIVARAN_CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
# Wrong passwords per account, and from one client address, before sign-in is locked;
# a lock ends this many minutes after the first failure (or when an administrator lifts it).
NIVARAN_SIGNIN_MAX_FAILURES = int(os.environ.get("SIGNIN_MAX_FAILURES", "5"))
NIVARAN_SIGNIN_MAX_FAILURES_PER_ADDRESS = int(
    os.environ.get("SIGNIN_MAX_FAILURES_PER_ADDRESS", "20")
)
NIVARAN_SIGNIN_LOCK_MINUTES = int(os.environ.get("SIGNIN_LOCK_MINUTES", "15"))
# Background exports (nivaran/exports, docs/exports.md): exports queued or running per user
# at once; hours a finished file is kept; rows per chunk (one progress update each);
# minutes after which a running export counts as dead; the page's poll interval.
NIVARAN_EXPORTS_MAX_ACTIVE = int(os.environ.get("EXPORTS_MAX_ACTIVE", "2"))
NIVARAN_EXPORTS_KEEP_HOURS = int(os.environ.get("EXPORTS_KEEP_HOURS", "24"))
NIVARAN_EXPORTS_CHUNK_ROWS = int(os.environ.get("EXPORTS_CHUNK_ROWS", "2000"))
NIVARAN_EXPORTS_RUN_MINUTES = int(os.environ.get("EXPORTS_RUN_MINUTES", "60"))
NIVARAN_EXPORTS_POLL_MS = int(os.environ.get("EXPORTS_POLL_MS", "1500"))

# The category suggester (B3): the newest grievances one training reads, how many trained
# models keep their bytes, and how many suggestions one user may ask for per minute.
NIVARAN_SUGGEST_MAX_ROWS = int(os.environ.get("SUGGEST_MAX_ROWS", "200000"))
NIVARAN_SUGGEST_KEEP_MODELS = int(os.environ.get("SUGGEST_KEEP_MODELS", "5"))
NIVARAN_SUGGEST_RATE = os.environ.get("SUGGEST_RATE", "120/min")
# The open-data figures (GET /api/v1/public/figures/): per client address, no sign-in.
NIVARAN_PUBLIC_FIGURES_RATE = os.environ.get("PUBLIC_FIGURES_RATE", "30/min")

# --- Celery ----------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# One queue per kind of work, so that an export or a retrain never holds up escalation
# or SMS, and each kind can have its own workers (docs/deployment.md, "Running"). A
# worker started without -Q consumes every queue listed here, as one worker did before.
NIVARAN_TASK_QUEUES = ("celery", "sweep", "messages", "exports", "analytics")
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in NIVARAN_TASK_QUEUES]
CELERY_TASK_ROUTES = {
    "nivaran.grievances.tasks.sla_sweep": {"queue": "sweep"},
    "nivaran.grievances.tasks.sla_sweep_part": {"queue": "sweep"},
    "nivaran.notifications.tasks.deliver_outbox": {"queue": "messages"},
    "nivaran.notifications.tasks.purge_outbox": {"queue": "messages"},
    "nivaran.exports.tasks.export_run": {"queue": "exports"},
    "nivaran.exports.tasks.purge_exports": {"queue": "exports"},
    "nivaran.analytics.tasks.analytics_refresh": {"queue": "analytics"},
    "nivaran.analytics.tasks.analytics_weekly_dispatch": {"queue": "analytics"},
    "nivaran.suggestions.tasks.suggestions_retrain": {"queue": "analytics"},
    "nivaran.systemic.tasks.systemic_detect": {"queue": "analytics"},
    # The rest (the hourly purges of OTP challenges and citizen tokens): the default queue.
}
# How many sweep tasks each beat tick starts at the same instant (one per sweep worker):
# SKIP LOCKED divides the due rows among them (nivaran/grievances/workflow/sweep.py).
NIVARAN_SWEEP_PARTS = int(os.environ.get("SLA_SWEEP_PARTS", "1"))
# PostgreSQL: the history and outbox tables are partitioned by month (core/partitions.py);
# a daily task keeps this many months made ahead of the current one.
NIVARAN_PARTITION_MONTHS_AHEAD = int(os.environ.get("PARTITION_MONTHS_AHEAD", "3"))
CELERY_BEAT_SCHEDULE = {
    "sla-sweep": {
        "task": "nivaran.grievances.tasks.sla_sweep",
        "schedule": timedelta(seconds=int(os.environ.get("SLA_SWEEP_SECONDS", "300"))),
    },
    "deliver-outbox": {
        "task": "nivaran.notifications.tasks.deliver_outbox",
        "schedule": timedelta(seconds=int(os.environ.get("OUTBOX_DELIVERY_SECONDS", "15"))),
    },
    "purge-outbox": {
        "task": "nivaran.notifications.tasks.purge_outbox",
        "schedule": timedelta(seconds=int(os.environ.get("OUTBOX_PURGE_SECONDS", "86400"))),
    },
    "purge-otp-challenges": {
        "task": "nivaran.portal.tasks.purge_otp_challenges",
        "schedule": timedelta(hours=1),
    },
    "analytics-refresh": {
        "task": "nivaran.analytics.tasks.analytics_refresh",
        "schedule": timedelta(seconds=int(os.environ.get("ANALYTICS_REFRESH_SECONDS", "600"))),
    },
    "analytics-weekly-dispatch": {
        "task": "nivaran.analytics.tasks.analytics_weekly_dispatch",
        # Monday 08:00 in the state's time zone (CELERY_TIMEZONE).
        "schedule": crontab(hour=8, minute=0, day_of_week="mon"),
    },
    "suggestions-retrain": {
        "task": "nivaran.suggestions.tasks.suggestions_retrain",
        "schedule": timedelta(seconds=int(os.environ.get("SUGGEST_RETRAIN_SECONDS", "86400"))),
    },
    "purge-citizen-tokens": {
        "task": "nivaran.portal.tasks.purge_citizen_tokens",
        "schedule": timedelta(hours=1),
    },
    "purge-exports": {
        "task": "nivaran.exports.tasks.purge_exports",
        "schedule": timedelta(hours=1),
    },
    # Systemic issues (U4, B4) in the latest complete week; idempotent, so daily is safe.
    "ensure-partitions": {
        "task": "nivaran.core.tasks.ensure_partitions",
        "schedule": timedelta(hours=24),
    },
    "systemic-detect": {
        "task": "nivaran.systemic.tasks.systemic_detect",
        "schedule": timedelta(seconds=int(os.environ.get("SYSTEMIC_DETECT_SECONDS", "86400"))),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # fontTools logs every glyph table it subsets when the PDF packs embed a font.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

if not DEBUG and not DEMO_MODE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
