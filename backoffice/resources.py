"""Import of organisations, people and annual reviews from CSV/XLSX (django-import-export
resources).

The resources only read columns: every row is written through ``crm.services``
(``organisation_create`` / ``person_create``), whose validation (SIREN, SIRET, NAF code, postal
code and city, choices, uniqueness) is the one rule; its errors come back keyed by field and are
shown per row under the column of the same name. What is proper to an import is checked here:
duplicates inside the file, duplicates of people already recorded (``crm.services.person_matching``)
and the territory of a regional user. Rows are always created, never updated.

Annual reviews are read by followup's own resource (each row through
``followup.services.annual_review_record``, which creates or replaces that year's review);
``AnnualReviewImportResource`` only adds what the import screens need.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from import_export import resources

from crm import identifiers
from crm.models import Organisation, Person
from crm.scoping import scope_queryset
from crm.services import organisation_create, person_create, person_matching
from followup.resources import AnnualReviewResource
from followup.services import REVIEW_FIELDS

ORGANISATION_COLUMNS = [
    "name",
    "siren",
    "siret",
    "naf_code",
    "legal_form",
    "employees",
    "postal_code",
    "city",
]
PERSON_COLUMNS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "role",
    "organisation_siren",
    "lawful_basis",
    "source",
    "consent_date",
]


def _text(row, column: str) -> str:
    value = row.get(column)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number cell of a spreadsheet (SIREN, employees)
    return str(value).strip()


def _code(row, column: str, width: int) -> str:
    """An identifier: a spreadsheet number cell lost its leading zeros (SIREN 012…, 01590)."""
    value = row.get(column)
    text = _text(row, column)
    if isinstance(value, (int, float)) and text.isdigit():
        return text.zfill(width)
    return text


def _date(row, column: str):
    """A date cell: a spreadsheet date, dd/mm/yyyy (as French users type it) or ISO."""
    value = row.get(column)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(row, column)
    if not text:
        return None
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return text  # ISO, or refused by the model's validation naming the column


def _already_recorded() -> str:
    return _("An organisation with this SIREN is already recorded.")


class _ScreenResource:
    """What the import screens need of a resource: its columns (all of them in the template,
    ``required_columns`` in every file), the line numbers and the progress."""

    columns: list[str] = []
    required_columns: list[str] | None = None  # None: all the columns
    attribute_columns: dict[str, str] = {}  # an error on this attribute → under this column

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_row = None  # called with the number of rows read so far
        self.line_offset = 1  # line of the file = row number + this (line 1: the headers)

    def after_import_row(self, row, row_result, **kwargs):
        if self.on_row is not None:
            self.on_row(kwargs.get("row_number") or 0)


class _CreateOnlyResource(_ScreenResource, resources.ModelResource):
    """Every row creates one object through a service; ``by`` is who imports."""

    def __init__(self, *, by, **kwargs):
        super().__init__(**kwargs)
        self.by = by
        self.seen: dict[str, int] = {}  # in-file duplicate key → first line number

    def get_instance(self, instance_loader, row):
        return None  # never an update

    def import_instance(self, instance, row, **kwargs):
        missing = [column for column in self.columns if column not in row]
        if missing:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}
                    ]
                }
            )
        instance._row = row
        instance._line = (kwargs.get("row_number") or 0) + self.line_offset

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def _seen_once(self, key: str, column: str, line: int, message: str) -> None:
        first = self.seen.setdefault(key, line)
        if first != line:
            raise ValidationError({column: [message % {"line": first}]})

    def save_instance(self, instance, is_create, row, **kwargs):
        # One savepoint per row: a refused row leaves nothing behind it, and a refusal of the
        # database (a unique index) leaves the transaction usable for the next rows.
        try:
            with transaction.atomic():
                saved = self.create(instance._row, instance._line)
        except IntegrityError as error:
            raise self.refusal(error) from error
        instance.pk = saved.pk

    def create(self, row, line):
        raise NotImplementedError

    def refusal(self, error: IntegrityError) -> Exception:
        """The database's refusal of a row, as the field error the screen shows."""
        return error


class OrganisationImportResource(_CreateOnlyResource):
    columns = ORGANISATION_COLUMNS

    class Meta:
        model = Organisation
        fields = ORGANISATION_COLUMNS
        import_id_fields = []
        skip_diff = True
        use_transactions = True
        clean_model_instances = False

    RECORDED_BATCH = 5000  # SIRENs per look-up query

    def before_import(self, dataset, **kwargs):
        # The file's SIRENs already recorded, read once for the file (B8: a query per row
        # cost more than the row's own INSERT). A SIREN recorded meanwhile by a colleague is
        # refused by the unique index, with the same message (``refusal``).
        super().before_import(dataset, **kwargs)
        headers = dataset.headers or []
        sirens = set()
        if "siren" in headers:
            column = headers.index("siren")
            for values in dataset:
                siren = identifiers.compact_identifier(_code({"siren": values[column]}, "siren", 9))
                if siren:
                    sirens.add(siren)
        ordered = sorted(sirens)
        self.recorded = set()
        for start in range(0, len(ordered), self.RECORDED_BATCH):
            chunk = ordered[start : start + self.RECORDED_BATCH]
            self.recorded.update(
                Organisation.objects.filter(siren__in=chunk).values_list("siren", flat=True)
            )

    def create(self, row, line):
        siren = identifiers.compact_identifier(_code(row, "siren", 9))
        if siren:
            self._seen_once(
                f"siren:{siren}", "siren", line, _("This SIREN is already on line %(line)s.")
            )
            if siren in self.recorded:
                raise ValidationError({"siren": [_already_recorded()]})
        employees = _text(row, "employees")
        try:
            # ``by``: the service refuses, before writing, a row landing outside the UR of
            # who imports; ``resolved``: the SIREN's uniqueness was checked above and is
            # enforced by the unique index, the check constraints by the database.
            return organisation_create(
                name=_text(row, "name"),
                siren=siren or None,
                siret=_code(row, "siret", 14),
                naf_code=_text(row, "naf_code"),
                legal_form=_text(row, "legal_form"),
                employees=employees or None,
                postal_code=_code(row, "postal_code", 5),
                city=_text(row, "city"),
                by=self.by,
                resolved=True,
            )
        except PermissionDenied as error:
            raise ValidationError(
                {"postal_code": [_("This postal code is outside your regional union.")]}
            ) from error

    def refusal(self, error: IntegrityError) -> Exception:
        # PostgreSQL names the index; SQLite names the column.
        constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
        if constraint == "organisation_siren_unique" or "crm_organisation.siren" in str(error):
            return ValidationError({"siren": [_already_recorded()]})
        return error


class PersonImportResource(_CreateOnlyResource):
    columns = PERSON_COLUMNS

    class Meta:
        model = Person
        fields = PERSON_COLUMNS
        import_id_fields = []
        skip_diff = True
        use_transactions = True
        clean_model_instances = False

    def create(self, row, line):
        siren = identifiers.compact_identifier(_code(row, "organisation_siren", 9))
        if not siren:
            raise ValidationError(
                {"organisation_siren": [_("The organisation's SIREN is missing.")]}
            )
        organisation = scope_queryset(Organisation.objects.filter(siren=siren), self.by).first()
        if organisation is None:
            raise ValidationError(
                {"organisation_siren": [_("No organisation of your territory has this SIREN.")]}
            )
        first_name, last_name = _text(row, "first_name"), _text(row, "last_name")
        email = _text(row, "email").lower()
        key = (
            f"{organisation.pk}:{email}"
            if email
            else f"{organisation.pk}:{first_name.lower()}:{last_name.lower()}"
        )
        self._seen_once(
            key,
            "email" if email else "last_name",
            line,
            _("This person of this organisation is already on line %(line)s."),
        )
        if (
            first_name
            and last_name
            and person_matching(
                organisation=organisation, first_name=first_name, last_name=last_name, email=email
            )
        ):
            raise ValidationError(
                {
                    "email" if email else "last_name": [
                        _("This person is already recorded for this organisation.")
                    ]
                }
            )
        return person_create(
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=_text(row, "phone"),
            role=_text(row, "role"),
            organisation=organisation,
            lawful_basis=_text(row, "lawful_basis"),
            source=_text(row, "source"),
            consent_date=_date(row, "consent_date"),
        )


class AnnualReviewImportResource(_ScreenResource, AnnualReviewResource):
    """The annual reviews: ``siren`` and ``year`` in every file, any of the review's fields."""

    columns = ["siren", "year", *REVIEW_FIELDS]
    required_columns = ["siren", "year"]
    attribute_columns = {"follow_up": "siren"}
