"""Admin pieces every app shares: read-only records, refusals as 403, workflow transition pages."""

from __future__ import annotations

from contextlib import contextmanager

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

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


def history_inline(record_model, states: tuple[str, str]) -> type[admin.TabularInline]:
    """The read-only inline of a workflow's history (an ``AppendOnlyRecord``), oldest first."""
    fields = ["at", "transition", *states, "by", "comment", "data"]
    attrs = {
        "model": record_model,
        "fields": fields,
        "readonly_fields": fields,
        "extra": 0,
        "can_delete": False,
        "ordering": ["at", "id"],
        "__module__": record_model.__module__,
    }
    return type(f"{record_model.__name__}Inline", (ReadOnlyAdminMixin, admin.TabularInline), attrs)


@contextmanager
def refusals_as_permission_denied():
    """A service's refusal (permission or validation) as the admin's 403 page, with its words.

    The admin forms do not know the services' rules; what a service refuses is shown as it
    said it rather than as a half-saved change.
    """
    try:
        yield
    except (PermissionDenied, ValidationError) as error:
        raise PermissionDenied(
            " ".join(getattr(error, "messages", None) or [str(error)])
        ) from error


class TransitionForm(forms.Form):
    """What one transition collects: its model fields, extra inputs, a comment, the version."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, workflow, obj, name: str, extra_labels: dict, **kwargs):
        super().__init__(*args, **kwargs)
        fields = forms.fields_for_model(type(obj), fields=workflow.input_fields(obj, name))
        for field_name, field in fields.items():
            # Guards say, in one list, everything that is missing: no field-by-field "required".
            field.required = False
            self.fields[field_name] = field
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
