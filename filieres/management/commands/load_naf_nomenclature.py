"""Load a NAF nomenclature (NAF 2025) into crm.NafEntry (format: docs/naf-correspondence.md)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from filieres import naf, services
from filieres.management.commands._csv import print_report, read_rows


class Command(BaseCommand):
    help = (
        "Load a NAF nomenclature from a CSV with columns code,level,label,parent_code "
        "(same format as crm/reference_data/naf_rev2.csv)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--naf-version", default="2025", help="nomenclature version (rev2 or 2025)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, save nothing")

    def handle(self, *args, **options):
        try:
            version = naf.check_version(options["naf_version"], field="naf_version")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        rows = read_rows(options["path"], ["code", "level", "label", "parent_code"])
        report = services.naf_nomenclature_load(
            version=version, rows=rows, dry_run=options["dry_run"]
        )
        print_report(self, report)
