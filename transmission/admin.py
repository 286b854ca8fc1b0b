"""Admin for cases: scoped to the territory, stage read-only, transitions through the service.

django-fsm-2's admin mixin would run a transition named in the POST without checking the
user's permission; here each transition has its own page (a small form collecting what its
guards need) that calls ``services.case_transition``, which checks permission and guards.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from crm.admin import TerritoryScopedAdmin
from transmission import services, workflow
from transmission.models import Activity, Case, LeadAssignmentRule, LeadSubmission, StageChange

# Closing data arrive with the transition that needs them, never through the change form.
TRANSITION_ONLY_FIELDS = [
    "abandon_reason",
    "abandon_comment",
    "decline_reason",
    "review_on",
    "cooperative_siren",
    "registered_on",
]
ALWAYS_READ_ONLY = [
    "reference",
    "stage",
    "previous_stage",
    "regional_union",
    "stage_changed_at",
    "version",
    "created_at",
    "updated_at",
    *TRANSITION_ONLY_FIELDS,
]


class StageChangeInline(admin.TabularInline):
    model = StageChange
    fields = ["at", "transition", "source_stage", "target_stage", "by", "comment", "data"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["at", "id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ActivityInline(admin.TabularInline):
    """Existing activities are shown; new ones are recorded through the service."""

    model = Activity
    fields = ["kind", "subject", "happened_on", "due_on", "assignee", "minutes_spent", "done"]
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False


class TransitionForm(forms.Form):
    """What one transition collects: its case fields, extra inputs, a comment, the version."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, case: Case, name: str, **kwargs):
        super().__init__(*args, **kwargs)
        fields = forms.fields_for_model(Case, fields=workflow.input_fields(case, name))
        for field_name, field in fields.items():
            # Guards say, in one list, everything that is missing: no field-by-field "required".
            field.required = False
            self.fields[field_name] = field
        if workflow.OVERRIDE_REASON in workflow.extra_inputs(name):
            self.fields[workflow.OVERRIDE_REASON] = forms.CharField(
                label=_("override reason (director, unbalanced plan)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["comment"] = forms.CharField(
            label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )


class TransitionPageMixin:
    """The admin page that runs one workflow transition through its service.

    Shared by the case admin and the financing-line admin (financement): the service decides,
    this only turns its answer into a redirect with a message, or the form again with every
    reason it gave (403 when forbidden, 400 when refused).
    """

    # Errors meaning "someone changed the object meanwhile": back to it with the message.
    conflict_errors: tuple[type[Exception], ...] = (services.CaseConflict,)

    def transition_outcome(self, request, *, perform, change_url, label):
        """Run ``perform()``: a redirect when done or in conflict, else (reasons, status)."""
        try:
            perform()
        except self.conflict_errors as conflict:
            messages.error(request, str(conflict))
            return HttpResponseRedirect(change_url)
        except services.TransitionForbidden as forbidden:
            return forbidden.reasons, 403
        except services.TransitionRefused as refused:
            return refused.reasons, 400
        messages.success(request, label)
        return HttpResponseRedirect(change_url)

    def transition_page(self, request, *, template, label, title, form, reasons, status, **extra):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "reasons": reasons,
            "title": f"{title} – {label}",
            "transition_label": label,
            **extra,
        }
        return TemplateResponse(request, template, context, status=status)


@admin.register(Case)
class CaseAdmin(TransitionPageMixin, TerritoryScopedAdmin):
    list_display = [
        "reference",
        "organisation",
        "kind",
        "stage",
        "assigned_officer",
        "next_action_on",
        "regional_union",
    ]
    list_filter = ["stage", "kind", "regional_union", "source"]
    search_fields = ["reference", "organisation__name", "organisation__siren"]
    list_select_related = ["organisation", "assigned_officer", "regional_union"]
    autocomplete_fields = ["organisation", "source_partner"]
    readonly_fields = ALWAYS_READ_ONLY
    inlines = [StageChangeInline, ActivityInline]
    fieldsets = [
        (None, {"fields": ["reference", "organisation", "kind", "stage", "assigned_officer"]}),
        (_("Origin"), {"fields": ["source", "source_partner", "regional_union"]}),
        (
            _("Project"),
            {
                "fields": [
                    "jobs_at_stake",
                    "target_form",
                    "founding_members",
                    "member_categories",
                    "valuation",
                    "owner_agreement_on",
                ]
            },
        ),
        (_("Next action"), {"fields": ["next_action", "next_action_on"]}),
        (
            _("Milestones"),
            {
                "fields": [
                    "employees_informed_on",
                    "general_meeting_on",
                    "court_offer_deadline",
                    "signing_on",
                    "registered_on",
                    "cooperative_siren",
                    "jobs_at_incorporation",
                ]
            },
        ),
        (
            _("Closing and pause"),
            {
                "fields": [
                    "previous_stage",
                    "review_on",
                    "abandon_reason",
                    "abandon_comment",
                    "decline_reason",
                ]
            },
        ),
        (_("Record"), {"fields": ["version", "stage_changed_at", "created_at", "updated_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "fields": [
                    "organisation",
                    "kind",
                    "assigned_officer",
                    "source",
                    "source_partner",
                    "jobs_at_stake",
                ]
            },
        )
    ]

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        read_only = list(ALWAYS_READ_ONLY)
        if not workflow.is_director_of(request.user, obj):
            read_only.append("assigned_officer")
        return read_only

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Thin: every write goes through a service (permission, UR, reference, history).
        try:
            if not change:
                data = {
                    name: form.cleaned_data.get(name) for name in self.add_fieldsets[0][1]["fields"]
                }
                created = services.case_create(by=request.user, **data)
                obj.pk = created.pk
                obj.refresh_from_db()
                return
            changed = [name for name in form.changed_data if name in services.EDITABLE_FIELDS]
            if changed:
                services.case_update(
                    case=obj, by=request.user, **{n: form.cleaned_data[n] for n in changed}
                )
            if "assigned_officer" in form.changed_data:
                services.case_reassign(
                    case=obj, officer=form.cleaned_data["assigned_officer"], by=request.user
                )
            obj.refresh_from_db()
        except (PermissionDenied, ValidationError) as error:
            raise PermissionDenied(" ".join(getattr(error, "messages", [str(error)]))) from error

    def save_formset(self, request, form, formset, change):
        if formset.model is not Activity:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for activity_form in formset.forms:
            if activity_form.instance.pk or not activity_form.has_changed():
                continue
            data = activity_form.cleaned_data
            activity = services.activity_create(
                case=form.instance,
                by=request.user,
                kind=data["kind"],
                subject=data["subject"],
                happened_on=data.get("happened_on"),
                due_on=data.get("due_on"),
                assignee=data.get("assignee"),
                minutes_spent=data.get("minutes_spent"),
            )
            formset.new_objects.append(activity)

    # --- Transition buttons and pages ------------------------------------------------------

    def get_urls(self):
        custom = [
            path(
                "<path:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="transmission_case_transition",
            )
        ]
        return custom + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        case = self.get_object(request, object_id)
        if case is not None:
            extra_context["case_transitions"] = [
                t
                for t in workflow.available_transitions(case, request.user)
                if workflow.permission_refusal(case, t.name, request.user) is None
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, object_id, name):
        if name not in workflow.TRANSITIONS:
            raise Http404
        case = self.get_object(request, object_id)  # scoped: another UR's case is None
        if case is None or not self.has_view_permission(request, case):
            raise Http404
        change_url = reverse("admin:transmission_case_change", args=[case.pk])
        reasons = []
        status = 200
        refusal = workflow.stage_refusal(case, name) or workflow.permission_refusal(
            case, name, request.user
        )
        if refusal:
            messages.error(request, refusal)
            return HttpResponseRedirect(change_url)
        form = TransitionForm(
            request.POST or None, case=case, name=name, initial={"version": case.version}
        )
        label = workflow.TRANSITIONS[name].label
        if request.method == "POST" and form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("comment", "version")}
            data = {k: v for k, v in data.items() if v not in (None, "")}
            case.version = form.cleaned_data["version"]
            outcome = self.transition_outcome(
                request,
                perform=lambda: services.case_transition(
                    case=case,
                    name=name,
                    by=request.user,
                    comment=form.cleaned_data["comment"],
                    **data,
                ),
                change_url=change_url,
                label=label,
            )
            if isinstance(outcome, HttpResponseRedirect):
                return outcome
            reasons, status = outcome
        return self.transition_page(
            request,
            template="admin/transmission/case/transition.html",
            label=label,
            title=case.reference,
            form=form,
            reasons=reasons,
            status=status,
            case=case,
        )


@admin.register(StageChange)
class StageChangeAdmin(TerritoryScopedAdmin):
    """The stage history: readable in the territory, never added, changed or deleted here."""

    list_display = ["at", "case", "transition", "source_stage", "target_stage", "by"]
    list_filter = ["transition", "target_stage"]
    search_fields = ["case__reference"]
    list_select_related = ["case", "by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LeadSubmission)
class LeadSubmissionAdmin(TerritoryScopedAdmin):
    """Partner leads as received (raw body included): read-only, for support."""

    list_display = [
        "created_at",
        "partner",
        "external_ref",
        "kind",
        "case",
        "matched_existing_case",
    ]
    list_filter = ["kind", "matched_existing_case", "partner"]
    search_fields = ["external_ref", "case__reference", "partner__name"]
    list_select_related = ["partner", "case"]
    readonly_fields = [
        "id",
        "partner",
        "case",
        "external_ref",
        "kind",
        "matched_existing_case",
        "created_at",
        "updated_at",
        "payload",
        "raw_body",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LeadAssignmentRule)
class LeadAssignmentRuleAdmin(TerritoryScopedAdmin):
    """Per regional union: least-loaded officer (the default, without a row) or unassigned."""

    list_display = ["regional_union", "mode"]
    list_select_related = ["regional_union"]
