"""gdpr export --email ADDRESS | erase --email ADDRESS [--yes] | purge [--years N]

Run by the server's operators (as Relève itself: the GDPR log records no user). Each
operation is atomic and logged without the address; see crm/gdpr.py.
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from crm import gdpr
from crm.actors import SYSTEM


class Command(BaseCommand):
    help = "GDPR requests: export or erase what is held about a person, purge stale leads."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="print everything held, as JSON")
        export.add_argument("--email", required=True)
        erase = actions.add_parser("erase", help="anonymise the person everywhere")
        erase.add_argument("--email", required=True)
        erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        purge = actions.add_parser("purge", help="erase the people of stale declined leads")
        purge.add_argument("--years", type=int, default=gdpr.DEFAULT_PURGE_YEARS)

    def handle(self, *args, **options):
        try:
            if options["action"] == "export":
                data = gdpr.gdpr_export(email=options["email"], by=SYSTEM)
                self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, indent=2))
                return
            if options["action"] == "erase":
                if not options["yes"] and input(
                    f"Effacer toutes les données de {options['email']} ? [oui/non] "
                ).strip().lower() not in ("o", "oui", "y", "yes"):
                    raise CommandError("Rien n'a été effacé.")
                counts = gdpr.gdpr_erase(email=options["email"], by=SYSTEM)
            else:
                counts = gdpr.gdpr_purge(years=options["years"], by=SYSTEM)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")
