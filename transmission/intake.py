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
import functools
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import services as crm_services
from crm.actors import SYSTEM
from crm.constraints import field_check_violated
from crm.joined_rows import JoinedSelect, link
from crm.models import (
    Departement,
    LawfulBasis,
    OfficerProfile,
    Organisation,
    Partner,
    Person,
    RegionalUnion,
)
from crm.naf import naf_version_for, validate_naf_code
from crm.roles import Role
from crm.territories import (
    departement_by_code,
    departement_for,
    regional_union_for_departement,
)
from crm.transactions import optimistic, retrying_transaction
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
    "lead_match",
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
    # One hand-written statement (issue 14: this runs on every new lead, and compiling the
    # ORM's join and GROUP BY cost more than running it): the rule is a condition of the
    # query (no officer under the unassigned-queue rule), each officer's open cases are
    # counted on the partial index ``case_open_by_officer``, the profile comes with the
    # officer (case_create checks it).
    sql, joined = _assignee_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                *OPEN_STAGES,
                regional_union.pk,
                LeadAssignmentMode.UNASSIGNED_QUEUE,
                Role.OFFICER,
                regional_union.pk,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    officer, profile = joined.instances(row)
    link(officer, "officer_profile", profile)
    link(profile, "user", officer)
    return officer


@functools.cache
def _assignee_sql() -> tuple[str, JoinedSelect]:
    quote = connection.ops.quote_name
    user_model = get_user_model()
    joined = JoinedSelect(((user_model, "u"), (OfficerProfile, "p")))
    stages = ", ".join(["%s"] * len(OPEN_STAGES))
    sql = (
        f"SELECT {joined.columns()}, "
        f"(SELECT COUNT(*) FROM {quote(Case._meta.db_table)} c "
        f"WHERE c.assigned_officer_id = u.id AND c.stage IN ({stages})) AS open_cases "
        f"FROM {quote(user_model._meta.db_table)} u "
        f"JOIN {quote(OfficerProfile._meta.db_table)} p ON p.user_id = u.id "
        f"WHERE NOT EXISTS (SELECT 1 FROM {quote(LeadAssignmentRule._meta.db_table)} r "
        f"WHERE r.regional_union_id = %s AND r.mode = %s) "
        f"AND u.is_active AND p.role = %s AND p.regional_union_id = %s "
        f"ORDER BY open_cases, u.id LIMIT 1"
    )
    return sql, joined


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


def _duplicate_check(*, partner: Partner, data: dict) -> None:
    external_ref = data.get("external_ref") or ""
    # First run of the API's retried unit: the unique index on (partner, external_ref)
    # refuses a duplicate at the submission's INSERT, and the run that follows checks here.
    if external_ref and not optimistic():
        existing = LeadSubmission.objects.filter(partner=partner, external_ref=external_ref).first()
        if existing is not None:
            raise LeadDuplicate(existing)


def _submission_record(
    *, partner: Partner, data: dict, raw_body: str, case: Case, matched: bool
) -> LeadSubmission:
    # Written last, once the case is known: one INSERT. A concurrent lead with the same
    # external_ref that committed first makes it a unique violation: the transaction runs
    # again (crm.transactions) and _duplicate_check answers LeadDuplicate.
    now = timezone.now()
    submission = LeadSubmission(
        partner=partner,
        external_ref=data.get("external_ref") or "",
        kind=data["kind"],
        raw_body=raw_body,
        payload=data,
        case=case,
        matched_existing_case=matched,
        created_at=now,
        updated_at=now,
    )
    submission.save(force_insert=True)
    return submission


def _open_case_of(organisation: Organisation) -> Case | None:
    return (
        Case.objects.select_related("assigned_officer__officer_profile")
        .filter(organisation=organisation, stage__in=OPEN_STAGES)
        .order_by("created_at", "pk")
        .first()
    )


def lead_match(siren: str | None) -> tuple[Organisation | None, Case | None]:
    """The organisation a lead's SIREN names and its open case (the oldest), or Nones.

    A SIREN no organisation has may be a newco's, not yet registered, known by the SIREN its
    case records (``cooperative_siren``): the lead then joins the oldest such open case, and
    the organisation is the company that case takes over (the one the lead is about).

    One statement finds either, and locks the organisation's row: every lead for one company
    takes this lock first (then the case reference counter, per UR), so concurrent leads
    queue here in one order instead of deadlocking. The case is read with it (no second
    lock: a case's own writers lock the case, a lead only adds rows pointing to it).
    """
    if not siren:
        return None, None
    # Hand-written (issue 14: compiling the ORM's three subqueries cost more than running
    # them). The newco's target is found by an uncorrelated subquery (evaluated once), so
    # that "siren = … OR id = …" stays two index look-ups instead of a subquery per
    # organisation; the organisation with this SIREN wins over a newco's target (at most one
    # of each), and the target's oldest case of this newco is the oldest of all.
    stages = [*OPEN_STAGES]
    organisation = next(
        iter(
            Organisation.objects.raw(
                _match_sql(), [*stages, *stages, siren, siren, *stages, siren, siren]
            )
        ),
        None,
    )
    if organisation is None:
        return None, None
    case_id = organisation.open_case_id
    if organisation.siren != siren:
        case_id = organisation.newco_case_id
        if case_id is None:  # defensive: the row is re-checked after a lock wait
            return None, None
    elif case_id is None:
        # The statement's snapshot predates the lock: a lead that held it may have opened a
        # case meanwhile. Look again, now that this lead holds the lock.
        case = _open_case_of(organisation)
        if case is not None:
            case.organisation = organisation
        return organisation, case
    case = Case.objects.select_related("assigned_officer__officer_profile").get(pk=case_id)
    case.organisation = organisation
    return organisation, case


@functools.cache
def _match_sql() -> str:
    quote = connection.ops.quote_name
    organisations = quote(Organisation._meta.db_table)
    cases = quote(Case._meta.db_table)
    select = ", ".join(f"o.{quote(f.column)}" for f in Organisation._meta.concrete_fields)
    stages = ", ".join(["%s"] * len(OPEN_STAGES))
    oldest = "ORDER BY c.created_at, c.id LIMIT 1"
    lock = " FOR UPDATE OF o" if connection.features.has_select_for_update_of else ""
    return (
        f"SELECT {select}, "
        f"(SELECT c.id FROM {cases} c WHERE c.organisation_id = o.id "
        f"AND c.stage IN ({stages}) {oldest}) AS open_case_id, "
        f"(SELECT c.id FROM {cases} c WHERE c.organisation_id = o.id "
        f"AND c.stage IN ({stages}) AND c.cooperative_siren = %s {oldest}) AS newco_case_id "
        f"FROM {organisations} o WHERE o.siren = %s OR o.id = "
        f"(SELECT c.organisation_id FROM {cases} c WHERE c.stage IN ({stages}) "
        f"AND c.cooperative_siren = %s {oldest}) "
        f"ORDER BY CASE WHEN o.siren = %s THEN 0 ELSE 1 END, o.id LIMIT 1{lock}"
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


def _organisation_create(company: dict[str, Any], place: LeadPlace) -> Organisation:
    # No savepoint: a concurrent lead inserting the same SIREN first makes this a unique
    # violation, and the whole intake runs again (crm.transactions), finding that company.
    try:
        return crm_services.organisation_create(
            departement=place.departement,
            resolved=True,
            name=company["name"],
            siren=company.get("siren") or None,
            naf_code=company.get("naf_code") or "",
            naf_version=company.get("naf_version") or naf_version_for(timezone.localdate()),
            postal_code=company["postal_code"],
            city=company.get("city") or "",
            employees=company.get("employees"),
        )
    except ValidationError as error:
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


def _contact_of(
    *, organisation: Organisation, partner: Partner, data: dict, new_organisation: bool = False
) -> Person:
    """The lead's contact: the person already known in the organisation, or a new one
    (an organisation this lead just created has nobody yet: nothing to look up)."""
    contact = data["contact"]
    known = None
    if not new_organisation:
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
        resolved=True,
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


def lead_submit(*, partner: Partner, data: dict[str, Any], raw_body: str) -> LeadSubmission:
    """Store a partner's lead and attach it to a case (an open one of the same SIREN, or new).

    ``data`` is the parsed body (``kind``, ``company``, ``contact``, ``summary``,
    ``external_ref``...). Raises ``LeadInvalid`` when the lead breaks a rule (also one only
    the database checks: a ``FieldCheckConstraint`` of a row the lead writes, named by the
    lead's field; inside a caller's transaction, that transaction is then aborted and must
    roll back), ``LeadDuplicate`` when the partner already used the ``external_ref`` and
    ``LeadRefused`` when no regional union can take the lead; then nothing is written.

    One transaction without savepoints. Called outside a transaction, it is retried when a
    concurrent lead wins a race (crm.transactions); inside one (the API's, which also holds
    the idempotency claim and the request log), the caller retries the whole unit.
    """
    try:
        if transaction.get_connection().in_atomic_block:
            return _lead_submit(partner=partner, data=data, raw_body=raw_body)
        return retrying_transaction(
            lambda: _lead_submit(partner=partner, data=data, raw_body=raw_body)
        )
    except IntegrityError as error:
        # Check constraints are left to the database (crm.validation): one reported under a
        # field is the lead's mistake, named like the rules above. The exception still ends
        # the transaction (rolled back: nothing is written).
        refusal = _check_refusal(error)
        if refusal is None:
            raise
        raise refusal from error


# Where a field of the rows a lead writes comes from in the lead (LeadInvalid's paths).
_LEAD_PATHS = {
    Organisation: lambda field: f"company.{field}",
    Person: lambda field: f"contact.{field}",
    Case: {"jobs_at_stake": "company.employees", "kind": "kind"}.get,
    LeadSubmission: {"kind": "kind", "external_ref": "external_ref"}.get,
}


def _check_refusal(error: IntegrityError) -> LeadInvalid | None:
    violated = field_check_violated(error)
    if violated is None:
        return None
    model, constraint = violated
    path = _LEAD_PATHS[model](constraint.field) if model in _LEAD_PATHS else None
    if path is None:
        return None
    return LeadInvalid({path: [str(constraint.get_violation_error_message())]})


def _lead_submit(*, partner: Partner, data: dict[str, Any], raw_body: str) -> LeadSubmission:
    # Every refusal that needs no lock comes before the first write (reference data is
    # cached: these cost no statement but the external_ref check).
    lead_rules_check(data)
    company = data["company"]
    departement = _departement_of(company)
    _duplicate_check(partner=partner, data=data)

    organisation, case = lead_match(company.get("siren"))
    matched = case is not None
    if case is not None:
        contact = _contact_of(organisation=organisation, partner=partner, data=data)
        _officer_task(case=case, partner=partner, data=data, contact=contact)
    else:
        # A known company's case goes where the company is, whatever the lead says.
        place = _lead_place(
            departement_by_code(organisation.departement_id) if organisation else departement
        )
        new_organisation = organisation is None
        if new_organisation:
            organisation = _organisation_create(company, place)
        case = _case_open(organisation=organisation, place=place, partner=partner, data=data)
        _contact_of(
            organisation=organisation,
            partner=partner,
            data=data,
            new_organisation=new_organisation,
        )
    return _submission_record(
        partner=partner, data=data, raw_body=raw_body, case=case, matched=matched
    )
