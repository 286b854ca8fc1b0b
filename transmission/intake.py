"""Partner leads: ``lead_submit`` stores what a partner sent and attaches it to a case.

One transaction, a short sequence of named steps: check the lead's own rules, record the
submission (its exact body), find the company by SIREN, then either join its open case (a
task for its officer) or place the lead (département and regional union, resolved once),
create the organisation and open a case in ``lead``, assigned by the UR's rule; last, the
contact. The API parses the body first (``api.serializers.leads``: types and formats); every
rule about what a lead may be lives here, so any caller gets the same answers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import services as crm_services
from crm.actors import SYSTEM
from crm.models import Departement, LawfulBasis, Organisation, Partner, Person, RegionalUnion
from crm.naf import naf_version_for, validate_naf_code
from crm.roles import Role
from crm.territories import departement_for, regional_union_for_departement
from transmission import services
from transmission.choices import OPEN_STAGES, ActivityKind, CaseKind, CaseSource
from transmission.models import (
    Activity,
    Case,
    LeadAssignmentMode,
    LeadAssignmentRule,
    LeadSubmission,
)

__all__ = [
    "PARTNER_SEES_CASE",
    "PARTNER_SEES_NOT_CASE",
    "LeadDuplicate",
    "LeadInvalid",
    "LeadRefused",
    "add_working_days",
    "lead_assignee",
    "lead_partner_reference",
    "lead_submit",
    "partner_sees_case",
]

# The officer of a matched case is asked to look at the new lead within this many days.
TASK_DUE_WORKING_DAYS = 2


class LeadDuplicate(Exception):
    """The partner already sent a lead with this ``external_ref`` (API: 409)."""

    def __init__(self, existing: LeadSubmission):
        self.existing = existing
        super().__init__(str(existing.pk))


class _LeadErrors(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for messages in errors.values() for m in messages))


class LeadInvalid(_LeadErrors):
    """The lead breaks a rule of what a lead is (API: 400); ``errors`` by field path."""


class LeadRefused(_LeadErrors):
    """Well-formed but impossible to take in (API: 422); ``errors`` by field path."""


@dataclass(frozen=True)
class LeadPlace:
    """Where a new lead goes: resolved once from the company's postal code."""

    departement: Departement
    regional_union: RegionalUnion


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


# --- What the partner sees of the case its lead joined ------------------------------------------
# A partner sees only what it sent: the case a lead joined is the partner's to see only when
# that partner's own lead opened it. Joining another partner's (or an officer's) case answers
# as if the company were unknown: status ``received``, no match, the lead's own reference. The
# match stays recorded for officers (the lead is attached to the case, its officer has a task).

PARTNER_SEES_CASE = Q(case__source_partner=F("partner"))
PARTNER_SEES_NOT_CASE = ~PARTNER_SEES_CASE | Q(case__source_partner__isnull=True)


def partner_sees_case(lead: LeadSubmission) -> bool:
    return lead.case is not None and lead.case.source_partner_id == lead.partner_id


def lead_partner_reference(lead: LeadSubmission) -> str:
    """The reference a partner quotes for a lead whose case it may not see."""
    return f"LEAD-{lead.pk.hex[:10].upper()}"


# --- The steps of lead_submit, in order -------------------------------------------------------


def lead_rules_check(data: dict[str, Any]) -> None:
    """What a lead must be whoever sends it (raises ``LeadInvalid``)."""
    # A takeover or a conversion is about a company that exists: it has a SIREN. A creation
    # ex nihilo has none yet.
    if data["kind"] != CaseKind.CREATION and not data["company"].get("siren"):
        raise LeadInvalid({"company.siren": [_("The SIREN is required unless kind is creation.")]})
    company = data["company"]
    if company.get("naf_code"):
        # Judged in the lead's own nomenclature: a code of the other one is refused as such.
        version = company.get("naf_version") or naf_version_for(timezone.localdate())
        try:
            company["naf_code"] = validate_naf_code(company["naf_code"], version)
        except ValidationError as error:
            raise LeadInvalid(
                {f"company.{field}": messages for field, messages in error.message_dict.items()}
            ) from error


def _submission_record(*, partner: Partner, data: dict, raw_body: str) -> LeadSubmission:
    external_ref = data.get("external_ref") or ""
    if external_ref:
        existing = LeadSubmission.objects.filter(partner=partner, external_ref=external_ref).first()
        if existing is not None:
            raise LeadDuplicate(existing)
    now = timezone.now()
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
    return submission


def _open_case_of(organisation: Organisation | None) -> Case | None:
    if organisation is None:
        return None
    return (
        Case.objects.select_for_update(of=("self",))
        .filter(organisation=organisation, stage__in=OPEN_STAGES)
        .order_by("created_at", "pk")
        .first()
    )


def _open_case_of_new_cooperative(siren: str | None) -> Case | None:
    """The open case whose new cooperative (a newco, not yet registered) has this SIREN: a lead
    about the newco joins the case of the company it is taking over."""
    if not siren:
        return None
    return (
        Case.objects.select_for_update(of=("self",))
        .filter(cooperative_siren=siren, stage__in=OPEN_STAGES)
        .order_by("created_at", "pk")
        .first()
    )


def _departement_of(company: dict[str, Any]) -> Departement:
    """The company's département; a postal code serving two départements is resolved by the
    commune (``city``). Errors name ``company.postal_code`` or ``company.city``."""
    try:
        return departement_for(company["postal_code"], company.get("city") or "")
    except ValidationError as error:
        errors = getattr(error, "error_dict", None) or {"postal_code": error.error_list}
        raise LeadInvalid(
            {
                f"company.{field}": [message for item in items for message in item.messages]
                for field, items in errors.items()
            }
        ) from error


def _lead_place(departement: Departement) -> LeadPlace:
    regional_union = regional_union_for_departement(departement.code)
    if regional_union is None:
        raise LeadRefused(
            {"company.postal_code": [_("No regional union covers this département yet.")]}
        )
    return LeadPlace(departement=departement, regional_union=regional_union)


def _organisation_get_or_create(company: dict[str, Any], place: LeadPlace) -> Organisation:
    siren = company.get("siren") or None
    try:
        with transaction.atomic():
            return crm_services.organisation_create(
                departement=place.departement,
                name=company["name"],
                siren=siren,
                naf_code=company.get("naf_code") or "",
                naf_version=company.get("naf_version") or naf_version_for(timezone.localdate()),
                postal_code=company["postal_code"],
                city=company.get("city") or "",
                employees=company.get("employees"),
            )
    except IntegrityError:
        # Another lead created the same SIREN meanwhile (it has committed: the insert waited).
        existing = Organisation.objects.filter(siren=siren).first() if siren else None
        if existing is None:
            raise
        return existing
    except ValidationError as error:
        # The SIREN's uniqueness check may see another lead's organisation committed meanwhile.
        existing = Organisation.objects.filter(siren=siren).first() if siren else None
        if existing is not None:
            return existing
        raise LeadInvalid(
            {f"company.{field}": messages for field, messages in error.message_dict.items()}
        ) from error


def _case_open(*, organisation: Organisation, place: LeadPlace, partner: Partner, data) -> Case:
    return services.case_create(
        organisation=organisation,
        kind=data["kind"],
        by=None,
        assigned_officer=lead_assignee(place.regional_union),
        source=CaseSource.PARTNER,
        source_partner=partner,
        jobs_at_stake=data["company"].get("employees"),
        comment=_("Lead from %(partner)s") % {"partner": partner.name},
    )


def _contact_of(*, organisation: Organisation, partner: Partner, data: dict) -> Person:
    """The lead's contact: the person already known in the organisation, or a new one."""
    contact = data["contact"]
    known = crm_services.person_matching(
        organisation=organisation,
        first_name=contact["first_name"],
        last_name=contact["last_name"],
        email=contact.get("email") or "",
    )
    if known is not None:
        return known
    # The partner attests that the person agreed to be contacted: consent, dated today.
    return crm_services.person_create(
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


def _officer_task(*, case: Case, partner: Partner, data: dict, contact: Person) -> Activity:
    # The contact's details stay on the person record; the task only names them.
    notes = "\n\n".join(
        [
            data["summary"],
            _("Contact: %(name)s (%(role)s)")
            % {"name": str(contact), "role": contact.get_role_display()},
        ]
    ).strip()
    return services.activity_create(
        case=case,
        by=SYSTEM,
        kind=ActivityKind.TASK,
        subject=(_("New lead from %(partner)s on this case") % {"partner": partner.name})[:200],
        notes=notes,
        due_on=add_working_days(timezone.localdate(), TASK_DUE_WORKING_DAYS),
        assignee=case.assigned_officer,
    )


@transaction.atomic
def lead_submit(*, partner: Partner, data: dict[str, Any], raw_body: str) -> LeadSubmission:
    """Store a partner's lead and attach it to a case (an open one of the same SIREN, or new).

    ``data`` is the parsed body (``kind``, ``company``, ``contact``, ``summary``,
    ``external_ref``...). Raises ``LeadInvalid`` when the lead breaks a rule,
    ``LeadDuplicate`` when the partner already used the ``external_ref`` and ``LeadRefused``
    when no regional union can take the lead; then nothing is written.
    """
    lead_rules_check(data)
    company = data["company"]
    departement = _departement_of(company)
    submission = _submission_record(partner=partner, data=data, raw_body=raw_body)

    siren = company.get("siren")
    organisation = Organisation.objects.filter(siren=siren).first() if siren else None
    case = _open_case_of(organisation) or _open_case_of_new_cooperative(siren)
    if case is None:
        # A known company's case goes where the company is, whatever the lead says.
        place = _lead_place(organisation.departement if organisation else departement)
        organisation = organisation or _organisation_get_or_create(company, place)
        if organisation.siren:
            # Two leads for one company at the same moment: the second waits on this row lock
            # until the first commits, then finds its case and joins it instead of opening
            # another.
            Organisation.objects.select_for_update().filter(pk=organisation.pk).exists()
            case = _open_case_of(organisation)
    if case is not None:
        submission.matched_existing_case = True
        contact = _contact_of(organisation=case.organisation, partner=partner, data=data)
        _officer_task(case=case, partner=partner, data=data, contact=contact)
    else:
        case = _case_open(organisation=organisation, place=place, partner=partner, data=data)
        _contact_of(organisation=organisation, partner=partner, data=data)
    submission.case = case
    submission.save(update_fields=["case", "matched_existing_case"])
    return submission
