"""Settings of the bench server and harness: the project's settings, a database of its own,
and a URLconf adding the two baseline views (never part of the production URLconf).

The database is ``BENCH_DATABASE_URL`` or, failing that, ``DATABASE_URL`` with its name
replaced by ``releve_bench``: the harness creates and drops it, never the working database.
"""

import os
import socket
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


def bench_redis_url() -> str | None:
    """The Redis the bench server counts the partner throttles in, as production does with
    several app servers (README, "Past one machine"): ``REDIS_URL`` or, failing that, the
    local Redis when one answers; None (the database's cache table) when there is none."""
    explicit = os.environ.get("REDIS_URL")
    if explicit:
        return explicit
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return "redis://127.0.0.1:6379/15"
    except OSError:
        return None


BENCH_REDIS_URL = bench_redis_url()
if BENCH_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": BENCH_REDIS_URL,
            # Apart from whatever else this Redis holds.
            "KEY_PREFIX": "releve-bench",
        }
    }

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
