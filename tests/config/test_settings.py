"""Settings read from the environment; production settings pass ``check --deploy``."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DEBUG": "False",
    "SECRET_KEY": "k3#p9Vx!w2Lq8Zr5Tn0Ys7Mb4Hc1Fd6Ge-Ja3Ku9Io2Pl5Qm8Rn1St4Uv7Wx0Yz",
    "ALLOWED_HOSTS": "releve.example.org",
    "DATABASE_URL": "sqlite:////tmp/releve-deploy-check.sqlite3",
}


def _manage(*args, env_overrides):
    # A clean production environment: the e2e suite's async-unsafe switch must not leak in.
    inherited = ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in inherited}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_silent_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr + result.stdout


def test_secret_key_is_required_when_debug_is_off():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env_overrides=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_french_and_paris_by_default():
    assert settings.LANGUAGE_CODE == "fr"
    assert settings.TIME_ZONE == "Europe/Paris"
