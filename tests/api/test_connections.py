"""Production database connections are persistent and health-checked (issue 14 P4)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db  # the API conftest clears the cache table

ROOT = Path(__file__).resolve().parents[2]


def _database_settings(**env) -> dict:
    code = (
        "import json; from django.conf import settings; d = settings.DATABASES['default']; "
        "print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment,
        capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    return json.loads(output)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DEBUG": "False", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"}, [60, True]),
        ({"DEBUG": "False", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org",
          "CONN_MAX_AGE": "300"}, [300, True]),
        ({"DEBUG": "True"}, [0, True]),
    ],
)  # fmt: skip
def test_conn_max_age_and_health_checks(env, expected):
    env.setdefault("CONN_MAX_AGE", "")
    if not env["CONN_MAX_AGE"]:
        env.pop("CONN_MAX_AGE")
        os.environ.pop("CONN_MAX_AGE", None)
    assert _database_settings(**env) == expected
