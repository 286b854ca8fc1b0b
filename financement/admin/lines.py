"""Admin for financing lines: every status change through ``services.financing_line_decide``,
one page per transition (``crm.admin_mixins.TransitionPageMixin``, shared with the cases); a
forged POST reaches the same service, which refuses it. Decisions are read-only records.
"""

from django.contrib import admin
from django.utils.translation import gettext

from crm.admin import TerritoryScopedAdmin
from crm.admin_mixins import (
    HistoryAdminMixin,
    TransitionPageMixin,
    history_inline,
    refusals_on_form,
    transition_filter,
)
from financement import services
from financement.models import CommitteeSession, FinancingLine, LineDecision
from financement.workflow import LINE_WORKFLOW

LineDecisionInline = history_inline(LineDecision, ("source_status", "target_status"), LINE_WORKFLOW)


@admin.register(FinancingLine)
class FinancingLineAdmin(TransitionPageMixin, TerritoryScopedAdmin):
    workflow = LINE_WORKFLOW
    transition_path = "decide"

    list_display = [
        "plan",
        "instrument",
        "status",
        "amount_requested",
        "amount_committed",
        "decision_on",
        "committee_session",
    ]
    list_filter = ["status", "is_movement_tool", "family"]
    search_fields = [
        "plan__case__reference",
        "plan__support__organisation__name",
        "instrument__name",
    ]
    list_select_related = [
        "plan__case",
        "plan__support__organisation",
        "instrument",
        "committee_session",
    ]
    fields = [
        "plan",
        "instrument",
        "family",
        "is_movement_tool",
        "status",
        "amount_requested",
        "amount_committed",
        "amount_disbursed",
        "decision_on",
        "disbursed_on",
        "committee_session",
        "secures",
        "comment",
    ]
    readonly_fields = [name for name in fields if name != "comment"]
    inlines = [LineDecisionInline]

    def has_add_permission(self, request):
        return False  # lines are added on their plan's page

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if "comment" in form.changed_data:
            with refusals_on_form():
                services.financing_line_update(
                    line=obj, by=request.user, comment=form.cleaned_data["comment"]
                )

    # --- Decision pages (crm.admin_mixins.TransitionPageMixin) -----------------------------

    def run_transition(self, request, obj, name, comment, data):
        return services.financing_line_decide(
            line=obj, name=name, by=request.user, comment=comment, **data
        )

    def transition_summary(self, obj) -> str:
        return gettext("Case %(case)s; current status: %(status)s.") % {
            "case": obj.plan.holder.reference,
            "status": obj.get_status_display(),
        }

    def limit_transition_form(self, form, obj) -> None:
        if "committee_session" in form.fields:
            form.fields["committee_session"].queryset = CommitteeSession.objects.filter(
                regional_union_id=obj.plan.holder.regional_union_id
            )


@admin.register(LineDecision)
class LineDecisionAdmin(HistoryAdminMixin, TerritoryScopedAdmin):
    """Decisions: readable in the territory, never added, changed or deleted here."""

    workflow = LINE_WORKFLOW
    list_display = ["at", "line", "transition_label", "source_status", "target_status", "by"]
    list_filter = [transition_filter(LINE_WORKFLOW), "target_status"]
    list_select_related = ["line__instrument", "by"]
