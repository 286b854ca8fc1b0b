"""Writes of the back office: compositions of the lower apps' services, nothing more."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.forms.models import model_to_dict
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from backoffice.access import works_on_cases
from backoffice.models import (
    DigestPreference,
    ImportFormat,
    ImportJob,
    ImportKind,
    ImportStatus,
    PersonMerge,
)
from backoffice.search_text import fold
from backoffice.selectors import day
from backoffice.selectors.staff import digest_recipients
from crm.models import Organisation, Person
from crm.scoping import scope_queryset
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


# Fields copied from the duplicate onto the person kept when the kept one has none.
MERGE_FILLED_FIELDS = ["email", "phone", "organisation", "consent_date", "source"]


def _same_person(kept: Person, duplicate: Person) -> bool:
    same_email = bool(kept.email) and kept.email.lower() == duplicate.email.lower()
    same_name = (
        kept.organisation_id is not None
        and kept.organisation_id == duplicate.organisation_id
        and fold(kept.first_name) == fold(duplicate.first_name)
        and fold(kept.last_name) == fold(duplicate.last_name)
    )
    return same_email or same_name


@transaction.atomic
def person_merge(*, kept: Person, duplicate: Person, by) -> PersonMerge:
    """Merge ``duplicate`` into ``kept``: the blanks of ``kept`` take the duplicate's values,
    the duplicate goes, and a record keeps it as it was and who merged it.

    Only officers and directors, on two people of their territory that are duplicates (same
    e-mail, or same name in the same organisation). Nothing else points at a person today;
    a model that comes to reference ``Person`` must be re-pointed here.
    """
    if not works_on_cases(by):
        raise PermissionDenied(_("Only officers and directors merge people."))
    people = {
        person.pk: person
        for person in scope_queryset(
            Person.objects.select_for_update().filter(pk__in=[kept.pk, duplicate.pk]), by
        )
    }
    if kept.pk == duplicate.pk or len(people) != 2:
        raise ValidationError(_("Choose two different people of your territory."))
    kept, duplicate = people[kept.pk], people[duplicate.pk]
    if not _same_person(kept, duplicate):
        raise ValidationError(
            _("These two people share neither an e-mail nor a name in one organisation.")
        )
    snapshot = model_to_dict(duplicate)
    for name in MERGE_FILLED_FIELDS:
        if getattr(kept, name) in (None, "") and getattr(duplicate, name) not in (None, ""):
            setattr(kept, name, getattr(duplicate, name))
    kept.full_clean()
    kept.save()
    record = PersonMerge.objects.create(
        kept=kept, merged_name=str(duplicate), merged_data=snapshot, by=by
    )
    duplicate.delete()
    return record


def digest_preference_set(*, user, daily_digest: bool) -> DigestPreference:
    """A user turns their own daily digest on or off."""
    preference, _created = DigestPreference.objects.update_or_create(
        user=user, defaults={"daily_digest": daily_digest}
    )
    return preference


def daily_digest_send(*, today: datetime.date | None = None) -> int:
    """E-mail each officer and director their tasks and next actions due today or overdue.

    Nobody who opted out, nobody with nothing due, nobody without an address. Returns the
    number of e-mails sent. One message per person: a failing address does not stop the rest.
    """
    today = today or timezone.localdate()
    sent = 0
    for user in digest_recipients():
        tasks = list(day.tasks_due(user=user, today=today))
        next_actions = list(day.next_actions_due(user=user, today=today))
        if not tasks and not next_actions:
            continue
        context = {"user": user, "today": today, "tasks": tasks, "next_actions": next_actions}
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Relève – your day of %(date)s") % {
                "date": date_format(today, "SHORT_DATE_FORMAT")
            }
            body = render_to_string("backoffice/email/daily_digest.txt", context)
        sent += send_mail(subject, body, None, [user.email], fail_silently=True)
    return sent


# --- Imports of organisations and people -----------------------------------------------------

IMPORT_CHUNK_ROWS = 250  # rows checked between two progress updates of a background check
IMPORT_MAX_BYTES = 20 * 1024 * 1024


def import_background_rows() -> int:
    """Files with more rows than this are checked and committed by a background task."""
    return getattr(settings, "BACKOFFICE_IMPORT_BACKGROUND_ROWS", 2000)


class ImportFileError(ValidationError):
    """The file itself cannot be read (format, encoding, headers): nothing is checked."""


@dataclass
class ImportOutcome:
    total_rows: int
    created_rows: int
    errors: list[dict]  # {"line", "column", "message"}; line 1 is the header
    dry_run: bool

    @property
    def ok(self) -> bool:
        return not self.errors


# What each kind of import needs: its resource (in backoffice.resources) and the permission.
IMPORT_KINDS = {
    ImportKind.ORGANISATIONS: ("OrganisationImportResource", "crm.add_organisation"),
    ImportKind.PEOPLE: ("PersonImportResource", "crm.add_person"),
    ImportKind.REVIEWS: ("AnnualReviewImportResource", "followup.add_annualreview"),
}


def _import_resource(kind: str, by):
    from backoffice import resources

    if kind not in IMPORT_KINDS:
        raise ImportFileError({"kind": [_("Unknown kind of import.")]})
    return getattr(resources, IMPORT_KINDS[kind][0])(by=by)


def import_columns(kind: str) -> list[str]:
    """Every column of the kind's template."""
    return list(_import_resource(kind, None).columns)


def import_required_columns(kind: str) -> list[str]:
    """The columns every file of the kind must have."""
    resource = _import_resource(kind, None)
    return list(resource.required_columns or resource.columns)


def _check_may_import(by, kind: str) -> None:
    codename = IMPORT_KINDS[kind][1] if kind in IMPORT_KINDS else None
    if not (codename and works_on_cases(by) and by.has_perm(codename)):
        raise PermissionDenied(_("You may not import this kind of file."))


def import_dataset(*, content: bytes, format: str):
    """The file as a ``tablib.Dataset`` with stripped headers, or ``ImportFileError``."""
    import tablib

    if len(content) > IMPORT_MAX_BYTES:
        raise ImportFileError({"file": [_("The file is larger than 20 MB.")]})
    try:
        if format == ImportFormat.CSV:
            text = content.decode("utf-8-sig")
            first_line = text.split("\n", 1)[0]
            delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
            dataset = tablib.Dataset().load(text, format="csv", delimiter=delimiter)
        elif format == ImportFormat.XLSX:
            dataset = tablib.Dataset().load(content, format="xlsx")
        else:
            raise ImportFileError({"format": [_("Choose a CSV or XLSX file.")]})
    except UnicodeDecodeError as error:
        raise ImportFileError({"file": [_("The CSV file must be encoded in UTF-8.")]}) from error
    except ImportFileError:
        raise
    except Exception as error:  # tablib/openpyxl raise many kinds on a damaged file
        raise ImportFileError(
            {"file": [_("The file cannot be read as %(format)s.") % {"format": format.upper()}]}
        ) from error
    if dataset.headers:
        dataset.headers = [str(header or "").strip() for header in dataset.headers]
    # Lines left blank at the end of a spreadsheet are not rows.
    for index in reversed(range(len(dataset))):
        if all(str(value or "").strip() == "" for value in dataset[index]):
            del dataset[index]
    return dataset


def _column_label(resource, column: str) -> str:
    column = resource.attribute_columns.get(column, column)
    return column if column in resource.columns else ""


def _run_import(resource, dataset, *, dry_run: bool, first_line: int = 2) -> tuple[int, list[dict]]:
    """Run ``dataset`` through ``resource`` all or nothing; (rows created, errors)."""
    resource.line_offset = first_line - 1
    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
            raise_errors=False,
        )
        # A batch the database refused after its rows were read (organisations: a SIREN
        # recorded meanwhile): import-export saw no error, so nothing of the file is kept here.
        errors: list[dict] = list(getattr(resource, "batch_errors", []))
        if errors:
            transaction.set_rollback(True)
    for row in result.invalid_rows:
        line = row.number + first_line - 1
        for column, messages in row.error_dict.items():
            for message in messages:
                errors.append(
                    {
                        "line": line,
                        "column": _column_label(resource, column),
                        "message": str(message),
                    }
                )
    for number, row_errors in result.row_errors():
        for error in row_errors:
            errors.append(
                {
                    "line": number + first_line - 1,
                    "column": "",
                    "message": _("This row could not be saved: %(error)s") % {"error": error.error},
                }
            )
    for error in result.base_errors:
        errors.append({"line": 0, "column": "", "message": str(error.error)})
    errors.sort(key=lambda item: item["line"])
    created = result.totals.get("new", 0) if not errors else 0
    return created, errors


def data_import(
    *, kind: str, file, format: str, by, dry_run: bool = True, on_row=None
) -> ImportOutcome:
    """Check (``dry_run``) or import a CSV/XLSX file of organisations, people or annual
    reviews, all or nothing.

    ``file``: bytes or a file object. Every row goes through a service (``crm.services``,
    ``followup.services.annual_review_record``); a file with one
    refused row saves no row. ``by`` must be an officer or director holding the add permission;
    a regional user imports only into their UR.
    """
    _check_may_import(by, kind)
    content = file if isinstance(file, bytes) else file.read()
    dataset = import_dataset(content=content, format=format)
    resource = _import_resource(kind, by)
    resource.on_row = on_row
    with transaction.atomic():
        created, errors = _run_import(resource, dataset, dry_run=dry_run)
    return ImportOutcome(len(dataset), created, errors, dry_run)


def organisations_import(*, file, format: str, by, dry_run: bool = True) -> ImportOutcome:
    """Import organisations from a CSV/XLSX file (see ``data_import``)."""
    return data_import(
        kind=ImportKind.ORGANISATIONS, file=file, format=format, by=by, dry_run=dry_run
    )


def people_import(*, file, format: str, by, dry_run: bool = True) -> ImportOutcome:
    """Import people from a CSV/XLSX file (see ``data_import``)."""
    return data_import(kind=ImportKind.PEOPLE, file=file, format=format, by=by, dry_run=dry_run)


def reviews_import(*, file, format: str, by, dry_run: bool = True) -> ImportOutcome:
    """Import annual reviews of cooperatives from a CSV/XLSX file (see ``data_import``)."""
    return data_import(kind=ImportKind.REVIEWS, file=file, format=format, by=by, dry_run=dry_run)


def import_job_create(*, kind: str, file, file_name: str, by) -> ImportJob:
    """Record an uploaded file and check it: at once when small, by a background task when
    it has more rows than ``import_background_rows()``."""
    _check_may_import(by, kind)
    content = file if isinstance(file, bytes) else file.read()
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in ImportFormat.values:
        raise ImportFileError({"file": [_("Choose a CSV or XLSX file.")]})
    dataset = import_dataset(content=content, format=extension)
    missing = [c for c in import_required_columns(kind) if c not in (dataset.headers or [])]
    if missing:
        raise ImportFileError(
            {"file": [_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}]}
        )
    if not len(dataset):
        raise ImportFileError({"file": [_("The file has no rows.")]})
    job = ImportJob.objects.create(
        kind=kind,
        format=extension,
        file_name=file_name[:255],
        content=content,
        total_rows=len(dataset),
        background=len(dataset) > import_background_rows(),
        created_by=by,
    )
    if job.background:
        from backoffice.tasks import check_import

        transaction.on_commit(lambda: check_import.enqueue(job.pk))
    else:
        import_job_check(job_id=job.pk)
        job.refresh_from_db()
    return job


def _job_progress(job_id: int, processed: int) -> None:
    ImportJob.objects.filter(pk=job_id).update(processed_rows=processed)


def import_job_check(*, job_id: int) -> ImportJob:
    """The preview: every row checked (nothing kept), the errors recorded on the job.

    In chunks, each rolled back, so that the progress shows between two chunks; duplicates
    across chunks are still found (the resource remembers the file's keys).
    """
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.CHECKING:
        # A check delivered late (a queued task run again) never rewinds a job that was
        # checked, committed or failed since.
        return job
    dataset = import_dataset(content=bytes(job.content), format=job.format)
    resource = _import_resource(job.kind, job.created_by)
    errors: list[dict] = []
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING, processed_rows=0)
    for start in range(0, len(dataset), IMPORT_CHUNK_ROWS):
        chunk = dataset.subset(rows=range(start, min(start + IMPORT_CHUNK_ROWS, len(dataset))))
        chunk.headers = dataset.headers
        with transaction.atomic():
            _created, chunk_errors = _run_import(
                resource, chunk, dry_run=True, first_line=start + 2
            )
        errors.extend(chunk_errors)
        _job_progress(job.pk, start + len(chunk))
    status = ImportStatus.INVALID if errors else ImportStatus.READY
    ImportJob.objects.filter(pk=job.pk).update(status=status, errors=errors[:1000])
    job.refresh_from_db()
    return job


def import_job_commit(*, job: ImportJob, by) -> ImportJob:
    """Import a checked file: at once when small, else by a background task."""
    if job.created_by_id != by.pk:
        raise PermissionDenied(_("This import belongs to someone else."))
    _check_may_import(by, job.kind)
    if job.status not in (ImportStatus.READY, ImportStatus.COMMITTING):
        raise ValidationError(_("This file is not ready to be imported."))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.COMMITTING, processed_rows=0)
    if job.background:
        from backoffice.tasks import commit_import

        transaction.on_commit(lambda: commit_import.enqueue(job.pk))
    else:
        import_job_run_commit(job_id=job.pk)
    job.refresh_from_db()
    return job


def import_job_run_commit(*, job_id: int) -> ImportJob:
    """The commit: every row again through the services, and the job marked done, in ONE
    transaction. A process killed half-way leaves no row; running it again gives the same
    result; a job already done is not imported twice (its row is locked, then re-read)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("created_by").get(pk=job_id)
        if job.status != ImportStatus.COMMITTING:
            return job
        dataset = import_dataset(content=bytes(job.content), format=job.format)
        resource = _import_resource(job.kind, job.created_by)
        created, errors = _run_import(resource, dataset, dry_run=False)
        if not errors:
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportStatus.DONE,
                created_rows=created,
                processed_rows=job.total_rows,
                committed_at=timezone.now(),
            )
    if errors:
        # The data changed since the check (e.g. a colleague recorded the same SIREN): the
        # resource rolled every row back.
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.INVALID, errors=errors[:1000], processed_rows=0
        )
    job.refresh_from_db()
    return job


def import_job_fail(*, job_id: int) -> None:
    """An unexpected error stopped the task: nothing was imported, the page says so."""
    ImportJob.objects.filter(pk=job_id).exclude(status=ImportStatus.DONE).update(
        status=ImportStatus.FAILED,
        errors=[
            {
                "line": 0,
                "column": "",
                "message": _("The import stopped on an unexpected error: nothing was imported."),
            }
        ],
    )
