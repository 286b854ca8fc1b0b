"""GDPR: export, erase or purge what Relève holds about a person, in every app at once.

The person is found by e-mail address (``Person`` rows of any organisation). Each app that
keeps personal data elsewhere — a lead's raw body, an activity's notes, a history comment —
registers a ``PersonalDataSource`` here from its ``AppConfig.ready()`` (crm cannot import the
apps above it). The three operations run every source:

- export: everything held, as JSON-ready data;
- erase: the person's name, e-mail and phone replaced in every row that holds them (the
  rows themselves stay, so counts and aggregates do not move);
- purge: the personal data of declined and abandoned cases with no activity for a period
  (default three years), person by person, as an erasure.

Each operation is atomic and logged (``GdprOperation``), without the address itself.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import scoping
from crm.actors import is_system
from crm.models import GdprOperation, GdprOperationKind, Person
from crm.redaction import REDACTED, history_redaction, redact_text
from crm.roles import Role

# Personal data of leads that came to nothing are kept this long after the last activity.
DEFAULT_PURGE_YEARS = 3


@dataclass
class Subject:
    """The person an operation is about: their records and the strings that identify them."""

    email: str
    people: list[Person]
    terms: list[str] = field(default_factory=list)

    @property
    def person_ids(self) -> list[int]:
        return [person.pk for person in self.people]


class PersonalDataSource(Protocol):
    """What an app holds about people outside ``Person`` (see the module docstring)."""

    label: str

    def export(self, subject: Subject) -> list[dict[str, Any]]: ...

    def erase(self, subject: Subject) -> int: ...


# A source may also know which people have outlived their purpose (declined leads...).
PurgeCandidates = Callable[[datetime.date], QuerySet[Person]]

_sources: list[PersonalDataSource] = []
_purge_candidates: list[PurgeCandidates] = []


def register_source(source: PersonalDataSource) -> None:
    if all(existing.label != source.label for existing in _sources):
        _sources.append(source)


def register_purge_candidates(finder: PurgeCandidates) -> None:
    if finder not in _purge_candidates:
        _purge_candidates.append(finder)


def sources() -> list[PersonalDataSource]:
    return [PeopleSource(), *_sources]


class PeopleSource:
    """crm's own: the person records (anonymised in place, never deleted)."""

    label = "crm.person"

    def export(self, subject: Subject) -> list[dict[str, Any]]:
        return [
            {
                "id": person.pk,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
                "phone": person.phone,
                "role": person.role,
                "organisation": person.organisation.name if person.organisation else None,
                "lawful_basis": person.lawful_basis,
                "consent_date": person.consent_date,
                "source": person.source,
                "created_at": person.created_at,
            }
            for person in subject.people
        ]

    def erase(self, subject: Subject) -> int:
        for person in subject.people:
            person.first_name = REDACTED
            person.last_name = f"{REDACTED} #{person.pk}"
            person.email = ""
            person.phone = ""
            person.source = redact_text(person.source, subject.terms)
            person.save(update_fields=["first_name", "last_name", "email", "phone", "source"])
        return len(subject.people)


def _terms_of(email: str, people: list[Person]) -> list[str]:
    terms = {email}
    for person in people:
        terms.update(
            {
                person.email,
                person.phone,
                f"{person.first_name} {person.last_name}",
                f"{person.last_name} {person.first_name}",
            }
        )
        # A lone surname in free text ("rappeler M. Morel") is personal data too; a short
        # or common first name alone is not searched, it would redact unrelated words.
        if len(person.last_name) >= 3:
            terms.add(person.last_name)
    return sorted(term for term in terms if term and term.strip())


def subject_for(*, email: str) -> Subject:
    address = (email or "").strip()
    if "@" not in address:
        raise ValidationError({"email": _("Give the e-mail address of the person.")})
    people = list(
        Person.objects.filter(email__iexact=address).select_related("organisation").order_by("pk")
    )
    return Subject(email=address, people=people, terms=_terms_of(address, people))


def _subject_of_person(person: Person) -> Subject:
    return Subject(email=person.email, people=[person], terms=_terms_of(person.email, [person]))


def may_run_gdpr(user) -> bool:
    """Administrators (and the server's operators, as SYSTEM) handle GDPR requests."""
    if is_system(user):
        return True
    return bool(
        user is not None
        and user.is_active
        and (user.is_superuser or scoping.user_role(user) == Role.ADMINISTRATOR)
    )


def _check(by) -> None:
    if not may_run_gdpr(by):
        raise PermissionDenied(_("Only an administrator may handle GDPR requests."))


def subject_hash(email: str) -> str:
    key = (settings.SECRET_KEY or "").encode()
    return hmac.new(key, email.strip().casefold().encode(), hashlib.sha256).hexdigest()


def _log(kind: str, *, by, email: str = "", counts: dict) -> GdprOperation:
    return GdprOperation.objects.create(
        kind=kind,
        subject_hash=subject_hash(email) if email else "",
        by=None if is_system(by) else by,
        counts=counts,
    )


def gdpr_export(*, email: str, by) -> dict[str, Any]:
    """Everything Relève holds about the person with this address, by source."""
    _check(by)
    subject = subject_for(email=email)
    data = {source.label: source.export(subject) for source in sources()}
    _log(
        GdprOperationKind.EXPORT,
        by=by,
        email=email,
        counts={label: len(rows) for label, rows in data.items()},
    )
    return {"email": subject.email, "exported_at": timezone.now(), "data": data}


def _erase_subject(subject: Subject) -> dict[str, int]:
    counts = {}
    with history_redaction():
        for source in sources():
            counts[source.label] = source.erase(subject)
    return counts


@transaction.atomic
def gdpr_erase(*, email: str, by) -> dict[str, int]:
    """Anonymise the person everywhere (rows kept, values replaced); all or nothing."""
    _check(by)
    subject = subject_for(email=email)
    counts = _erase_subject(subject)
    _log(GdprOperationKind.ERASE, by=by, email=email, counts=counts)
    return counts


@transaction.atomic
def gdpr_purge(*, by, years: int = DEFAULT_PURGE_YEARS, today: datetime.date | None = None):
    """Erase the people whose only purpose was a lead that came to nothing, ``years`` after
    its last activity (see the apps' purge candidates). Returns counts by source."""
    _check(by)
    if years < 1:
        raise ValidationError({"years": _("The retention period is at least one year.")})
    today = today or timezone.localdate()
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - years, day=28)
    people: dict[int, Person] = {}
    for finder in _purge_candidates:
        for person in finder(cutoff).exclude(first_name=REDACTED):
            people[person.pk] = person
    totals: dict[str, int] = {"people": len(people)}
    for person in people.values():
        for label, count in _erase_subject(_subject_of_person(person)).items():
            totals[label] = totals.get(label, 0) + count
    _log(GdprOperationKind.PURGE, by=by, counts={**totals, "cutoff": cutoff.isoformat()})
    return totals
