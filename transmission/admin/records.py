"""Admin for what services write and people only read: the stage history, partner leads;
and the per-UR lead assignment rule."""

from django.contrib import admin

from crm.admin import TerritoryScopedAdmin
from crm.admin_mixins import HistoryAdminMixin, ReadOnlyAdminMixin, transition_filter
from transmission.models import LeadAssignmentRule, LeadSubmission, StageChange
from transmission.workflow import CASE_WORKFLOW


@admin.register(StageChange)
class StageChangeAdmin(HistoryAdminMixin, TerritoryScopedAdmin):
    """The stage history: readable in the territory, never added, changed or deleted here."""

    workflow = CASE_WORKFLOW
    list_display = ["at", "case", "transition_label", "source_stage", "target_stage", "by"]
    list_filter = [transition_filter(CASE_WORKFLOW), "target_stage"]
    search_fields = ["case__reference"]
    list_select_related = ["case", "by"]


@admin.register(LeadSubmission)
class LeadSubmissionAdmin(ReadOnlyAdminMixin, TerritoryScopedAdmin):
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
    # Need-to-know: the raw body and payload carry the contact's name, e-mail and phone;
    # only roles allowed to read people see them (a financial-tools officer does not).
    CONTACT_FIELDS = ("payload", "raw_body")

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not request.user.has_perm("crm.view_person"):
            fields = [name for name in fields if name not in self.CONTACT_FIELDS]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)


@admin.register(LeadAssignmentRule)
class LeadAssignmentRuleAdmin(TerritoryScopedAdmin):
    """Per regional union: least-loaded officer (the default, without a row) or unassigned."""

    list_display = ["regional_union", "mode"]
    list_select_related = ["regional_union"]
