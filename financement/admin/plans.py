"""Admin for financing plans: on the case's page (inline) and their own page (with the lines).

Drafts go through ``services.financing_plan_*`` / ``financing_line_*``; a refusal is shown as
the service said it.
"""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from crm.admin import TerritoryChoicesMixin, TerritoryScopedAdmin
from crm.admin_mixins import refusals_on_form
from financement import selectors, services
from financement.models import FinancingLine, FinancingPlan

NEEDS_FIELDS = ["price_or_investment", "working_capital", "other_needs", "notes"]


def lines_table(plan: FinancingPlan | None) -> str:
    """The plan's lines and figures, read-only, each linking to its decision page."""
    if plan is None or plan.pk is None:
        return "—"
    lines = plan.lines.select_related("instrument").order_by("created_at", "id")
    rows = format_html_join(
        "",
        "<tr><td><a href='{}'>{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                reverse("admin:financement_financingline_change", args=[line.pk]),
                line.instrument.name,
                line.get_status_display(),
                line.amount_requested,
                line.amount_committed if line.amount_committed is not None else "—",
                line.amount_disbursed if line.amount_disbursed is not None else "—",
            )
            for line in lines
        ),
    )
    header = format_html(
        "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        _("instrument"),
        _("status"),
        _("amount requested (€)"),
        _("amount committed (€)"),
        _("amount disbursed (€)"),
    )
    edit = format_html(
        "<a href='{}'>{}</a>",
        reverse("admin:financement_financingplan_change", args=[plan.pk]),
        _("Edit the lines"),
    )
    return format_html("<table>{}{}</table>{}", header, rows, edit)


class OptionalFormSet(BaseInlineFormSet):
    """A POST that does not carry this formset at all leaves the plan alone.

    The case form is transmission's: a client that posts it without knowing about financing
    (a script, an older page, transmission's own tests) must not fail on a missing
    management form of an inline it never saw.
    """

    def is_absent(self) -> bool:
        return self.is_bound and f"{self.prefix}-TOTAL_FORMS" not in self.data

    def full_clean(self):
        super().full_clean()
        if self.is_absent():
            self._errors, self._non_form_errors = [], self.error_class()


class FinancingPlanInline(admin.StackedInline):
    """The plan on the case page: needs editable, lines listed (edited on the plan's page).

    Registered on the case admin from ``FinancementConfig.ready`` through
    ``transmission.extension_points.register_case_admin_inline``.
    """

    model = FinancingPlan
    formset = OptionalFormSet
    fields = [*NEEDS_FIELDS, "figures", "lines"]
    readonly_fields = ["figures", "lines"]
    extra = 0
    max_num = 1
    can_delete = False

    @admin.display(description=_("Figures"))
    def figures(self, plan):
        return plan_figures_html(plan)

    @admin.display(description=_("Lines"))
    def lines(self, plan):
        return lines_table(plan)

    @staticmethod
    def save_inline_formset(request, case, formset) -> None:
        """Called by the case admin (transmission.extension_points): through the services."""
        _save_plan_formset(request, case, formset)


def plan_figures_html(plan: FinancingPlan | None) -> str:
    """Needs, committed, gap and leverage of a plan the admin already scoped (via its case)."""
    if plan is None or plan.pk is None:
        return "—"
    figures = selectors.figures_of(
        selectors.with_figures(FinancingPlan.objects.filter(pk=plan.pk)).get()
    )
    return format_html(
        "{}: {} € · {}: {} € · {}: {} € · {}: {}",
        _("needs"),
        figures.needs,
        _("committed"),
        figures.committed,
        _("gap"),
        figures.gap,
        _("leverage"),
        "—" if figures.leverage is None else f"{figures.leverage:.2f}",
    )


def _save_plan_formset(request, case, formset) -> None:
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    if getattr(formset, "is_absent", lambda: False)():
        return
    for plan_form in formset.forms:
        if not plan_form.has_changed():
            continue
        data = {name: plan_form.cleaned_data.get(name) for name in NEEDS_FIELDS}
        data = {name: value for name, value in data.items() if value is not None}
        with refusals_on_form():
            if plan_form.instance.pk:
                plan = services.financing_plan_update(
                    plan=plan_form.instance, by=request.user, **data
                )
                formset.changed_objects.append((plan, list(data)))
            else:
                plan = services.financing_plan_create(case=case, by=request.user, **data)
                formset.new_objects.append(plan)


class FinancingLineInline(TerritoryChoicesMixin, admin.TabularInline):
    """Lines on the plan's page: drafts editable, decisions through each line's page."""

    model = FinancingLine
    fk_name = "plan"
    fields = [
        "instrument",
        "amount_requested",
        "secures",
        "comment",
        "status",
        "amount_committed",
        "amount_disbursed",
        "decision_on",
        "committee_session",
    ]
    readonly_fields = [
        "status",
        "amount_committed",
        "amount_disbursed",
        "decision_on",
        "committee_session",
    ]
    extra = 1
    can_delete = False
    show_change_link = True
    raw_id_fields = ["secures"]


@admin.register(FinancingPlan)
class FinancingPlanAdmin(TerritoryScopedAdmin):
    list_display = ["holder", "price_or_investment", "working_capital", "other_needs"]
    search_fields = [
        "case__reference",
        "case__organisation__name",
        "support__organisation__name",
    ]
    list_select_related = ["case", "support__organisation"]
    raw_id_fields = ["case"]
    fields = ["case", *NEEDS_FIELDS, "figures"]
    readonly_fields = ["figures"]
    inlines = [FinancingLineInline]

    @admin.display(description=_("Figures"))
    def figures(self, plan):
        return plan_figures_html(plan)

    @admin.display(description=_("financed"))
    def holder(self, plan):
        return plan.holder.reference

    def get_fields(self, request, obj=None):
        # A support's plan is opened with the support (back office); a new plan is a case's.
        if obj is not None and obj.support_id is not None:
            return ["support", *NEEDS_FIELDS, "figures"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return ["case", "support", "figures"] if obj is not None else ["figures"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in NEEDS_FIELDS}
        data = {name: value for name, value in data.items() if value is not None}
        with refusals_on_form():
            if change:
                saved = services.financing_plan_update(plan=obj, by=request.user, **data)
            else:
                saved = services.financing_plan_create(
                    case=form.cleaned_data["case"], by=request.user, **data
                )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for line_form in formset.forms:
            if not line_form.has_changed():
                continue
            data = line_form.cleaned_data
            with refusals_on_form():
                if line_form.instance.pk:
                    fields = {
                        name: data.get(name)
                        for name in line_form.changed_data
                        if name in services.LINE_EDITABLE_FIELDS
                    }
                    line = services.financing_line_update(
                        line=line_form.instance, by=request.user, **fields
                    )
                    formset.changed_objects.append((line, list(fields)))
                else:
                    line = services.financing_line_create(
                        plan=form.instance,
                        by=request.user,
                        instrument=data["instrument"],
                        amount_requested=data["amount_requested"],
                        secures=data.get("secures"),
                        comment=data.get("comment") or "",
                    )
                    formset.new_objects.append(line)
