"""Partner leads: ``lead_submit`` stores what a partner sent and attaches it to a case.

One transaction: the submission (with its exact body), then either the open case of the same
SIREN (a task for its officer) or a new organisation, contact and case in ``lead``, assigned
by the regional union's rule. The API validates the data first (``api.serializers.leads``);
this module trusts its shape but still refuses what only the database can tell.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import services as crm_services
from crm.models import LawfulBasis, Organisation, Partner, Person, RegionalUnion
from crm.roles import Role
from crm.territories import departement_for_postal_code, regional_union_for_departement
from transmission import services
from transmission.choices import OPEN_STAGES, ActivityKind, CaseSource
from transmission.models import (
    Activity,
    Case,
    LeadAssignmentMode,
    LeadAssignmentRule,
    LeadSubmission,
)

__all__ = [
    "LeadDuplicate",
    "LeadRefused",
    "add_working_days",
    "lead_assignee",
    "lead_submit",
]

# The officer of a matched case is asked to look at the new lead within this many days.
TASK_DUE_WORKING_DAYS = 2


class LeadDuplicate(Exception):
    """The partner already sent a lead with this ``external_ref`` (API: 409)."""

    def __init__(self, existing: LeadSubmission):
        self.existing = existing
        super().__init__(str(existing.pk))


class LeadRefused(Exception):
    """Well-formed but impossible to take in (API: 422); ``errors`` by field path."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for messages in errors.values() for m in messages))


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """``start`` plus ``days`` working days (Monday to Friday; public holidays not counted)."""
    current = start
    while days > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def lead_assignee(regional_union: RegionalUnion):
    """The officer a new lead goes to under the UR's rule, or None (the unassigned queue).

    Least loaded: the active officer of the UR with the fewest open cases, lowest id on a tie.
    """
    rule = LeadAssignmentRule.objects.filter(regional_union=regional_union).first()
    mode = rule.mode if rule else LeadAssignmentMode.LEAST_LOADED
    if mode == LeadAssignmentMode.UNASSIGNED_QUEUE:
        return None
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            officer_profile__role=Role.OFFICER,
            officer_profile__regional_union=regional_union,
        )
        .annotate(
            open_cases=Count("assigned_cases", filter=Q(assigned_cases__stage__in=OPEN_STAGES))
        )
        .order_by("open_cases", "pk")
        .first()
    )


def _open_case_of(organisation: Organisation) -> Case | None:
    return (
        Case.objects.select_for_update(of=("self",))
        .filter(organisation=organisation, stage__in=OPEN_STAGES)
        .order_by("created_at", "pk")
        .first()
    )


def _organisation_get_or_create(company: dict[str, Any]) -> tuple[Organisation, bool]:
    siren = company.get("siren") or None
    if siren:
        existing = Organisation.objects.filter(siren=siren).first()
        if existing is not None:
            return existing, False
    fields = {
        "name": company["name"],
        "siren": siren,
        "naf_code": company.get("naf_code") or "",
        "postal_code": company["postal_code"],
        "city": company.get("city") or "",
        "employees": company.get("employees"),
    }
    try:
        with transaction.atomic():
            return crm_services.organisation_create(**fields), True
    except IntegrityError:
        # Another lead created the same SIREN meanwhile (it has committed: the insert waited).
        existing = Organisation.objects.filter(siren=siren).first() if siren else None
        if existing is None:
            raise
        return existing, False
    except ValidationError as error:
        # The SIREN's uniqueness check may see another lead's organisation committed meanwhile.
        existing = Organisation.objects.filter(siren=siren).first() if siren else None
        if existing is not None:
            return existing, False
        raise LeadRefused(
            {f"company.{field}": messages for field, messages in error.message_dict.items()}
        ) from error


def _contact_create(*, organisation: Organisation, partner: Partner, contact: dict) -> Person:
    # The partner attests that the person agreed to be contacted: consent, dated today.
    person = Person(
        first_name=contact["first_name"],
        last_name=contact["last_name"],
        email=contact.get("email") or "",
        phone=contact.get("phone") or "",
        role=contact["role"],
        organisation=organisation,
        lawful_basis=LawfulBasis.CONSENT,
        consent_date=timezone.localdate(),
        source=(_("Lead from %(partner)s") % {"partner": partner.name})[:200],
    )
    person.full_clean()
    person.save()
    return person


def _officer_task(*, case: Case, partner: Partner, data: dict) -> Activity:
    contact = data["contact"]
    notes = "\n\n".join(
        [
            data["summary"],
            _("Contact: %(name)s (%(role)s) %(email)s %(phone)s")
            % {
                "name": f"{contact['first_name']} {contact['last_name']}",
                "role": contact["role"],
                "email": contact.get("email") or "",
                "phone": contact.get("phone") or "",
            },
        ]
    ).strip()
    activity = Activity(
        case=case,
        kind=ActivityKind.TASK,
        subject=(_("New lead from %(partner)s on this case") % {"partner": partner.name})[:200],
        notes=notes,
        due_on=add_working_days(timezone.localdate(), TASK_DUE_WORKING_DAYS),
        assignee=case.assigned_officer,
        created_by=None,  # the system, on the partner's behalf
    )
    activity.full_clean(exclude=["created_by"])
    activity.save()
    return activity


@transaction.atomic
def lead_submit(*, partner: Partner, data: dict[str, Any], raw_body: str) -> LeadSubmission:
    """Store a partner's lead and attach it to a case (an open one of the same SIREN, or new).

    ``data`` is the validated body (``kind``, ``company``, ``contact``, ``summary``,
    ``external_ref``...). Raises ``LeadDuplicate`` when the partner already used the
    ``external_ref`` and ``LeadRefused`` when no regional union can take the lead; then
    nothing is written.
    """
    external_ref = data.get("external_ref") or ""
    company = data["company"]
    now = timezone.now()
    if external_ref:
        existing = LeadSubmission.objects.filter(partner=partner, external_ref=external_ref).first()
        if existing is not None:
            raise LeadDuplicate(existing)
    submission = LeadSubmission(
        partner=partner,
        external_ref=external_ref,
        kind=data["kind"],
        raw_body=raw_body,
        payload=data,
        created_at=now,
        updated_at=now,
    )
    try:
        with transaction.atomic():
            submission.save(force_insert=True)
    except IntegrityError:
        # A concurrent submission with the same external_ref committed first.
        existing = LeadSubmission.objects.filter(partner=partner, external_ref=external_ref).first()
        if existing is None:
            raise
        raise LeadDuplicate(existing) from None

    case = None
    organisation = None
    if company.get("siren"):
        organisation = Organisation.objects.filter(siren=company["siren"]).first()
        if organisation is not None:
            case = _open_case_of(organisation)
    if case is None:
        departement = departement_for_postal_code(company["postal_code"])
        if regional_union_for_departement(departement.code) is None:
            raise LeadRefused(
                {"company.postal_code": [_("No regional union covers this département yet.")]}
            )
        if organisation is None:
            organisation, _created = _organisation_get_or_create(company)
    if case is None and organisation.siren:
        # Two leads for one company at the same moment: the second waits on this row lock
        # until the first commits, then finds its case and joins it instead of opening another.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).exists()
        case = _open_case_of(organisation)
    if case is not None:
        submission.matched_existing_case = True
        _officer_task(case=case, partner=partner, data=data)
    else:
        regional_union = regional_union_for_departement(organisation.departement_id)
        if regional_union is None:
            raise LeadRefused(
                {"company.postal_code": [_("No regional union covers this département yet.")]}
            )
        case = services.case_create(
            organisation=organisation,
            kind=data["kind"],
            by=None,
            assigned_officer=lead_assignee(regional_union),
            source=CaseSource.PARTNER,
            source_partner=partner,
            jobs_at_stake=company.get("employees"),
            comment=_("Lead from %(partner)s") % {"partner": partner.name},
        )
    _contact_create(organisation=case.organisation, partner=partner, contact=data["contact"])
    submission.case = case
    submission.save(update_fields=["case", "matched_existing_case"])
    return submission
