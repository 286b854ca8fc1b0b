"""The reliability scoreboard read from a whole-suite run's reports (what CI prints)."""

import importlib.util
import json

import pytest
from django.conf import settings

from tests import scoreboard

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="4">
  <testcase classname="tests.security.test_authorization_matrix" name="test_every_cell"/>
  <testcase classname="tests.api.test_leads" name="test_twenty_concurrent_identical_leads"/>
  <testcase classname="tests.api.test_leads" name="test_a_lead_opens_a_case"/>
  <testcase classname="tests.crm.test_gdpr" name="test_erasure">{gdpr}</testcase>
</testsuite></testsuites>
"""


@pytest.fixture
def reliability():
    spec = importlib.util.spec_from_file_location(
        "reliability", settings.BASE_DIR / "scripts" / "reliability.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reports(tmp_path, monkeypatch, *, gdpr_failure="", records=()):
    (tmp_path / "junit.xml").write_text(JUNIT.format(gdpr=gdpr_failure), encoding="utf-8")
    monkeypatch.setenv(scoreboard.COUNTS_ENV, str(tmp_path / "counts.jsonl"))
    for kind, counts in records:
        scoreboard.record(kind, **counts)
    return tmp_path


def test_the_board_sums_the_counts_and_picks_each_subset_out_of_the_report(
    reliability, tmp_path, monkeypatch, capsys
):
    reports = _reports(
        tmp_path,
        monkeypatch,
        records=[
            ("matrix", {"checked": 10, "failed": 0}),
            ("matrix", {"checked": 5, "failed": 0}),
            ("fuzzing", {"cases": 1200, "server_errors": 0}),
            ("concurrency", {"trials": 20, "winners": 1}),
            ("kills", {"sent": 40, "lost": 0, "duplicated": 0}),
            ("gdpr", {"residues": 0}),
        ],
    )
    monkeypatch.setattr(reliability, "deploy_warnings", lambda: (0, ""))
    assert reliability.main(["--from-reports", str(reports)]) == 0
    out = capsys.readouterr().out
    assert "Matrice d'autorisation : 15 cellules vérifiées, 0 en échec" in out
    assert "Fuzzing : 1200 cas générés, 0 réponses 5xx" in out
    assert "Arrêts brutaux : 40 leads envoyés, 0 perdus, 0 en double" in out
    lines = {line.split("  ")[0]: line for line in out.splitlines()}
    # Only the concurrency-named test of test_leads.py is in the concurrency row.
    assert lines["Concurrency (leads, idempotency)"].split()[-3:] == ["1", "0", "0"]
    assert "RÉSULTAT : OK" in out


def test_a_residue_or_a_failed_test_turns_the_board_red(reliability, tmp_path, monkeypatch, capsys):
    reports = _reports(
        tmp_path,
        monkeypatch,
        gdpr_failure='<failure message="residue"/>',
        records=[("gdpr", {"residues": 2})],
    )
    monkeypatch.setattr(reliability, "deploy_warnings", lambda: (0, ""))
    assert reliability.main(["--from-reports", str(reports)]) == 1
    out = capsys.readouterr().out
    assert "RGPD : 2 résidu(s) après effacement" in out
    assert "Fuzzing : non mesuré" in out
    assert "RÉSULTAT : ÉCHEC" in out


def test_record_writes_nothing_without_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(scoreboard.COUNTS_ENV, raising=False)
    scoreboard.record("gdpr", residues=0)
    monkeypatch.setenv(scoreboard.COUNTS_ENV, str(tmp_path / "c.jsonl"))
    scoreboard.record("gdpr", residues=0)
    assert json.loads((tmp_path / "c.jsonl").read_text()) == {"kind": "gdpr", "residues": 0}
