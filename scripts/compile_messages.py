"""Compile every French catalogue (.po → .mo) with polib, so no GNU gettext is needed.

    python scripts/compile_messages.py           # write the .mo files
    python scripts/compile_messages.py --check   # fail if a string in the code is missing
                                                 # from a catalogue, untranslated or fuzzy,
                                                 # or if a committed .mo is out of date

The .mo files are committed: Django loads them on machines without gettext installed.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
# Only shipped code carries user-facing strings; tests and tooling are not translated.
IGNORED = ["--ignore=tests/*", "--ignore=bench/*", "--ignore=scripts/*", "--ignore=.venv/*"]


def catalogues() -> list[Path]:
    return sorted(
        path
        for path in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po")
        if ".venv" not in path.parts
    )


def problems_in(po_path: Path) -> list[str]:
    po = polib.pofile(str(po_path))
    problems = [f"untranslated: {entry.msgid!r}" for entry in po.untranslated_entries()]
    problems += [f"fuzzy: {entry.msgid!r}" for entry in po.fuzzy_entries()]
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        problems.append("no compiled .mo next to it")
    else:
        compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path))}
        expected = {(e.msgctxt, e.msgid): e.msgstr for e in po.translated_entries()}
        if compiled != expected:
            problems.append(".mo is out of date: run `python scripts/compile_messages.py`")
    return problems


def missing_from_catalogues() -> list[str]:
    """Strings marked for translation in the code but absent from the committed catalogues.

    Runs ``makemessages`` (GNU gettext) on a scratch copy of the tree, so the working tree
    is left untouched, and compares message ids.
    """
    if shutil.which("xgettext") is None:
        return ["GNU gettext (xgettext) is needed to check extraction: apt-get install gettext"]
    problems = []
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "tree"
        shutil.copytree(
            ROOT,
            copy,
            ignore=shutil.ignore_patterns(
                ".venv", ".git", "staticfiles", "*.sqlite3", "node_modules"
            ),
        )
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "--locale",
                "fr",
                "--no-obsolete",
                "--no-location",
                *IGNORED,
            ],
            cwd=copy,
            check=True,
            capture_output=True,
        )
        for po_path in catalogues():
            relative = po_path.relative_to(ROOT)
            committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(po_path))}
            extracted = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / relative))}
            problems += [f"{relative}: not extracted yet: {m!r}" for _, m in extracted - committed]
            problems += [f"{relative}: obsolete: {m!r}" for _, m in committed - extracted]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    failed = False
    if args.check:
        for problem in missing_from_catalogues():
            failed = True
            print(problem)
    for po_path in catalogues():
        relative = po_path.relative_to(ROOT)
        if args.check:
            for problem in problems_in(po_path):
                failed = True
                print(f"{relative}: {problem}")
        else:
            polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
            print(f"compiled {relative}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
