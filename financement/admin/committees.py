"""Admin for committee sessions, with their agenda (lines awaiting a decision)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from crm.admin import TerritoryScopedAdmin
from financement import selectors, workflow
from financement.models import CommitteeSession


@admin.register(CommitteeSession)
class CommitteeSessionAdmin(TerritoryScopedAdmin):
    list_display = ["held_on", "regional_union"]
    list_filter = ["regional_union"]
    date_hierarchy = "held_on"
    fields = ["regional_union", "held_on", "members_present", "other_members", "notes", "agenda"]
    readonly_fields = ["agenda"]
    filter_horizontal = ["members_present"]

    @admin.display(description=_("Agenda: lines awaiting a decision"))
    def agenda(self, session):
        if session is None or session.pk is None:
            return "—"
        lines = selectors.committee_agenda(user=self._user, session=session)
        return format_html_join(
            "",
            "<p><a href='{}'>{} – {} – {} €</a></p>",
            (
                (
                    reverse("admin:financement_financingline_change", args=[line.pk]),
                    line.plan.holder.reference,
                    line.instrument.name,
                    line.amount_requested,
                )
                for line in lines
            ),
        ) or _("No line awaits a decision.")

    def get_form(self, request, obj=None, change=False, **kwargs):
        self._user = request.user
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        if not workflow.is_financial_officer_of(request.user, obj.regional_union_id):
            raise PermissionDenied(
                _("Only a financial-tools officer of this regional union records its committees.")
            )
        super().save_model(request, obj, form, change)
