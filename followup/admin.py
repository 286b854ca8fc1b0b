"""Admin of the follow-up, scoped to the user's territory (``crm.admin.TerritoryScopedAdmin``).

Records are opened by the incorporation of a case (never added here); their changes, the
cessation and the annual reviews go through ``followup.services``, and a refusal is shown as
the service said it.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crm import scoping
from crm.admin import TerritoryScopedAdmin
from crm.admin_mixins import ReadOnlyAdminMixin, refusals_on_form
from followup import selectors, services
from followup.models import AnnualReview, CeaseCause, CooperativeFollowUp


class AnnualReviewInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AnnualReview
    fields = [
        "year",
        "jobs",
        "members",
        "employee_members",
        "employee_capital_share",
        "turnover",
        "result",
    ]
    readonly_fields = fields
    extra = 0
    show_change_link = True


class FollowUpForm(forms.ModelForm):
    ceased_on = forms.DateField(label=_("ceased on"), required=False)
    cause = forms.ChoiceField(
        label=_("cause of cessation"),
        choices=[("", "—"), *CeaseCause.choices],
        required=False,
    )

    class Meta:
        model = CooperativeFollowUp
        fields = list(services.FOLLOW_UP_FIELDS)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("ceased_on")) != bool(cleaned.get("cause")):
            raise ValidationError(
                {"cause": _("To record a cessation, give both its date and its cause.")}
            )
        return cleaned


@admin.register(CooperativeFollowUp)
class CooperativeFollowUpAdmin(TerritoryScopedAdmin):
    form = FollowUpForm
    list_display = [
        "organisation",
        "status",
        "cease_cause",
        "confederation_member",
        "ur_member",
        "next_revision",
    ]
    list_filter = ["cease_cause", "confederation_member", "ur_member"]
    search_fields = ["organisation__name", "organisation__siren"]
    readonly_fields = ["organisation", "case", "status", "cease_cause", "next_revision"]
    inlines = [AnnualReviewInline]
    list_select_related = ["organisation"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["organisation", "case", "status", "cease_cause"]}),
            (
                _("Membership"),
                {
                    "fields": [
                        "confederation_member",
                        "confederation_member_since",
                        "ur_member",
                        "ur_member_since",
                    ]
                },
            ),
            (
                _("Révision coopérative"),
                {"fields": ["revision_interval_years", "last_revision_on", "next_revision"]},
            ),
        ]
        if obj is not None and obj.is_active:
            fieldsets.append((_("Cessation"), {"fields": ["ceased_on", "cause"]}))
        return fieldsets

    @admin.display(description=_("status"))
    def status(self, obj):
        if obj.organisation.cooperative_ceased_on:
            return _("ceased on %(date)s") % {
                "date": obj.organisation.cooperative_ceased_on.strftime("%d/%m/%Y")
            }
        return _("in activity")

    @admin.display(description=_("next révision due"))
    def next_revision(self, obj):
        if obj.pk is None or not obj.organisation.cooperative_since:
            return "—"
        return selectors.revision_of(obj).due_on.strftime("%d/%m/%Y")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in services.FOLLOW_UP_FIELDS}
        with refusals_on_form():
            services.follow_up_update(follow_up=obj, by=request.user, **values)
            if form.cleaned_data.get("ceased_on"):
                services.cooperative_cease(
                    organisation=obj.organisation,
                    on=form.cleaned_data["ceased_on"],
                    cause=form.cleaned_data["cause"],
                    by=request.user,
                )


@admin.register(AnnualReview)
class AnnualReviewAdmin(TerritoryScopedAdmin):
    list_display = ["follow_up", "year", "jobs", "employee_members", "turnover", "result"]
    list_filter = ["year"]
    search_fields = ["follow_up__organisation__name", "follow_up__organisation__siren"]
    list_select_related = ["follow_up__organisation"]
    fields = ["follow_up", "year", *services.REVIEW_FIELDS]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "follow_up":
            kwargs["queryset"] = scoping.scope_queryset(
                CooperativeFollowUp.objects.select_related("organisation"), request.user
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # A review stays the one of its cooperative and year; another year is a new review.
        return ["follow_up", "year"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data.get(name) for name in services.REVIEW_FIELDS}
        with refusals_on_form():
            saved = services.annual_review_record(
                follow_up=obj.follow_up if change else form.cleaned_data["follow_up"],
                year=obj.year if change else form.cleaned_data["year"],
                by=request.user,
                **values,
            )
        obj.pk = saved.pk
