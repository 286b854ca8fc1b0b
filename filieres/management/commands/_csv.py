"""Shared bits of the filieres file-loading commands."""

import csv
from pathlib import Path

from django.core.management.base import CommandError


def read_rows(path: str, required: list[str]) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV (comma or semicolon separated, BOM tolerated)."""
    file = Path(path)
    if not file.exists():
        raise CommandError(f"Fichier introuvable : {path}")
    text = file.read_text(encoding="utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;")
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    missing = [column for column in required if column not in (reader.fieldnames or [])]
    if missing:
        raise CommandError(
            f"Colonnes manquantes dans {path} : {', '.join(missing)} "
            f"(attendues : {', '.join(required)})."
        )
    return list(reader)


def print_report(command, report) -> None:
    for line, message in report.errors:
        command.stderr.write(f"ligne {line} : {message}")
    summary = (
        f"{report.created} créé(s), {report.updated} mis à jour, "
        f"{report.unchanged} inchangé(s), {report.deleted} supprimé(s)"
    )
    if report.errors:
        raise CommandError(f"{len(report.errors)} erreur(s) : rien n'a été enregistré.")
    if report.dry_run:
        command.stdout.write(f"Simulation (rien n'est enregistré) : {summary}.")
    else:
        command.stdout.write(command.style.SUCCESS(f"Chargé : {summary}."))
