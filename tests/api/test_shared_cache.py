"""Without Redis the partner throttles still count across app servers: the default cache is a
table of the database, not each process's memory (which would multiply every limit by the
number of gunicorn workers)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.db import connection

from api.models import PartnerApiSettings
from tests.api.conftest import assert_problem

ROOT = Path(__file__).resolve().parents[2]
PROFILE = "/api/v1/partner/"


def test_the_default_cache_is_the_database_when_redis_is_not_configured():
    backend = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; "
         "print(settings.CACHES['default']['BACKEND'])"],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings",
                       "REDIS_URL": ""},
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert backend == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.django_db
def test_a_request_counted_by_another_server_counts_here(partner_client, partner, settings):
    if settings.CACHES["default"]["BACKEND"] != "django.core.cache.backends.db.DatabaseCache":
        pytest.skip("REDIS_URL is set: tests/api/test_throttling_and_logging.py covers Redis")
    PartnerApiSettings.objects.create(partner=partner, rate_per_minute=2)
    assert partner_client.get(PROFILE).status_code == 200
    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {table} WHERE cache_key LIKE %s", ["%minute%"])
        (stored_key,) = cursor.fetchone()
    # Another app server: its own cache object, in its own process, on the same table.
    other_server = DatabaseCache(table, {})
    raw_key = stored_key.split(":", 2)[2]  # ":<version>:<key>" as make_key stores it
    assert other_server.get(raw_key) == 1
    other_server.incr(raw_key)
    assert_problem(partner_client.get(PROFILE), 429)
