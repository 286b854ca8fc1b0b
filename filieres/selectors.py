"""Reads in filieres: classification of organisations (and of anything that has one) and
regional priorities on a date.

Classification is a join between ``(naf_version, naf_code)`` of an organisation and the
materialised ``FiliereNafCode`` table: no Python loop over prefixes, and a constant number
of queries whatever the number of organisations. Helpers take an ``organisation_path`` so
that higher apps classify their own rows through their organisation (e.g. transmission's
cases: ``organisation_path="organisation"``).

Priority rule. A filière is a priority "of a UR" on date D when a designation in force on D
(``start <= D < end``) names it for that UR, or for a région. For a case (an organisation
and the UR that handles it), the région is the one of the organisation's département: a
Bretagne designation makes the filière a priority for Bretagne's cases of UR Ouest, not for
its Normandie cases. Without an organisation (``is_priority``), the régions are those whose
départements the UR covers on D.
"""

import datetime
from collections import defaultdict

from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from crm.models import Departement, Organisation
from crm.periods import in_force_on
from crm.territories import region_codes_of
from filieres.models import Filiere, FiliereNafCode, RegionalPriority


def _path(organisation_path: str) -> str:
    return f"{organisation_path}__" if organisation_path else ""


def _as_filiere_id(filiere: Filiere | int | str) -> int | Subquery:
    if isinstance(filiere, Filiere):
        return filiere.pk
    if isinstance(filiere, int):
        return filiere
    return Filiere.objects.filter(slug=filiere).values("pk")[:1]


# ---------------------------------------------------------------------------- classification


def filieres_of_organisation(organisation: Organisation) -> QuerySet[Filiere]:
    """The filières an organisation belongs to (several, or none), through its NAF code."""
    return Filiere.objects.filter(
        naf_codes__naf_version=organisation.naf_version,
        naf_codes__naf_code=organisation.naf_code,
    ).order_by("name")


def filieres_of(obj) -> QuerySet[Filiere]:
    """The filières of anything with an ``organisation`` (a case) or of an organisation."""
    organisation = obj if isinstance(obj, Organisation) else obj.organisation
    return filieres_of_organisation(organisation)


def in_filiere(filiere: Filiere | int | str, *, organisation_path: str = "") -> Exists:
    """A filter expression: the row's organisation belongs to ``filiere`` (object, id or slug).

    ``Organisation.objects.filter(in_filiere("numerique"))`` or, from transmission,
    ``Case.objects.filter(in_filiere(f, organisation_path="organisation"))``.
    """
    p = _path(organisation_path)
    return Exists(
        FiliereNafCode.objects.filter(
            filiere_id=_as_filiere_id(filiere),
            naf_version=OuterRef(f"{p}naf_version"),
            naf_code=OuterRef(f"{p}naf_code"),
        )
    )


def in_any_filiere(*, organisation_path: str = "") -> Exists:
    """A filter expression: the row's organisation belongs to at least one filière."""
    p = _path(organisation_path)
    return Exists(
        FiliereNafCode.objects.filter(
            naf_version=OuterRef(f"{p}naf_version"), naf_code=OuterRef(f"{p}naf_code")
        )
    )


def organisations_in_filiere(
    filiere: Filiere | int | str, queryset: QuerySet[Organisation] | None = None
) -> QuerySet[Organisation]:
    queryset = Organisation.objects.all() if queryset is None else queryset
    return queryset.filter(in_filiere(filiere))


def filiere_ids_by_row(queryset: QuerySet, *, organisation_path: str = "") -> dict[int, set[int]]:
    """``{row pk: {filière id, ...}}`` for every row of ``queryset`` — two queries in all.

    Rows without a filière are absent. Works on organisations or on any model reaching one
    through ``organisation_path``.
    """
    p = _path(organisation_path)
    keys = list(queryset.values_list("pk", f"{p}naf_version", f"{p}naf_code"))
    codes = {(version, code) for _, version, code in keys if code}
    by_code: dict[tuple[str, str], set[int]] = defaultdict(set)
    if codes:
        matching = FiliereNafCode.objects.filter(
            Exists(
                queryset.filter(
                    **{
                        f"{p}naf_version": OuterRef("naf_version"),
                        f"{p}naf_code": OuterRef("naf_code"),
                    }
                )
            )
        ).values_list("naf_version", "naf_code", "filiere_id")
        for version, code, filiere_id in matching:
            by_code[(version, code)].add(filiere_id)
    return {pk: by_code[(v, c)] for pk, v, c in keys if (v, c) in by_code}


def classify(queryset: QuerySet, *, organisation_path: str = "") -> dict[int, list[Filiere]]:
    """``{row pk: [Filiere, ...]}`` (sorted by name) in three queries, whatever the size."""
    ids = filiere_ids_by_row(queryset, organisation_path=organisation_path)
    filieres = Filiere.objects.in_bulk({i for group in ids.values() for i in group})
    return {
        pk: sorted((filieres[i] for i in group), key=lambda f: f.name) for pk, group in ids.items()
    }


def count_by_filiere(queryset: QuerySet, *, organisation_path: str = "") -> QuerySet[Filiere]:
    """Every filière annotated with ``row_count``: rows of ``queryset`` in it (one query).

    A row in two filières counts in both; the counts do not add up to the total.
    """
    p = _path(organisation_path)
    rows = (
        queryset.order_by()
        .filter(
            Exists(
                FiliereNafCode.objects.filter(
                    filiere_id=OuterRef(OuterRef("pk")),
                    naf_version=OuterRef(f"{p}naf_version"),
                    naf_code=OuterRef(f"{p}naf_code"),
                )
            )
        )
        # COUNT as a plain function, not an aggregate: no GROUP BY, one scalar per filière.
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    return Filiere.objects.annotate(row_count=Coalesce(Subquery(rows[:1]), 0)).order_by("name")


# ---------------------------------------------------------------------------- priorities


def in_force(on: datetime.date, prefix: str = "") -> Q:
    """Filter on designations in force on ``on``: start inclusive, end exclusive."""
    return in_force_on(on, start="start", end="end", prefix=prefix)


def priorities_on(on: datetime.date) -> QuerySet[RegionalPriority]:
    return RegionalPriority.objects.filter(in_force(on)).select_related(
        "filiere", "regional_union", "region"
    )


def priority_designations(
    on: datetime.date, *, regional_union, region=None, regions=None
) -> QuerySet[RegionalPriority]:
    """The one rule of a priority: the designations in force on ``on`` made by the UR
    itself or by the région concerned.

    ``regional_union``: an id or an expression (``OuterRef``); the région as one value or
    expression (``region``) or as several (``regions``: a list or a subquery).
    """
    by_region = Q(region_id=region) if regions is None else Q(region_id__in=regions)
    return RegionalPriority.objects.filter(in_force(on)).filter(
        Q(regional_union_id=regional_union) | by_region
    )


def priority_filieres(
    regional_union_id: int, on: datetime.date, *, region_code: str | None = None
) -> QuerySet[Filiere]:
    """Filières that are a priority of a UR on a date.

    With ``region_code`` (the région of a case's département), région designations count
    for that région only; without it, for every région the UR covers on ``on``.
    """
    if region_code:
        designations = priority_designations(
            on, regional_union=regional_union_id, region=region_code
        )
    else:
        designations = priority_designations(
            on, regional_union=regional_union_id, regions=region_codes_of(regional_union_id, on)
        )
    return Filiere.objects.filter(pk__in=designations.values("filiere_id")).order_by("name")


def is_priority(filiere: Filiere | int | str, regional_union_id: int, on: datetime.date) -> bool:
    """Whether ``filiere`` is a priority of the UR on ``on`` (its own or its régions')."""
    filiere_id = _as_filiere_id(filiere)
    return priority_filieres(regional_union_id, on).filter(pk=filiere_id).exists()


def organisation_in_priority_filiere(
    organisation: Organisation, regional_union_id: int | None, on: datetime.date
) -> bool:
    """Whether the organisation belongs to a filière that is a priority, on ``on``, of the UR
    handling it or of the région of its département (one query)."""
    if regional_union_id is None:
        return False
    region_code = Departement.objects.filter(code=organisation.departement_id).values("region_id")[
        :1
    ]
    return (
        filieres_of_organisation(organisation)
        .filter(
            pk__in=priority_designations(
                on, regional_union=regional_union_id, region=Subquery(region_code)
            ).values("filiere_id")
        )
        .exists()
    )


def case_in_priority_filiere(case, on: datetime.date) -> bool:
    """For any object with ``organisation`` and ``regional_union_id`` (transmission's Case)."""
    return organisation_in_priority_filiere(case.organisation, case.regional_union_id, on)


def in_priority_filiere(
    on: datetime.date,
    *,
    organisation_path: str = "organisation",
    regional_union_path: str = "regional_union",
) -> Exists:
    """A filter expression for querysets: the row's organisation is in a filière that is a
    priority on ``on`` of the row's UR or of the région of the organisation's département.

    ``Case.objects.filter(in_priority_filiere(day))``; same rule as
    ``organisation_in_priority_filiere``.
    """
    p = _path(organisation_path)
    return Exists(
        FiliereNafCode.objects.filter(
            naf_version=OuterRef(f"{p}naf_version"),
            naf_code=OuterRef(f"{p}naf_code"),
            filiere__in=priority_designations(
                on,
                regional_union=OuterRef(OuterRef(regional_union_path)),
                region=OuterRef(OuterRef(f"{p}departement__region_id")),
            ).values("filiere_id"),
        )
    )
