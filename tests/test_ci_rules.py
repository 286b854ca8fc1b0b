"""The CI rule is a check, not a hope: a skip fails the run when CI=true."""

from django.conf import settings

SKIPPING_TEST = """
import pytest

def test_needs_something_missing():
    pytest.skip("missing")
"""


def test_a_skip_fails_the_run_in_ci(pytester, monkeypatch):
    pytester.makeconftest('pytest_plugins = ["tests.ci_rules"]')
    pytester.makepyfile(SKIPPING_TEST)
    monkeypatch.setenv("PYTHONPATH", str(settings.BASE_DIR))
    monkeypatch.setenv("CI", "true")
    result = pytester.runpytest_subprocess("-p", "no:django")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*CI=true forbids skipped tests; 1 skipped*"])


def test_a_skip_is_fine_outside_ci(pytester, monkeypatch):
    pytester.makeconftest('pytest_plugins = ["tests.ci_rules"]')
    pytester.makepyfile(SKIPPING_TEST)
    monkeypatch.setenv("PYTHONPATH", str(settings.BASE_DIR))
    monkeypatch.delenv("CI", raising=False)
    result = pytester.runpytest_subprocess("-p", "no:django")
    assert result.ret == 0
