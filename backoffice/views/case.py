"""The case page and what it runs: transitions, tasks, reassignment, financing decisions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice import workflow_forms
from backoffice.access import backoffice_view, is_director
from backoffice.forms import (
    CaseTagsForm,
    MemberCategoryForm,
    ReassignForm,
    TaskForm,
    TaskReassignForm,
    run_service,
)
from backoffice.query import positive_int
from backoffice.selectors import case_page
from backoffice.views.common import (
    UNPROCESSABLE,
    case_or_404,
    done_redirect,
    fragment_or_page,
    line_transition_response,
    refused_status,
    transition_form_response,
)
from crm.form_errors import add_refusal
from financement.models import FinancingLine
from transmission import legal, services
from transmission import selectors as case_selectors
from transmission.choices import OPEN_STAGES, ActivityKind, Stage
from transmission.models import Activity


def _page_context(request, case, **overrides) -> dict:
    user = request.user
    # The members: read by their section and by the guards of the transitions offered, once.
    prefetch_related_objects([case], "memberships")
    members = case_selectors.case_members_summary(case)
    may_work = workflow_forms.may_work_on_case(case, user)
    plan, lines = case_page.case_plan(user=user, case=case)
    timeline, timeline_more = case_page.case_timeline(user=user, case=case)
    context = {
        "case": case,
        "transitions": workflow_forms.case_transitions(case, user),
        "timeline": timeline,
        "timeline_more": timeline_more,
        "timeline_next": 2,
        "tasks": case_page.case_tasks(user=user, case=case),
        "contacts": case_page.case_contacts(user=user, case=case),
        "filieres": case_page.case_filieres(case),
        "milestones": case_page.case_milestones(case),
        "employee_information": case_page.case_employee_information(
            case, today=timezone.localdate()
        ),
        "plan": plan,
        "lines": [(line, workflow_forms.line_transitions(line, user)) for line in lines],
        "may_work": may_work,
        "task_form": TaskForm(case=case),
        "reassign_form": ReassignForm(holder=case) if is_director(user) else None,
        "tags_form": CaseTagsForm(initial={"tags": case_selectors.case_tags(case)}),
        "members": members,
        "members_editable": may_work and case.stage in OPEN_STAGES,
        "member_form": MemberCategoryForm(categories=members.categories),
        "today": timezone.localdate(),
        "nav": "cases",
    }
    context.update(overrides)
    return context


@backoffice_view
def case_detail(request, pk: int):
    case = case_or_404(request.user, pk)
    return render(request, "backoffice/case_detail.html", _page_context(request, case))


@backoffice_view
def case_timeline(request, pk: int):
    """The next page of the case's timeline (htmx "voir plus")."""
    case = case_or_404(request.user, pk)
    page = positive_int(request.GET.get("page"), default=2)
    timeline, more = case_page.case_timeline(user=request.user, case=case, page=page)
    context = {"case": case, "timeline": timeline, "timeline_more": more, "timeline_next": page + 1}
    return render(request, "backoffice/_timeline_entries.html", context)


def _done(request, case, label):
    return done_redirect(request, reverse("backoffice:case", args=[case.pk]), label)


def _transition_response(request, case, form):
    """Run the form's transition; to the case page when done, the form again when refused."""
    if request.method == "POST" and workflow_forms.run_case_transition(form, user=request.user):
        return _done(request, case, form.label)
    context = {
        "case": case,
        "form": form,
        "action": reverse("backoffice:case_transition", args=[case.pk, form.name]),
    }
    return transition_form_response(request, context)


@backoffice_view
def case_transition(request, pk: int, name: str):
    case = case_or_404(request.user, pk)
    if not workflow_forms.case_transition_exists(name):
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = workflow_forms.CaseTransitionForm(data, case=case, name=name)
    return _transition_response(request, case, form)


@backoffice_view
def case_transition_to(request, pk: int, stage: str):
    """A card dropped on a column: the form of the transition leading there."""
    case = case_or_404(request.user, pk)
    name = workflow_forms.case_transition_to_stage(case, stage)
    if name is None:
        context = {
            "case": case,
            "message": _("No transition leads from “%(source)s” to “%(target)s”.")
            % {"source": Stage(case.stage).label, "target": Stage(stage).label}
            if stage in Stage.values
            else _("Unknown stage."),
        }
        return fragment_or_page(
            request, "backoffice/_no_transition.html", "backoffice/transition_page.html", context
        )
    form = workflow_forms.CaseTransitionForm(None, case=case, name=name)
    return _transition_response(request, case, form)


def _refresh_tasks(request, case, **extra):
    """The tasks panel again (htmx) or the case page."""
    if request.htmx:
        context = {
            "case": case,
            "tasks": case_page.case_tasks(user=request.user, case=case),
            "task_form": TaskForm(case=case),
            "may_work": workflow_forms.may_work_on_case(case, request.user),
            "today": timezone.localdate(),
            **extra,
        }
        status = refused_status(request) if extra else 200
        return render(request, "backoffice/_tasks.html", context, status=status)
    if extra:
        return render(
            request,
            "backoffice/case_detail.html",
            _page_context(request, case, **extra),
            status=UNPROCESSABLE,
        )
    return redirect("backoffice:case", pk=case.pk)


@require_POST
@backoffice_view
def task_add(request, pk: int):
    case = case_or_404(request.user, pk)
    form = TaskForm(request.POST, case=case)
    done = run_service(
        form,
        lambda data: services.activity_create(
            case=case, by=request.user, kind=ActivityKind.TASK, **data
        ),
    )
    if not done:
        return _refresh_tasks(request, case, task_form=form)
    return _refresh_tasks(request, case)


def _task_of_case(request, case, task_pk: int) -> Activity:
    try:
        return case_page.case_tasks(user=request.user, case=case).get(pk=task_pk)
    except Activity.DoesNotExist:
        raise Http404 from None


@require_POST
@backoffice_view
def task_reassign(request, pk: int, task_pk: int):
    case = case_or_404(request.user, pk)
    task = _task_of_case(request, case, task_pk)
    form = TaskReassignForm(request.POST, case=case)
    done = run_service(
        form,
        lambda data: services.activity_reassign(activity=task, by=request.user, **data),
    )
    if not done:
        return _refresh_tasks(request, case, reassign_errors={task.pk: form.errors})
    return _refresh_tasks(request, case)


@require_POST
@backoffice_view
def case_reassign(request, pk: int):
    case = case_or_404(request.user, pk)
    form = ReassignForm(request.POST, holder=case)
    done = run_service(
        form, lambda data: services.case_reassign(case=case, by=request.user, **data)
    )
    if not done:
        case.refresh_from_db()
        return render(
            request,
            "backoffice/case_detail.html",
            _page_context(request, case, reassign_form=form),
            status=UNPROCESSABLE,
        )
    messages.success(request, _("The case has been reassigned."))
    return redirect("backoffice:case", pk=case.pk)


@backoffice_view
@require_POST
def case_tags(request, pk: int):
    case = case_or_404(request.user, pk)
    form = CaseTagsForm(request.POST)
    done = run_service(
        form,
        lambda data: services.case_set_tags(case=case, by=request.user, tags=data["tags"]),
    )
    if not done:
        return render(
            request,
            "backoffice/case_detail.html",
            _page_context(request, case, tags_form=form),
            status=refused_status(request),
        )
    messages.success(request, _("The tags have been saved."))
    return redirect("backoffice:case", pk=case.pk)


def _members_refused(request, case, form):
    """The section again with the refusal on the fields (htmx), or the whole page (422)."""
    case.refresh_from_db()
    context = _page_context(request, case, member_form=form)
    if request.htmx:
        return render(request, "backoffice/_case_members.html", context)
    return render(request, "backoffice/case_detail.html", context, status=UNPROCESSABLE)


def _members_saved(request, case, message):
    """Back to the whole page: the transitions' reasons depend on the members too."""
    messages.success(request, message)
    url = reverse("backoffice:case", args=[case.pk])
    if request.htmx:
        # No fragment here: a change of the hash alone would not load the page again.
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return redirect(url + "#members-title")


@backoffice_view
@require_POST
def case_members(request, pk: int):
    """Record (or replace) one category of the cooperative's members."""
    case = case_or_404(request.user, pk)
    form = MemberCategoryForm(request.POST, categories=legal.category_choices(case.target_form))
    done = run_service(
        form,
        lambda data: services.member_category_set(case=case, by=request.user, **data),
    )
    if not done:
        return _members_refused(request, case, form)
    return _members_saved(request, case, _("The members have been saved."))


@backoffice_view
@require_POST
def case_member_remove(request, pk: int, category: str):
    case = case_or_404(request.user, pk)
    form = MemberCategoryForm(categories=legal.category_choices(case.target_form))
    try:
        services.member_category_remove(case=case, by=request.user, category=category)
    except (ValidationError, PermissionDenied) as error:
        add_refusal(error, form)
        return _members_refused(request, case, form)
    return _members_saved(request, case, _("The category has been removed."))


@backoffice_view
def line_transition(request, pk: int, line_pk: int, name: str):
    case = case_or_404(request.user, pk)
    try:
        line = case_page.line_of_case_get(user=request.user, case=case, pk=line_pk)
    except FinancingLine.DoesNotExist:
        raise Http404 from None
    return line_transition_response(
        request,
        holder={"case": case},
        line=line,
        name=name,
        action=reverse("backoffice:line_transition", args=[case.pk, line.pk, name]),
        done=lambda label: _done(request, case, label),
    )
