"""Admin for supports to existing cooperatives: read-only (they are worked in the back office,
through ``services.support_request_*``), their story by the transitions' French labels."""

from django.contrib import admin

from crm.admin import TerritoryScopedAdmin
from crm.admin_mixins import HistoryAdminMixin, ReadOnlyAdminMixin, transition_filter
from financement.models import SupportRequest, SupportStatusChange
from financement.support_workflow import SUPPORT_WORKFLOW


class SupportStatusChangeInline(admin.TabularInline):
    model = SupportStatusChange
    fields = ["at", "transition", "source_status", "target_status", "by", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SupportRequest)
class SupportRequestAdmin(ReadOnlyAdminMixin, TerritoryScopedAdmin):
    list_display = ["organisation", "need", "status", "regional_union", "opened_on", "decided_on"]
    list_filter = ["status", "need", "regional_union"]
    search_fields = ["organisation__name", "organisation__siren"]
    list_select_related = ["organisation", "regional_union"]
    inlines = [SupportStatusChangeInline]


@admin.register(SupportStatusChange)
class SupportStatusChangeAdmin(HistoryAdminMixin, TerritoryScopedAdmin):
    workflow = SUPPORT_WORKFLOW
    list_display = ["at", "support", "transition_label", "source_status", "target_status", "by"]
    list_filter = [transition_filter(SUPPORT_WORKFLOW), "target_status"]
    list_select_related = ["support__organisation", "by"]
