"""The lists of cases, organisations and people: search, filters, sorting, export rows.

Search is accent-insensitive (``backoffice.search_text``). Sorting accepts only the keys
below (``-key`` for descending): a user-typed ``?tri=`` never reaches ``order_by`` raw.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat, Lower

from backoffice.search_text import Folded, fold, folded_search
from crm.models import Organisation, Person
from crm.scoping import scope_queryset
from transmission.choices import CLOSED_STAGES, OPEN_STAGES
from transmission.models import Case, CaseTag
from transmission.selectors import case_list

CASE_SORTS = {
    "reference": "reference",
    "organisation": "organisation__name",
    "stage": "stage",
    "officer": "assigned_officer__last_name",
    "next_action": "next_action_on",
    "jobs": "jobs_at_stake",
    "created": "created_at",
}
ORGANISATION_SORTS = {"name": "name", "siren": "siren", "city": "city", "cases": "case_count"}
PERSON_SORTS = {"name": "last_name", "organisation": "organisation__name", "email": "email"}

PERSON_SEARCH_FIELDS = ("first_name", "last_name", "email", "phone", "organisation__name")


def sorted_by(queryset: QuerySet, sort: str, allowed: dict[str, str], default: str) -> QuerySet:
    key = sort.removeprefix("-")
    if key not in allowed:
        return queryset.order_by(allowed[default], "pk")
    field = allowed[key]
    return queryset.order_by(f"-{field}" if sort.startswith("-") else field, "pk")


def _matching(queryset: QuerySet, term: str, fields: tuple[str, ...]) -> QuerySet:
    if not fold(term).strip():
        return queryset
    annotations, condition = folded_search(term, *fields)
    return queryset.alias(**annotations).filter(condition)


def people_search(*, user, term: str) -> QuerySet[Person]:
    people = scope_queryset(Person.objects.select_related("organisation"), user)
    annotations, condition = folded_search(term, "full_name", *PERSON_SEARCH_FIELDS)
    return (
        people.alias(full_name=Concat("first_name", Value(" "), "last_name"))
        .alias(**annotations)
        .filter(condition)
    )


def case_rows(
    *,
    user,
    term: str = "",
    stage: str = "",
    kind: str = "",
    officer_id: int | None = None,
    open_only: bool = False,
    sort: str = "",
    tag: str = "",
) -> QuerySet[Case]:
    """Cases matching a search (reference, organisation, SIREN, town, officer, contact person
    or e-mail) and filters."""
    cases = case_list(user=user).select_related("source_partner")
    if stage:
        cases = cases.filter(stage=stage)
    elif open_only:
        cases = cases.filter(stage__in=OPEN_STAGES)
    if kind:
        cases = cases.filter(kind=kind)
    if officer_id:
        cases = cases.filter(assigned_officer_id=officer_id)
    if tag:
        # A semi-join, never a join: a case shows once whatever its other tags.
        cases = cases.filter(Exists(CaseTag.objects.filter(case=OuterRef("pk"), tag=tag)))
    if fold(term).strip():
        annotations, condition = folded_search(
            term,
            "reference",
            "organisation__name",
            "organisation__siren",
            "organisation__city",
            "assigned_officer__first_name",
            "assigned_officer__last_name",
            "assigned_officer__display_name",
        )
        people = people_search(user=user, term=term).filter(
            organisation_id=OuterRef("organisation_id")
        )
        cases = cases.alias(**annotations).filter(condition | Q(Exists(people)))
    return sorted_by(cases, sort, CASE_SORTS, "created")


def organisation_rows(*, user, term: str = "", departement: str = "", sort: str = ""):
    organisations = scope_queryset(Organisation.objects.all(), user).annotate(
        case_count=Count("cases", filter=~Q(cases__stage__in=CLOSED_STAGES))
    )
    if departement:
        organisations = organisations.filter(departement_id=departement)
    organisations = _matching(organisations, term, ("name", "siren", "city", "postal_code"))
    return sorted_by(organisations, sort, ORGANISATION_SORTS, "name")


def person_rows(*, user, term: str = "", role: str = "", sort: str = "") -> QuerySet[Person]:
    people = (
        people_search(user=user, term=term)
        if fold(term).strip()
        else scope_queryset(Person.objects.select_related("organisation"), user)
    )
    if role:
        people = people.filter(role=role)
    return sorted_by(people, sort, PERSON_SORTS, "name")


def organisation_get(*, user, pk: int) -> Organisation:
    return scope_queryset(Organisation.objects.select_related("departement"), user).get(pk=pk)


def organisation_cases(*, user, organisation: Organisation) -> QuerySet[Case]:
    return case_list(user=user).filter(organisation=organisation).order_by("-created_at")


def organisation_people(*, user, organisation: Organisation) -> QuerySet[Person]:
    return scope_queryset(Person.objects.filter(organisation=organisation), user)


def organisation_by_siren(*, user, siren: str) -> Organisation | None:
    return scope_queryset(Organisation.objects.all(), user).filter(siren=siren).first()


def open_cases_of(*, user, organisation: Organisation) -> QuerySet[Case]:
    return organisation_cases(user=user, organisation=organisation).filter(stage__in=OPEN_STAGES)


def global_search(*, user, term: str, limit: int = 8) -> dict[str, list]:
    """Cases, organisations and people of the user's territory matching ``term``."""
    if len(fold(term).strip()) < 2:
        return {"cases": [], "organisations": [], "people": []}
    return {
        "cases": list(case_rows(user=user, term=term)[:limit]),
        "organisations": list(organisation_rows(user=user, term=term)[:limit]),
        "people": list(person_rows(user=user, term=term)[:limit]),
    }


def duplicate_people(*, user, limit: int = 50) -> list[list[Person]]:
    """Groups of people of the territory sharing an e-mail (any case), or a name (accents and
    case aside) in one organisation. The groups are found in SQL (two grouped queries), then
    their members fetched (one or two queries): constant whatever the number of people."""
    people = scope_queryset(Person.objects.select_related("organisation"), user)
    emails = list(
        people.exclude(email="")
        .annotate(key=Lower("email"))
        .values("key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("key")
        .values_list("key", flat=True)[:limit]
    )
    names = list(
        people.filter(organisation__isnull=False)
        .annotate(first=Folded("first_name"), last=Folded("last_name"))
        .values("organisation_id", "first", "last")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("last", "first")
        .values_list("organisation_id", "first", "last")[:limit]
    )
    groups: dict[tuple, list[Person]] = {}
    if emails:
        for person in people.annotate(key=Lower("email")).filter(key__in=emails).order_by("pk"):
            groups.setdefault(("email", person.key), []).append(person)
    if names:
        same_name = Q()
        for organisation_id, first, last in names:
            same_name |= Q(organisation_id=organisation_id, first=first, last=last)
        rows = people.annotate(first=Folded("first_name"), last=Folded("last_name"))
        for person in rows.filter(same_name).order_by("pk"):
            key = ("name", person.organisation_id, person.first, person.last)
            groups.setdefault(key, []).append(person)
    unique = {tuple(p.pk for p in group): group for group in groups.values()}
    return list(unique.values())[:limit]
