"""``make reliability``: the reliability and security scoreboard, on PostgreSQL.

Runs the relevant test subsets (each with a time bound), reads their JUnit reports and the
counts the tests write (tests/scoreboard.py: matrix cells, fuzzed cases and 5xx, concurrency
trials and winners, rows lost or duplicated under kills, GDPR residues), runs
``manage.py check --deploy`` with production settings, and prints one table. Exit status 1
when anything failed, so CI can call it:

    RELIABILITY_DATABASE_URL=postgres://postgres@127.0.0.1:5432/releve_ci make reliability

``--from-reports DIR`` runs no test: it reads ``DIR/junit.xml`` and ``DIR/counts.jsonl``
written by a whole-suite run (``.ci/run`` makes ``make test`` write them), so CI prints the
scoreboard of the run it has just made in seconds instead of running the subsets again.

Environment: ``RELIABILITY_DATABASE_URL`` (default a local ``releve_reliability``
database), ``RELIABILITY_TIMEOUT`` seconds per subset (default 900), ``RELIABILITY_ONLY``
(comma-separated words of subset labels, for a partial run).
"""

import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE_URL = os.environ.get(
    "RELIABILITY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/releve_reliability"
)
TIMEOUT = int(os.environ.get("RELIABILITY_TIMEOUT", "900"))

# (label, pytest arguments). Paths that do not exist (yet) are reported as absent.
SUBSETS = [
    ("Authorization matrix", ["tests/security/test_authorization_matrix.py"]),
    (
        "Admin territory, need-to-know, headers",
        [
            "tests/security/test_admin_territory.py",
            "tests/security/test_need_to_know.py",
            "tests/security/test_headers.py",
            "tests/crm/test_login_hardening.py",
        ],
    ),
    ("Fuzzing (schemathesis)", ["tests/api/test_schemathesis.py"]),
    (
        "Concurrency (leads, idempotency)",
        [
            "tests/api/test_leads.py",
            "tests/api/test_idempotency.py",
            "-k",
            "concurren or parallel or simultaneous or race",
        ],
    ),
    ("Kills (lost or duplicated rows)", ["tests/reliability"]),
    ("GDPR residues", ["tests/crm/test_gdpr.py"]),
    ("Backups", ["tests/security/test_backup.py"]),
]


def _totals(testcases: list[ET.Element]) -> dict:
    result = {"tests": len(testcases), "failures": 0, "errors": 0, "skipped": 0}
    for case in testcases:
        for outcome in ("failure", "error", "skipped"):
            if case.find(outcome) is not None:
                result[outcome + ("s" if outcome != "skipped" else "")] += 1
    result["status"] = "ok" if not (result["failures"] or result["errors"]) else "FAILED"
    return result


def _testcases(junit: Path) -> list[ET.Element]:
    return list(ET.parse(junit).getroot().iter("testcase"))


def run_subset(args: list[str], counts_file: Path) -> dict:
    paths = [a for a in args if a.startswith("tests/")]
    if not any((ROOT / p.split("::")[0]).exists() for p in paths):
        return {"status": "absent"}
    with tempfile.NamedTemporaryFile(suffix=".xml", delete=False) as report:
        junit = Path(report.name)
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "RELIABILITY_COUNTS": str(counts_file),
    }
    command = [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}"]
    try:
        subprocess.run([*command, *args], cwd=ROOT, env=env, timeout=TIMEOUT, capture_output=True)
    except subprocess.TimeoutExpired:
        return {"status": f"timeout after {TIMEOUT}s"}
    if not junit.exists() or junit.stat().st_size == 0:
        return {"status": "no report"}
    result = _totals(_testcases(junit))
    junit.unlink()
    return result


def subset_of_report(args: list[str], testcases: list[ET.Element]) -> dict:
    """The subset's tests picked out of a whole-suite JUnit report (file paths, and the
    ``-k`` words as alternatives matched in the test names)."""
    paths = [a for a in args if a.startswith("tests/")]
    words = args[args.index("-k") + 1].split(" or ") if "-k" in args else []
    prefixes = [p.removesuffix(".py").replace("/", ".") for p in paths]
    picked = [
        case
        for case in testcases
        if any((case.get("classname", "") + ".").startswith(prefix + ".") for prefix in prefixes)
        and (not words or any(word in case.get("name", "") for word in words))
    ]
    return _totals(picked) if picked else {"status": "absent"}


def deploy_warnings() -> tuple[int, str]:
    env = {
        **os.environ,
        "DEBUG": "False",
        "SECRET_KEY": "reliability-check-" + "x" * 50,
        "ALLOWED_HOSTS": "releve.example.org",
        "DATABASE_URL": DATABASE_URL,
    }
    done = subprocess.run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "CRITICAL"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    text = done.stdout + done.stderr
    issues = [line for line in text.splitlines() if line.startswith("?:") or ": (" in line]
    return len(issues), "\n".join(issues)


def read_counts(counts_file: Path) -> dict[str, dict[str, int]]:
    """Each kind's counts summed over the records the tests wrote (tests/scoreboard.py)."""
    totals: dict[str, dict[str, int]] = {}
    if not counts_file.exists():
        return totals
    for line in counts_file.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        kind = totals.setdefault(record.pop("kind"), {})
        for name, value in record.items():
            kind[name] = kind.get(name, 0) + value
    return totals


# (kind, French line, the counts that must be zero for the board to be green)
COUNT_LINES = [
    ("matrix", "Matrice d'autorisation : {checked} cellules vérifiées, {failed} en échec",
     ["failed"]),
    ("fuzzing", "Fuzzing : {cases} cas générés, {server_errors} réponses 5xx", ["server_errors"]),
    ("concurrency", "Concurrence : {trials} requêtes simultanées, {winners} gagnantes", []),
    ("kills", "Arrêts brutaux : {sent} leads envoyés, {lost} perdus, {duplicated} en double",
     ["lost", "duplicated"]),
    ("gdpr", "RGPD : {residues} résidu(s) après effacement", ["residues"]),
]  # fmt: skip


def main(argv: list[str]) -> int:
    reports = Path(argv[argv.index("--from-reports") + 1]) if "--from-reports" in argv else None
    rows, failed = [], False
    only = os.environ.get("RELIABILITY_ONLY", "")  # e.g. "Backups,GDPR": a quick partial run
    if reports is not None:
        counts_file = reports / "counts.jsonl"
        testcases = _testcases(reports / "junit.xml")
    else:
        counts_file = Path(tempfile.mkstemp(suffix=".jsonl")[1])
    for label, args in SUBSETS:
        if only and not any(word.strip().lower() in label.lower() for word in only.split(",")):
            continue
        if reports is not None:
            result = subset_of_report(args, testcases)
        else:
            result = run_subset(args, counts_file)
        rows.append((label, result))
        failed |= result["status"] not in ("ok", "absent")
    counts = read_counts(counts_file)
    if reports is None:
        counts_file.unlink()
    warnings, details = deploy_warnings()
    failed |= warnings > 0

    print("\nRelève — tableau de fiabilité (PostgreSQL)\n")
    print(f"{'Sous-ensemble':45} {'état':16} {'tests':>6} {'échecs':>7} {'ignorés':>8}")
    for label, result in rows:
        failures = result.get("failures", 0) + result.get("errors", 0)
        shown = failures if "tests" in result else "-"
        print(
            f"{label:45} {result['status']:16} {result.get('tests', '-'):>6} "
            f"{shown:>7} {result.get('skipped', '-'):>8}"
        )
    print()
    for kind, line, must_be_zero in COUNT_LINES:
        if kind not in counts:
            print(line.split(" :")[0] + " : non mesuré (aucun test de ce type n'a tourné)")
            continue
        print(line.format(**counts[kind]))
        failed |= any(counts[kind].get(name, 0) for name in must_be_zero)
    print(f"manage.py check --deploy : {warnings} avertissement(s)")
    if details:
        print(details)
    print("\nRÉSULTAT :", "ÉCHEC" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
