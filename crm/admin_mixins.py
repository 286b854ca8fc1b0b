"""Admin pieces every app shares: read-only records, refusals on the form, workflow transition
pages."""

from __future__ import annotations

from contextlib import contextmanager

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import display_for_field
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from crm.form_errors import add_refusal, refusal_messages, stored_values
from crm.workflow_engine import TransitionConflict, TransitionForbidden, TransitionRefused


class ReadOnlyAdminMixin:
    """Rows written by services only (histories, submissions): never added, changed or deleted
    in the admin. Works for model admins and inlines (``obj`` is optional in both)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryAdminMixin(ReadOnlyAdminMixin):
    """Read-only pages of a workflow's history: each transition by its French label."""

    workflow = None  # a crm.workflow_engine.Workflow
    readonly_fields = ("transition_label", "data_label")

    def get_fields(self, request, obj=None):
        names = {"transition": "transition_label", "data": "data_label"}
        return [names.get(name, name) for name in super().get_fields(request, obj)]

    @admin.display(description=_("data given"))
    def data_label(self, record) -> str:
        """The data the transition was given, by field label and displayed value (no codes)."""
        parent = type(record)._meta.get_field(self.workflow.history.parent).related_model
        parts = []
        for key, value in (record.data or {}).items():
            try:
                field = parent._meta.get_field(key)
            except FieldDoesNotExist:
                parts.append(f"{key} : {value}")
                continue
            shown = display_for_field(field.to_python(value), field, "-")
            parts.append(f"{capfirst(field.verbose_name)} : {shown}")
        return " ; ".join(parts)

    @admin.display(description=_("transition"), ordering="transition")
    def transition_label(self, record) -> str:
        return self.workflow.history_label(record.transition)


def transition_filter(workflow) -> type[admin.SimpleListFilter]:
    """A list filter on a history's transitions, offered by their French labels."""

    class TransitionFilter(admin.SimpleListFilter):
        title = _("transition")
        parameter_name = "transition"

        def lookups(self, request, model_admin):
            names = ["create", *workflow.transitions]
            return [(name, workflow.history_label(name)) for name in names]

        def queryset(self, request, queryset):
            return queryset.filter(transition=self.value()) if self.value() else queryset

    return TransitionFilter


def history_inline(record_model, states: tuple[str, str], workflow) -> type[admin.TabularInline]:
    """The read-only inline of a workflow's history (an ``AppendOnlyRecord``), oldest first."""
    fields = ["at", "transition_label", *states, "by", "comment", "data_label"]
    attrs = {
        "model": record_model,
        "workflow": workflow,
        "fields": fields,
        "readonly_fields": fields,
        "extra": 0,
        "can_delete": False,
        "ordering": ["at", "id"],
        "__module__": record_model.__module__,
    }
    return type(f"{record_model.__name__}Inline", (HistoryAdminMixin, admin.TabularInline), attrs)


class RefusedOnForm(PermissionDenied):
    """A service's refusal met while an admin form was being saved.

    ``RefusalsOnFormMixin`` catches it and shows the page again with the refusal on the
    form; an admin without the mixin answers 403 with the service's words.
    """

    def __init__(self, error: Exception):
        self.error = error
        super().__init__(" ".join(refusal_messages(error)))


@contextmanager
def refusals_on_form():
    """Around a ``save_model`` (or a formset's save): what a service refuses (permission or
    validation) goes back onto the form the user filled in, with its words.

    The admin forms do not know the services' rules; the save runs in the admin's
    transaction, which the refusal rolls back: nothing is half-written.
    """
    try:
        yield
    except RefusedOnForm:
        raise
    except (PermissionDenied, ValidationError) as error:
        raise RefusedOnForm(error) from error


class RefusalsOnFormMixin:
    """A model admin whose add and change pages show a service's refusal on the form, with
    what the user typed, instead of a bare 403 page.

    The refused save has been rolled back with the admin's transaction; the page is then
    processed once more with the same POST, the refusal added to the form's errors, so the
    admin renders the form as for any invalid input (and saves nothing).
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RefusedOnForm as refused:
            if request.method != "POST" or hasattr(request, "_refused_on_form"):
                raise
            request._refused_on_form = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        error = getattr(request, "_refused_on_form", None)
        if error is None:
            return form_class

        class RefusedForm(form_class):
            def _post_clean(self):
                super()._post_clean()
                add_refusal(error, self)

        RefusedForm.__name__ = form_class.__name__
        return RefusedForm


class TransitionForm(forms.Form):
    """What one transition collects: its model fields, extra inputs, a comment, the version."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, workflow, obj, name: str, extra_labels: dict, **kwargs):
        super().__init__(*args, **kwargs)
        names = workflow.input_fields(obj, name)
        fields = forms.fields_for_model(type(obj), fields=names)
        for field_name, field in fields.items():
            # Guards say, in one list, everything that is missing: no field-by-field "required".
            field.required = False
            self.fields[field_name] = field
        # What the object already holds is shown: the user completes it, never retypes it.
        for field_name, value in stored_values(obj, names).items():
            self.initial.setdefault(field_name, value)
        for extra_name in workflow.extra_inputs_of(name):
            self.fields[extra_name] = forms.CharField(
                label=extra_labels.get(extra_name, extra_name),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["comment"] = forms.CharField(
            label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )

    def transition_data(self) -> dict:
        """The inputs the user filled in (what they left empty the guards will name)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("comment", "version") and value not in (None, "")
        }


class TransitionPageMixin:
    """One page per workflow transition on a model admin: a form, the service, its answer.

    django-fsm-2's admin mixin would run a transition named in the POST without checking the
    user's permission; here the page calls the workflow's service, which locks, checks
    permission and guards, and the page only turns its answer into a redirect with a message,
    or the form again with every reason (403 when forbidden, 400 when refused).
    """

    workflow = None  # a crm.workflow_engine.Workflow
    transition_path = "transition"  # URL segment and URL name suffix
    transition_template = "admin/workflow/transition.html"
    extra_input_labels: dict = {}

    def run_transition(self, request, obj, name: str, comment: str, data: dict):
        raise NotImplementedError  # the app's service, e.g. services.case_transition

    def transition_summary(self, obj) -> str:
        """One sentence above the form: where the object stands."""
        return ""

    def limit_transition_form(self, form, obj) -> None:
        """Narrow the form's choices to the object's territory (e.g. its UR's sessions)."""

    def _url_name(self) -> str:
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_{self.transition_path}"

    def get_urls(self):
        custom = [
            path(
                f"<path:object_id>/{self.transition_path}/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name=self._url_name(),
            )
        ]
        return custom + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["workflow_transitions"] = [
                {
                    "label": item.label,
                    "url": reverse(f"admin:{self._url_name()}", args=[obj.pk, item.name]),
                }
                for item in self.workflow.available_transitions(obj, request.user)
                if item.permitted
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, object_id, name):
        if name not in self.workflow.transitions:
            raise Http404
        obj = self.get_object(request, object_id)  # scoped: another UR's row is None
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        opts = self.model._meta
        change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        refusal = self.workflow.permission_refusal(
            obj, name, request.user
        ) or self.workflow.state_refusal(obj, name)
        if refusal:
            messages.error(request, refusal)
            return HttpResponseRedirect(change_url)
        form = TransitionForm(
            request.POST or None,
            workflow=self.workflow,
            obj=obj,
            name=name,
            extra_labels=self.extra_input_labels,
            initial={"version": obj.version},
        )
        self.limit_transition_form(form, obj)
        label = self.workflow.transitions[name].label
        reasons, status = [], 200
        if request.method == "POST" and form.is_valid():
            obj.version = form.cleaned_data["version"]  # the version the user saw
            try:
                self.run_transition(
                    request, obj, name, form.cleaned_data["comment"], form.transition_data()
                )
            except TransitionConflict as conflict:
                messages.error(request, str(conflict))
                return HttpResponseRedirect(change_url)
            except TransitionForbidden as forbidden:
                reasons, status = forbidden.reasons, 403
            except TransitionRefused as refused:
                status = 400
                for reason in refused.refusals:
                    if reason.field in form.fields:
                        form.add_error(reason.field, str(reason))  # beside its field
                    else:
                        reasons.append(str(reason))
            except (PermissionDenied, ValidationError) as error:
                status = 400  # any other refusal of the service: on the form, input kept
                add_refusal(error, form)
            else:
                messages.success(request, label)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "original": obj,
            "change_url": change_url,
            "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            "summary": self.transition_summary(obj),
            "form": form,
            "reasons": reasons,
            "title": f"{obj} – {label}",
            "transition_label": label,
        }
        return TemplateResponse(request, self.transition_template, context, status=status)
