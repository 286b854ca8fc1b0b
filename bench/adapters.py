"""B8's adapter to the back office's organisation import service
(``backoffice.services.organisations_import``) and its bulk_create baseline."""

from __future__ import annotations

import csv
import io

from backoffice.resources import ORGANISATION_COLUMNS

# The officer of the demo's Ouest union imports, as in the back office: rows are in 35.
IMPORTER = "officer.ouest"


def _rows(count: int, offset: int) -> list[dict]:
    from crm.identifiers import luhn_check_digit

    rows = []
    for serial in range(offset, offset + count):
        partial = f"9{serial:07d}"
        rows.append(
            {
                "name": f"Import banc {serial} (démo)",
                "siren": partial + luhn_check_digit(partial),
                "siret": "",
                "naf_code": "62.01Z",
                "legal_form": "sarl",
                "employees": 5,
                "postal_code": "35000",
                "city": "Rennes",
            }
        )
    return rows


_offset = [0]


def _next_rows(count: int) -> list[dict]:
    _offset[0] += count
    return _rows(count, _offset[0])


def import_organisations_csv(count: int) -> None:
    """Import ``count`` new organisations from a CSV file through the service, as the
    officer would from the import page; a refused row is a broken benchmark, not a figure."""
    from backoffice.services import organisations_import
    from crm.models import User

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ORGANISATION_COLUMNS)
    writer.writeheader()
    writer.writerows(_next_rows(count))
    outcome = organisations_import(
        file=buffer.getvalue().encode(),
        format="csv",
        by=User.objects.get(username=IMPORTER),
        dry_run=False,
    )
    if not outcome.ok or outcome.created_rows != count:
        raise RuntimeError(f"B8: the import refused rows: {outcome.errors[:3]}")


def bulk_create_organisations(count: int) -> None:
    from crm.models import Departement, Organisation

    departement = Departement.objects.get(code="35")
    Organisation.objects.bulk_create(
        Organisation(departement=departement, **row) for row in _next_rows(count)
    )
