"""Import of organisations, people and annual reviews from CSV/XLSX (django-import-export
resources).

The resources only read columns: every row is validated and written through ``crm.services``
(``organisation_build`` then ``organisations_insert`` a batch at a time / ``person_create``),
whose validation (SIREN, SIRET, NAF code, postal code and city, choices, uniqueness) is the one
rule; its errors come back keyed by field and are shown per row under the column of the same
name. What is proper to an import is checked here:
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
from crm.services import (
    organisation_build,
    organisations_insert,
    person_create,
    person_matching,
)
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
    """Every row validated in Python as it is read (its errors on its line), the valid rows
    written ``INSERT_BATCH`` at a time with their history rows (B8: a save per row, its
    savepoints and simple-history's ``post_save`` cost 18 times ``bulk_create``).

    A batch is written in a savepoint: the database refusing it (a SIREN recorded meanwhile
    by a colleague) writes nothing of it, and the SIRENs it clashed on are read in one query
    to name their lines; ``batch_errors`` carries those errors to ``_run_import``, which
    then keeps nothing of the file."""

    columns = ORGANISATION_COLUMNS

    class Meta:
        model = Organisation
        fields = ORGANISATION_COLUMNS
        import_id_fields = []
        skip_diff = True
        use_transactions = True
        clean_model_instances = False
        # No savepoint per row: reading a row writes nothing, the batches have their own.
        # The rows are saved by ``save_instance`` below, not by import-export's bulk mode.
        use_bulk = True

    RECORDED_BATCH = 5000  # SIRENs per look-up query
    INSERT_BATCH = 500  # rows per INSERT (and per history INSERT)

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
        self.pending: list[tuple[int, Organisation]] = []  # (line, validated organisation)
        self.batch_errors: list[dict] = []  # {"line", "column", "message"}

    def save_instance(self, instance, is_create, row, **kwargs):
        self.pending.append((instance._line, self.create(instance._row, instance._line)))
        if len(self.pending) >= self.INSERT_BATCH:
            self.insert_pending()

    def after_import(self, dataset, result, **kwargs):
        self.insert_pending()
        super().after_import(dataset, result, **kwargs)

    def insert_pending(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        try:
            with transaction.atomic():
                organisations_insert(organisations=[organisation for _line, organisation in batch])
        except IntegrityError as error:
            self.batch_errors.extend(self.batch_refusal(batch, error))

    def batch_refusal(self, batch: list[tuple[int, Organisation]], error: IntegrityError):
        """The lines of a refused batch: those whose SIREN is now recorded (one query), or,
        when the refusal was about something else, each row written alone to find it."""
        sirens = [organisation.siren for _line, organisation in batch if organisation.siren]
        clashing = set(
            Organisation.objects.filter(siren__in=sirens).values_list("siren", flat=True)
        )
        if clashing:
            return [
                {"line": line, "column": "siren", "message": _already_recorded()}
                for line, organisation in batch
                if organisation.siren in clashing
            ]
        errors = []
        for line, organisation in batch:
            try:
                with transaction.atomic():
                    organisations_insert(organisations=[organisation])
            except IntegrityError as row_error:
                refusal = self.refusal(row_error)
                if isinstance(refusal, ValidationError):
                    errors.extend(
                        {"line": line, "column": column, "message": message}
                        for column, messages in refusal.message_dict.items()
                        for message in messages
                    )
                else:
                    errors.append(
                        {
                            "line": line,
                            "column": "",
                            "message": _("This row could not be saved: %(error)s")
                            % {"error": row_error},
                        }
                    )
        return errors or [
            {
                "line": batch[0][0],
                "column": "",
                "message": _("This row could not be saved: %(error)s") % {"error": error},
            }
        ]

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
            # ``by``: the service refuses a row landing outside the UR of who imports;
            # ``resolved``: the SIREN's uniqueness was checked above and is enforced by the
            # unique index, the check constraints by the database. Written by the batch.
            return organisation_build(
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
