"""Writes of the back office: compositions of the lower apps' services, nothing more."""

from django.db import transaction

from crm.models import Organisation
from crm.services import organisation_create
from transmission.models import Case
from transmission.services import case_create


@transaction.atomic
def case_open_by_hand(
    *,
    by,
    organisation: Organisation | None = None,
    organisation_fields: dict | None = None,
    **case_fields,
) -> Case:
    """A case opened after a phone call, for a known organisation or a new one.

    The new organisation and its case commit together: a refused case leaves no orphan.
    """
    if organisation is None:
        organisation = organisation_create(**(organisation_fields or {}))
    return case_create(organisation=organisation, by=by, **case_fields)
