"""Relève settings: one module, everything that varies between machines read from the environment.

Defaults are for a developer's laptop (SQLite file, DEBUG on). Production sets at least
``DEBUG=False``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``; see README.md.
"""

import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
# X-Forwarded-Proto (and X-Forwarded-For for the login throttle) are believed only when a
# setting says a proxy sets them: any client can send these headers.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)

_DEV_SECRET_KEY = "django-insecure-relève-development-only-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "django_fsm",
    "simple_history",
    "axes",
    "import_export",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    # Relève apps, lowest layer first: dependencies point down this list only.
    "crm",
    "filieres",
    "transmission",
    "financement",
    "followup",
    "api",
    "dashboards",
    "backoffice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the query string: no NUL reaches a filter (PostgreSQL refuses it).
    "crm.security.NulFreeQueryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Under /api/ only: body size limit, problem+json for every error, partner request log.
    "api.middleware.ApiMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Security headers: CSP (django-csp), Permissions-Policy, no-store on personal data.
    "csp.middleware.CSPMiddleware",
    "crm.security.SecurityHeadersMiddleware",
    # Sliding session expiry: a working day of inactivity, refreshed at most every N minutes.
    "crm.security.IdleSessionMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: answers a locked-out login with its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (issue 14 P4): a new PostgreSQL connection per request costs more
# than a lead's whole intake. Kept CONN_MAX_AGE seconds (60 in production, 0 with DEBUG) and
# checked before reuse, so a connection the server dropped is replaced, not an error.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("TEST", {})
# Dashboards may read from a replica of the primary (config/routers.py).
if env.str("REPLICA_DATABASE_URL", default=""):
    DATABASES["replica"] = env.db("REPLICA_DATABASE_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # A table of our own database (`manage.py createcachetable`), not each process's memory:
    # with several app servers or gunicorn workers, a per-process cache would multiply the
    # partner rate limits by their number.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "releve_cache",
        }
    }

AUTHENTICATION_BACKENDS = [
    # First: refuses to check a password while the account or the address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTH_USER_MODEL = "crm.User"
LOGIN_URL = "login"
# Role-aware landing (config.urls.landing): board members reach the dashboards; until the
# back office lands, everyone else works in the Django admin.
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions expire after a working day of INACTIVITY (sliding expiry). The expiry is not
# pushed back on every request, which would cost a session write per page (query counts are
# asserted): crm.security.IdleSessionMiddleware refreshes it at most every
# SESSION_REFRESH_SECONDS, so a session lives between AGE - REFRESH and AGE after the last click.
SESSION_COOKIE_AGE = env.int("SESSION_SECONDS", default=8 * 3600)
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=15 * 60)

# Login hardening (django-axes): after AXES_FAILURE_LIMIT wrong passwords the account is
# locked, and so is the address they came from (each on its own), for AXES_COOLOFF_TIME.
# Logins, failures and lockouts are kept in axes' tables, which administrators read in the
# admin ("Axes").
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "crm.auth.locked_out"
AXES_IPWARE_PROXY_COUNT = 1 if BEHIND_PROXY else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if BEHIND_PROXY else ["REMOTE_ADDR"]
)

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Security: strict by default when DEBUG is off (``check --deploy`` must stay silent).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): every script is a static file of our own, no inline
# script, no eval. Inline styles stay allowed (Django's admin and plotly set style attributes).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "worker-src": ["'self'", "blob:"],
    },
}
# Features no page of Relève uses are switched off for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.ProblemAutoSchema",
    # Safe defaults: staff credentials only; partner views opt in (api.views.base).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.StaffTokenAuthentication",
        "api.authentication.StaffSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.IsStaff"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.JsonOnlyContentNegotiation",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Relève API",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No call to validator.swagger.io from the documentation page.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema component per choice set shared by several serializers.
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "transmission.choices.CaseKind",
        "ActivityKindEnum": "transmission.choices.ActivityKind",
        "StageEnum": "transmission.choices.Stage",
    },
}

# REST API (api/). Keys are hashed with HMAC-SHA256 under this pepper (SECRET_KEY when
# empty): set it in production so that rotating SECRET_KEY does not invalidate every key.
RELEVE_API_KEY_PEPPER = env.str("RELEVE_API_KEY_PEPPER", default="")
RELEVE_API_MAX_BODY_BYTES = 64 * 1024
RELEVE_API_RATE_PER_MINUTE = env.int("RELEVE_API_RATE_PER_MINUTE", default=120)
RELEVE_API_RATE_PER_DAY = env.int("RELEVE_API_RATE_PER_DAY", default=10_000)
RELEVE_API_IDEMPOTENCY_TTL = 24 * 3600  # seconds
RELEVE_API_IDEMPOTENCY_LOCK_TIMEOUT = 300  # seconds before an unfinished claim is abandoned
RELEVE_API_REJECTED_RETENTION_DAYS = 30
# Webhooks: http:// and private/loopback targets only when explicitly allowed (tests, dev).
RELEVE_WEBHOOKS_ALLOW_INSECURE = env.bool("RELEVE_WEBHOOKS_ALLOW_INSECURE", default=False)
RELEVE_WEBHOOK_RETRY_SCHEDULE = [60, 300, 1800, 7200, 43200]  # seconds after each failure
RELEVE_WEBHOOK_TIMEOUT_SECONDS = 10
# How long a worker owns a delivery it claimed; past it (the worker died) another retries.
# Longer than any HTTP attempt can last (the timeout applies to each socket operation).
RELEVE_WEBHOOK_LEASE_SECONDS = env.int("RELEVE_WEBHOOK_LEASE_SECONDS", default=300)

# Background tasks (django-tasks, imported through config/tasks.py only): stored in our own
# database, run by `manage.py db_worker`; no broker. The test suite uses this backend too
# (enqueueing writes a row; tests of the worker run real `db_worker` processes); unit tests
# that want a task run in-process switch to the immediate backend with `settings.TASKS`.
TASKS = {
    "default": {
        "BACKEND": env.str("RELEVE_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# E-mail (the back office's daily digest): printed to the console in development.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="releve@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
