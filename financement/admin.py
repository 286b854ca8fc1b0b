"""Admin for financing: catalogue, plans and lines (also as inlines on the case), committees.

Thin like transmission's: drafts go through ``services.financing_plan_*`` / ``financing_line_*``
and every status change through ``services.financing_line_decide``, one page per transition
(django-fsm-2's admin mixin would run a posted transition without checking permission). A
forged POST reaches the same service, which refuses it.

The case admin belongs to transmission, which must not import this app: ``extend_case_admin``
re-registers it here as a subclass that adds the plan inline (INSTALLED_APPS order loads
transmission's admin first). A subclass rather than appending to ``CaseAdmin.inlines``: the
class transmission ships stays as written and its own tests keep testing it.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from crm.admin import TerritoryScopedAdmin
from financement import selectors, services, workflow
from financement.models import (
    CommitteeSession,
    FinancingLine,
    FinancingPlan,
    Instrument,
    LineDecision,
)
from transmission.admin import TransitionPageMixin
from transmission.models import Case

NEEDS_FIELDS = ["price_or_investment", "working_capital", "other_needs", "notes"]


def _refusal_message(error) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "provider",
        "family",
        "is_movement_tool",
        "min_amount",
        "max_amount",
        "active",
    ]
    list_filter = ["family", "is_movement_tool", "active"]
    search_fields = ["name", "provider", "code"]

    def get_readonly_fields(self, request, obj=None):
        # Lines copy the family and the movement flag when created: changing them on an
        # instrument in use would make the catalogue lie about past lines.
        if obj is not None and obj.lines.exists():
            return ["code", "family", "is_movement_tool"]
        return []

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and (obj is None or not obj.lines.exists())


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
    """The plan on the case page: needs editable, lines listed (edited on the plan's page)."""

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
        try:
            if plan_form.instance.pk:
                plan = services.financing_plan_update(
                    plan=plan_form.instance, by=request.user, **data
                )
                formset.changed_objects.append((plan, list(data)))
            else:
                plan = services.financing_plan_create(case=case, by=request.user, **data)
                formset.new_objects.append(plan)
        except (PermissionDenied, ValidationError) as error:
            raise PermissionDenied(_refusal_message(error)) from error


def extend_case_admin(site: admin.AdminSite) -> type[admin.ModelAdmin] | None:
    """Re-register the case admin of ``site`` with the financing plan inline added."""
    if not site.is_registered(Case):
        return None
    base = type(site.get_model_admin(Case))
    if issubclass(base, CaseFinancingMixin):
        return base

    class CaseWithFinancingAdmin(CaseFinancingMixin, base):
        inlines = [*base.inlines, FinancingPlanInline]

    site.unregister(Case)
    site.register(Case, CaseWithFinancingAdmin)
    return CaseWithFinancingAdmin


class CaseFinancingMixin:
    def save_formset(self, request, form, formset, change):
        if formset.model is FinancingPlan:
            return _save_plan_formset(request, form.instance, formset)
        return super().save_formset(request, form, formset, change)


extend_case_admin(admin.site)


class FinancingLineInline(admin.TabularInline):
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
    list_display = ["case", "price_or_investment", "working_capital", "other_needs"]
    search_fields = ["case__reference", "case__organisation__name"]
    list_select_related = ["case"]
    raw_id_fields = ["case"]
    fields = ["case", *NEEDS_FIELDS, "figures"]
    readonly_fields = ["figures"]
    inlines = [FinancingLineInline]

    @admin.display(description=_("Figures"))
    def figures(self, plan):
        return plan_figures_html(plan)

    def get_readonly_fields(self, request, obj=None):
        return ["case", "figures"] if obj is not None else ["figures"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in NEEDS_FIELDS}
        data = {name: value for name, value in data.items() if value is not None}
        try:
            if change:
                saved = services.financing_plan_update(plan=obj, by=request.user, **data)
            else:
                saved = services.financing_plan_create(
                    case=form.cleaned_data["case"], by=request.user, **data
                )
        except (PermissionDenied, ValidationError) as error:
            raise PermissionDenied(_refusal_message(error)) from error
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for line_form in formset.forms:
            if not line_form.has_changed():
                continue
            data = line_form.cleaned_data
            try:
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
            except (PermissionDenied, ValidationError) as error:
                raise PermissionDenied(_refusal_message(error)) from error


class DecisionForm(forms.Form):
    """What one transition collects, a comment, and the status the user saw (conflicts)."""

    seen_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, line: FinancingLine, name: str, **kwargs):
        super().__init__(*args, **kwargs)
        fields = forms.fields_for_model(FinancingLine, fields=workflow.INPUTS[name])
        for field_name, field in fields.items():
            field.required = False  # the guards list everything missing at once
            self.fields[field_name] = field
        if "committee_session" in self.fields:
            self.fields["committee_session"].queryset = CommitteeSession.objects.filter(
                regional_union_id=line.plan.case.regional_union_id
            )
        self.fields["comment"] = forms.CharField(
            label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )


class LineDecisionInline(admin.TabularInline):
    model = LineDecision
    fields = ["at", "transition", "source_status", "target_status", "by", "comment", "data"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FinancingLine)
class FinancingLineAdmin(TransitionPageMixin, TerritoryScopedAdmin):
    conflict_errors = (services.LineConflict,)

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
    search_fields = ["plan__case__reference", "instrument__name"]
    list_select_related = ["plan__case", "instrument", "committee_session"]
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
            try:
                services.financing_line_update(
                    line=obj, by=request.user, comment=form.cleaned_data["comment"]
                )
            except (PermissionDenied, ValidationError) as error:
                raise PermissionDenied(_refusal_message(error)) from error

    def get_urls(self):
        custom = [
            path(
                "<path:object_id>/decide/<str:name>/",
                self.admin_site.admin_view(self.decide_view),
                name="financement_financingline_decide",
            )
        ]
        return custom + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        line = self.get_object(request, object_id)
        if line is not None:
            extra_context["line_transitions"] = [
                t for t in workflow.available_transitions(line, request.user) if t.allowed
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request, object_id, name):
        if name not in workflow.TRANSITIONS:
            raise Http404
        line = self.get_object(request, object_id)  # scoped: another UR's line is None
        if line is None:
            raise Http404
        change_url = reverse("admin:financement_financingline_change", args=[line.pk])
        refusal = workflow.status_refusal(line, name) or workflow.permission_refusal(
            line, name, request.user
        )
        if refusal:
            messages.error(request, refusal)
            return HttpResponseRedirect(change_url)
        reasons, status = [], 200
        form = DecisionForm(
            request.POST or None, line=line, name=name, initial={"seen_status": line.status}
        )
        label = workflow.TRANSITIONS[name].label
        if request.method == "POST" and form.is_valid():
            data = {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in ("comment", "seen_status") and v not in (None, "")
            }
            seen = FinancingLine.objects.get(pk=line.pk)
            seen.__dict__["status"] = form.cleaned_data["seen_status"]
            outcome = self.transition_outcome(
                request,
                perform=lambda: services.financing_line_decide(
                    line=seen,
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
            template="admin/financement/financingline/decide.html",
            label=label,
            title=str(line),
            form=form,
            reasons=reasons,
            status=status,
            line=line,
        )


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
                    line.plan.case.reference,
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


@admin.register(LineDecision)
class LineDecisionAdmin(TerritoryScopedAdmin):
    """Decisions: readable in the territory, never added, changed or deleted here."""

    list_display = ["at", "line", "transition", "source_status", "target_status", "by"]
    list_filter = ["transition", "target_status"]
    list_select_related = ["line__instrument", "by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
