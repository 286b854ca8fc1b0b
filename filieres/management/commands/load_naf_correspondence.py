"""Load INSEE's NAF rév. 2 → NAF 2025 correspondence table (format: docs/naf-correspondence.md)."""

from django.core.management.base import BaseCommand

from filieres import services
from filieres.management.commands._csv import print_report, read_rows


class Command(BaseCommand):
    help = (
        "Load the NAF rév. 2 → NAF 2025 correspondence from a CSV with columns "
        "naf_rev2,naf_2025 (all-or-nothing; see docs/naf-correspondence.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="check and count, save nothing")
        parser.add_argument(
            "--replace", action="store_true", help="also delete links absent from the file"
        )

    def handle(self, *args, **options):
        rows = read_rows(options["path"], ["naf_rev2", "naf_2025"])
        report = services.naf_correspondence_load(
            rows=rows, dry_run=options["dry_run"], replace=options["replace"]
        )
        print_report(self, report)
