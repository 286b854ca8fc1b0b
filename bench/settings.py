"""Settings of the bench server and harness: the project's settings, a database of its own,
and a URLconf adding the two baseline views (never part of the production URLconf).

The database is ``BENCH_DATABASE_URL`` or, failing that, ``DATABASE_URL`` with its name
replaced by ``releve_bench``: the harness creates and drops it, never the working database.
"""

import os
import warnings

import environ

from config.settings import *  # noqa: F403
from config.settings import DATABASES

BENCH_DEFAULT_NAME = "releve_bench"


def bench_database_url() -> str:
    explicit = os.environ.get("BENCH_DATABASE_URL")
    if explicit:
        return explicit
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/releve")
    if not base.startswith("postgres"):
        raise RuntimeError("the bench needs PostgreSQL: set BENCH_DATABASE_URL=postgres://…")
    head, _sep, _name = base.rpartition("/")
    return f"{head}/{BENCH_DEFAULT_NAME}"


DATABASES = {**DATABASES, "default": environ.Env.db_url_config(bench_database_url())}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Production-like connections: persistent, health-checked (issue 14, P4).
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("BENCH_CONN_MAX_AGE", "600"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Measure the work, not the cache: dashboard tables are computed on every request.
RELEVE_DASHBOARDS_CACHE_SECONDS = 0
# The load is one partner sending as fast as it can: the throttles would measure themselves.
RELEVE_API_RATE_PER_MINUTE = 10_000_000
RELEVE_API_RATE_PER_DAY = 10_000_000
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# The bench serves no static files (whitenoise warns once per process without collectstatic).
warnings.filterwarnings("ignore", message="No directory at")
