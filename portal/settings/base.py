"""Settings shared by every environment; every value comes from the environment.

The embedded default (no variables set) runs on SQLite with Celery tasks executed
in the web process, so `make run` needs no servers.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

SECRET_KEY = env("SECRET_KEY", default="insecure-embedded-default-key-change-me-in-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "portal",
    "indicators",
    "forum",
    "meetings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.UserLanguageMiddleware",
    "portal.middleware.RejectNulBytesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.SecurityHeadersMiddleware",
    "portal.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'portal.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = ["portal.backends.EmailBackend"]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

PASSWORD_HASHERS = [
    # Argon2id with OWASP's parameters (portal/hashers.py). It reads every "argon2$" hash,
    # whatever its parameters, and re-hashes older ones at their next login.
    "portal.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
PORTAL_MAX_UPLOAD_BYTES = env.int("PORTAL_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# One data-sheet upload request: at most this many files and bytes in all, checked from the
# sizes before any file is read (indicators/services/sheets/staging.py::upload_refusals). Django
# refuses a request with more file fields than DATA_UPLOAD_MAX_NUMBER_FILES (400) before
# spooling them to disk.
PORTAL_MAX_UPLOAD_FILES = env.int("PORTAL_MAX_UPLOAD_FILES", default=10)
PORTAL_MAX_UPLOAD_TOTAL_BYTES = env.int("PORTAL_MAX_UPLOAD_TOTAL_BYTES", default=50 * 1024 * 1024)
# Uploads larger than this (all files together) are parsed by a Celery task, with a progress
# page, so that no web worker is held by a file; smaller ones are previewed in the request.
PORTAL_ASYNC_UPLOAD_BYTES = env.int("PORTAL_ASYNC_UPLOAD_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("DATA_UPLOAD_MAX_NUMBER_FILES", default=20)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="portal@wg-statistics.example.org")

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://portal"),
}

# Celery: with no broker configured, tasks run in the calling process (embedded default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers keep reconnecting through a Redis outage of any length (Celery gives up after 100
# attempts, about 45 minutes, by default); web processes never wait on this (portal/outbox.py).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A task a dead worker held is redelivered after `visibility_timeout` (Redis' default is an hour).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
}
# The web process publishes through the outbox (portal/outbox.py): one connection attempt per
# task, the sweep retries. Workers and beat keep Celery's broker_connection_retry, so they
# reconnect by themselves when Redis is back. A result store that does not answer must not
# hold a connection attempt for the system's TCP timeout either.
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_TIMEZONE = TIME_ZONE

# Login throttling (portal login, admin login, API tokens; portal/services.py): this many
# failures per e-mail, and per client address, within the window. A success clears only the
# e-mail's count.
LOGIN_THROTTLE_FAILURES = env.int("LOGIN_THROTTLE_FAILURES", default=5)
LOGIN_THROTTLE_ADDRESS_FAILURES = env.int("LOGIN_THROTTLE_ADDRESS_FAILURES", default=20)
LOGIN_THROTTLE_WINDOW_SECONDS = env.int("LOGIN_THROTTLE_WINDOW_SECONDS", default=900)
# Password-reset requests: this many per e-mail and per address within the window; beyond
# that the same neutral "sent" page is shown and no e-mail goes out.
PASSWORD_RESET_THROTTLE_PER_EMAIL = env.int("PASSWORD_RESET_THROTTLE_PER_EMAIL", default=3)
PASSWORD_RESET_THROTTLE_PER_ADDRESS = env.int("PASSWORD_RESET_THROTTLE_PER_ADDRESS", default=10)
PASSWORD_RESET_THROTTLE_WINDOW_SECONDS = env.int(
    "PASSWORD_RESET_THROTTLE_WINDOW_SECONDS", default=3600
)
# Reverse proxies whose X-Forwarded-For is believed (IPs or CIDRs, comma-separated). Every
# throttle keys on the client address (portal/throttling.py::client_address): with an empty
# list that is REMOTE_ADDR; when REMOTE_ADDR is one of these, the right-most X-Forwarded-For
# entry that is not a trusted proxy.
PORTAL_TRUSTED_PROXIES = env.list("PORTAL_TRUSTED_PROXIES", default=[])

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script of the portal reads the CSRF token from the cookie (forms carry it).
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
# `next` redirects (portal.redirects): absolute URLs must be https (production sets it).
SAFE_REDIRECT_REQUIRE_HTTPS = False
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.Page",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
    # Per user (token or session) and, for requests without one, per client address.
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.throttling.AnonRateThrottle",
        "portal.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env("API_THROTTLE_USER_RATE", default="5000/hour"),
        "anon": env("API_THROTTLE_ANON_RATE", default="100/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Statistics working-group portal API",
    "DESCRIPTION": "Data sheets, observations, international series and reference data of the working group.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status` or `kind`: each choice set gets its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "SheetStatusEnum": "indicators.models.DataSheet.Status",
        "EngineRunStatusEnum": "indicators.models.EngineRun.Status",
        "CaseStatusEnum": "indicators.models.DiscrepancyCase.Status",
        "MeetingStatusEnum": "meetings.models.Meeting.Status",
        "MeetingKindEnum": "meetings.models.Meeting.Kind",
        "MeetingModeEnum": "meetings.models.Meeting.Mode",
        "UploadModeEnum": "indicators.services.sheets.IMPORT_MODES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.errors.add_error_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

PORTAL_DEMO_PASSWORD = env("PORTAL_DEMO_PASSWORD", default="demo-portal-2026")
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# SQLite cannot enforce UniqueConstraint(nulls_distinct=False); the services check duplicates
# before storing, and PostgreSQL (production) enforces the constraint.
SILENCED_SYSTEM_CHECKS = ["models.W047"]
PORTAL_SDMX_STRUCTURE = env("PORTAL_SDMX_STRUCTURE", default="KG_NSC:SDG(1.8)")

# Celery beat (the `celery -A portal beat` process in production).
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "portal.tasks.outbox_sweep", "schedule": 60.0},
    "staged-uploads-sweep": {"task": "indicators.tasks.staged_uploads_sweep", "schedule": 3600.0},
    "engine-nightly": {
        "task": "indicators.reports.tasks.engine_run_nightly",
        "schedule": crontab(hour=2, minute=30),
    },
    "forum-daily-digest": {
        "task": "forum.tasks.send_daily_digests",
        "schedule": crontab(hour=6, minute=0),
    },
    "round-reminders": {
        "task": "portal.secretariat.tasks.send_round_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
}
