"""Admin for cases: scoped to the territory, stage read-only, transitions through the service.

Each transition has its own page (``crm.admin_mixins.TransitionPageMixin``, shared with the
financing lines): a small form collecting what its guards need, posted to
``services.case_transition``, which checks permission and guards. The apps above add inlines
through ``transmission.extension_points``, never by re-registering this admin.
"""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm import scoping
from crm.admin import TerritoryChoicesMixin, TerritoryScopedAdmin
from crm.admin_mixins import TransitionPageMixin, history_inline, refusals_on_form
from transmission import extension_points, selectors, services
from transmission.choices import ActivityKind
from transmission.choices import CaseTag as CaseTagChoice
from transmission.forms import case_tags_field
from transmission.models import Activity, Case, Membership, StageChange
from transmission.workflow import (
    CASE_WORKFLOW,
    COOPERATIVE_NAME,
    OVERRIDE_REASON,
    is_director_of,
)
from transmission.workflow.permissions import works_on_case_refusal

# Closing data arrive with the transition that needs them, never through the change form.
TRANSITION_ONLY_FIELDS = [
    "abandon_reason",
    "abandon_comment",
    "decline_reason",
    "review_on",
    "cooperative_siren",
    "registered_on",
    "plan_judgment_on",
    "possession_on",
]
ALWAYS_READ_ONLY = [
    "cooperative_link",
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


class CaseAdminForm(forms.ModelForm):
    """The case's fields, plus its tags (rows of their own, saved by ``case_set_tags``)."""

    tags = case_tags_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("tags", selectors.case_tags(self.instance))


StageChangeInline = history_inline(StageChange, ("source_stage", "target_stage"), CASE_WORKFLOW)


class ActivityInlineForm(forms.ModelForm):
    """Says on the field what ``services.activity_create`` would refuse after the case was
    saved (a task without a due date was a 500): the page comes back with the input."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ActivityKind.TASK and not cleaned.get("due_on"):
            self.add_error("due_on", _("A task needs a due date."))
        return cleaned


class ActivityInline(TerritoryChoicesMixin, admin.TabularInline):
    """Existing activities are shown; new ones are recorded through the service."""

    model = Activity
    form = ActivityInlineForm
    fields = ["kind", "subject", "happened_on", "due_on", "assignee", "minutes_spent", "done"]
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    """Read only: members are entered on the back office's case page, through
    ``services.member_category_set`` (which checks who may and what the form admits)."""

    model = Membership
    fields = ["category", "members", "capital", "votes", "cooperative", "updated_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False


@admin.register(Case)
class CaseAdmin(TransitionPageMixin, TerritoryScopedAdmin):
    workflow = CASE_WORKFLOW
    form = CaseAdminForm
    extra_input_labels = {
        OVERRIDE_REASON: _("override reason (director, unbalanced plan)"),
        COOPERATIVE_NAME: _("name of the new cooperative (default: the company's)"),
    }

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
    inlines = [StageChangeInline, ActivityInline, MembershipInline]
    fieldsets = [
        (None, {"fields": ["reference", "organisation", "kind", "stage", "assigned_officer"]}),
        (_("Origin"), {"fields": ["source", "source_partner", "regional_union"]}),
        (
            _("Project"),
            {
                "fields": [
                    "jobs_at_stake",
                    "route",
                    "target_form",
                    "seed_scop",
                    "founding_members",
                    "member_categories",
                    "valuation",
                    "owner_agreement_on",
                    "tags",
                ]
            },
        ),
        (_("Next action"), {"fields": ["next_action", "next_action_on"]}),
        (
            _("Milestones"),
            {
                "fields": [
                    "employees_informed_on",
                    "cse_consulted_on",
                    "employees_waived_bid_on",
                    "general_meeting_on",
                    "signing_on",
                    "registered_on",
                    "cooperative_siren",
                    "cooperative_link",
                    "jobs_at_incorporation",
                ]
            },
        ),
        (
            _("Court procedure (takeover in difficulty)"),
            {
                "fields": [
                    "opening_judgment_on",
                    "court_offer_deadline",
                    "court_hearing_on",
                    "plan_judgment_on",
                    "possession_on",
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

    @admin.display(description=_("tags"))
    def tags(self, obj):
        # What a read-only page shows in place of the form's checkboxes.
        labels = [str(CaseTagChoice(tag).label) for tag in selectors.case_tags(obj)]
        return ", ".join(labels) or "—"

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    @admin.display(description=_("cooperative"))
    def cooperative_link(self, obj):
        """The cooperative's own record (set at incorporation), read-only."""
        if obj is None or obj.cooperative_id is None:
            return "—"
        url = reverse("admin:crm_organisation_change", args=[obj.cooperative_id])
        return format_html('<a href="{}">{}</a>', url, obj.cooperative)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        read_only = list(ALWAYS_READ_ONLY)
        if not is_director_of(request.user, obj):
            read_only.append("assigned_officer")
        return read_only

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        officer = form_class.base_fields.get("assigned_officer")
        if obj is not None and officer is not None:
            # Officers and directors of the case's UR, whoever reassigns (a national user too).
            officer.queryset = scoping.assignable_users(request.user, obj.regional_union_id)
        return form_class

    def has_change_permission(self, request, obj=None):
        # A colleague's case is shown read-only: only its officer and the UR's direction
        # change it (the service's rule, asked rather than restated).
        if obj is not None and works_on_case_refusal(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # Thin: every write goes through a service (permission, UR, reference, history).
        with refusals_on_form():
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
            if "tags" in form.changed_data:
                services.case_set_tags(case=obj, by=request.user, tags=form.cleaned_data["tags"])
            if "assigned_officer" in form.changed_data:
                services.case_reassign(
                    case=obj, officer=form.cleaned_data["assigned_officer"], by=request.user
                )
            obj.refresh_from_db()

    def get_inlines(self, request, obj):
        # Inlines of the apps above (transmission.extension_points), e.g. the financing plan.
        return [*self.inlines, *extension_points.case_admin_inlines()]

    def save_formset(self, request, form, formset, change):
        for inline in extension_points.case_admin_inlines():
            if inline.model is formset.model and hasattr(inline, "save_inline_formset"):
                return inline.save_inline_formset(request, form.instance, formset)
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

    # --- Transition pages (crm.admin_mixins.TransitionPageMixin) ----------------------------

    def run_transition(self, request, obj, name, comment, data):
        return services.case_transition(
            case=obj, name=name, by=request.user, comment=comment, **data
        )

    def transition_summary(self, obj) -> str:
        return gettext("Current stage: %(stage)s.") % {"stage": obj.get_stage_display()}
