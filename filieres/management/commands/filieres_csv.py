"""Export or import filière definitions as CSV (slug,name,description,prefixes,prefixes_2025)."""

from pathlib import Path

import tablib
from django.core.management.base import BaseCommand, CommandError

from crm.actors import SYSTEM
from filieres.resources import FiliereResource


class Command(BaseCommand):
    help = "Export (filieres_csv export [path]) or import (filieres_csv import path) filières."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "import"])
        parser.add_argument("path", nargs="?", help="CSV file (export: standard output if absent)")
        parser.add_argument(
            "--dry-run", action="store_true", help="import: preview only, save nothing"
        )

    def handle(self, *args, **options):
        # Run on the server by its operators: Relève itself, not a user of the site.
        resource = FiliereResource(by=SYSTEM)
        if options["action"] == "export":
            text = resource.export().csv
            if options["path"]:
                Path(options["path"]).write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text, ending="")
            return
        if not options["path"]:
            raise CommandError("Indiquez le fichier CSV à importer.")
        file = Path(options["path"])
        if not file.exists():
            raise CommandError(f"Fichier introuvable : {file}")
        dataset = tablib.Dataset().load(file.read_text(encoding="utf-8-sig"), format="csv")
        result = resource.import_data(dataset, dry_run=options["dry_run"])
        problems = []
        for row in result.invalid_rows:
            for field, messages in row.error_dict.items():
                problems.append(f"ligne {row.number} : {field} : {' '.join(messages)}")
        for number, errors in result.row_errors():
            for error in errors:
                problems.append(f"ligne {number} : {error.error}")
        for error in result.base_errors:
            problems.append(str(error.error))
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} erreur(s) : rien n'a été enregistré.")
        totals = {kind: count for kind, count in result.totals.items() if count}
        prefix = "Simulation (rien n'est enregistré)" if options["dry_run"] else "Importé"
        self.stdout.write(f"{prefix} : {totals}")
