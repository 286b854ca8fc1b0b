"""Factories for filieres tests (shared crm factories live in tests/factories.py)."""

import itertools

from crm.actors import SYSTEM
from crm.models import Organisation
from filieres import services
from tests.factories import valid_siren

_serial = itertools.count(80_000)


def filiere(slug: str, prefixes="", prefixes_2025="", name: str | None = None):
    return services.filiere_create(
        by=SYSTEM,
        name=name or f"Filière {slug}",
        slug=slug,
        prefixes=prefixes,
        prefixes_2025=prefixes_2025,
    )


def organisations(naf_codes, *, naf_version="rev2", postal_code="35000", departement="35"):
    """Bulk-created organisations (no per-row validation: the codes are known to be valid)."""
    rows = []
    for code in naf_codes:
        serial = next(_serial)
        rows.append(
            Organisation(
                name=f"Organisation {serial}",
                siren=valid_siren(serial),
                naf_code=code,
                naf_version=naf_version,
                postal_code=postal_code,
                departement_id=departement,
            )
        )
    return Organisation.objects.bulk_create(rows)
