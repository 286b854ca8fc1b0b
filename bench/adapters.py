"""B8's adapter to the back office's organisation import service.

The import service is being built on another branch; this module is the one place that knows
its name. While it is missing, ``organisation_import_service()`` is None and B8 is reported
"not run" (never faked).
"""

from __future__ import annotations

import csv
import io
from importlib import import_module

# Where the service may live, by the names ARCHITECTURE.md's conventions give it.
CANDIDATES = (
    ("backoffice.services", "organisation_import"),
    ("backoffice.services", "organisations_import"),
    ("backoffice.imports", "organisation_import"),
    ("backoffice.imports", "organisations_import"),
)
COLUMNS = ["name", "siren", "naf_code", "postal_code", "employees", "legal_form"]


def organisation_import_service():
    for module_name, attribute in CANDIDATES:
        try:
            module = import_module(module_name)
        except ImportError:
            continue
        service = getattr(module, attribute, None)
        if callable(service):
            return service
    return None


def _rows(count: int, offset: int) -> list[dict]:
    from crm.identifiers import luhn_check_digit

    rows = []
    for serial in range(offset, offset + count):
        partial = f"9{serial:07d}"
        rows.append(
            {
                "name": f"Import banc {serial} (démo)",
                "siren": partial + luhn_check_digit(partial),
                "naf_code": "6201Z",
                "postal_code": "35000",
                "employees": 5,
                "legal_form": "sarl",
            }
        )
    return rows


_offset = [0]


def _next_rows(count: int) -> list[dict]:
    _offset[0] += count
    return _rows(count, _offset[0])


def import_organisations_csv(count: int) -> None:
    """Import ``count`` new organisations from a CSV file through the service, as an
    administrator would."""
    from crm.models import User

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(_next_rows(count))
    service = organisation_import_service()
    service(file=io.BytesIO(buffer.getvalue().encode()), by=User.objects.get(username="admin"))


def bulk_create_organisations(count: int) -> None:
    from crm.models import Departement, Organisation

    departement = Departement.objects.get(code="35")
    Organisation.objects.bulk_create(
        Organisation(departement=departement, **row) for row in _next_rows(count)
    )
