"""Import of organisations and people: upload, preview with the errors per row, commit.

Large files are checked and committed by a background task; the job's page polls its status
fragment with htmx (every second, until it is finished) and shows a progress bar.
"""

import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backoffice import services
from backoffice.access import backoffice_view, works_on_cases
from backoffice.forms import ImportUploadForm
from backoffice.models import ImportJob, ImportKind
from backoffice.selectors.imports import import_job_get, import_jobs_of
from backoffice.views.common import UNPROCESSABLE
from backoffice.views.lists import EXPORT_FORMATS
from crm.form_errors import add_refusal


def _may_import(request) -> None:
    if not works_on_cases(request.user):
        raise PermissionDenied(_("You may not import organisations or people."))


def _job_or_404(request, pk: int) -> ImportJob:
    try:
        return import_job_get(user=request.user, pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404(_("No such import.")) from None


@backoffice_view
@require_http_methods(["GET", "POST"])
def import_home(request):
    _may_import(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = services.import_job_create(
                    kind=form.cleaned_data["kind"],
                    file=upload.read(),
                    file_name=upload.name,
                    by=request.user,
                )
            except (PermissionDenied, ValidationError) as error:
                add_refusal(error, form)
            else:
                return redirect("backoffice:import_job", pk=job.pk)
        status = UNPROCESSABLE
    context = {
        "form": form,
        "jobs": import_jobs_of(user=request.user),
        "nav": "imports",
        "kinds": ImportKind.choices,
        "columns": {kind: services.import_columns(kind) for kind in ImportKind.values},
    }
    return render(request, "backoffice/imports.html", context, status=status)


@backoffice_view
def import_job(request, pk: int):
    job = _job_or_404(request, pk)
    context = {"job": job, "nav": "imports", "errors": job.errors[:200]}
    template = "backoffice/_import_status.html" if request.htmx else "backoffice/import_job.html"
    return render(request, template, context)


@backoffice_view
@require_POST
def import_job_commit(request, pk: int):
    job = _job_or_404(request, pk)
    try:
        services.import_job_commit(job=job, by=request.user)
    except ValidationError as error:
        job.refresh_from_db()
        context = {
            "job": job,
            "nav": "imports",
            "errors": job.errors[:200],
            "refusal": " ".join(error.messages),
        }
        return render(request, "backoffice/import_job.html", context, status=UNPROCESSABLE)
    return redirect("backoffice:import_job", pk=job.pk)


@backoffice_view
def import_template(request, kind: str, export_format: str):
    """An empty file with the expected headers."""
    _may_import(request)
    if kind not in ImportKind.values or export_format not in EXPORT_FORMATS:
        raise Http404(_("No such template."))
    content_type, extension = EXPORT_FORMATS[export_format]
    body = tablib.Dataset(headers=services.import_columns(kind)).export(export_format)
    if export_format == "csv":
        body = "\ufeff" + body
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="modele-{kind}.{extension}"'
    return response
