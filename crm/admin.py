"""Admin for crm. Every staff-facing admin of a territorial model uses TerritoryScopedAdmin."""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from crm import gdpr, scoping, services
from crm.admin_mixins import RefusalsOnFormMixin, refusals_on_form
from crm.models import (
    Departement,
    GdprOperation,
    NafEntry,
    OfficerProfile,
    Organisation,
    Partner,
    Person,
    PostalCode,
    Region,
    RegionalUnion,
    RegionalUnionDepartement,
    User,
)

admin.site.site_header = _("Relève administration")
admin.site.site_title = _("Relève")
admin.site.index_title = _("Back office")


class TerritoryChoicesMixin:
    """Foreign-key and many-to-many choices limited to the user's territory (model admins
    and inlines alike): a forged value from another UR is "not one of the choices", a French
    message on its field, and nothing is written."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            choices = scoping.choices_for(request.user, db_field)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            choices = scoping.choices_for(request.user, db_field)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def territory_checked_form(form_class, user):
    """A model form refusing, beside the form, a row that would land in another UR (a postal
    code moving an organisation elsewhere, say): the input stays on the page."""

    class TerritoryCheckedForm(form_class):
        def _post_clean(self):
            super()._post_clean()
            model = type(self.instance)
            if scoping.is_territorial(model) and not scoping.may_write(user, self.instance):
                self.add_error(
                    None,
                    _(
                        "This record would belong to another regional union than yours: "
                        "check the postal code or the regional union."
                    ),
                )

    TerritoryCheckedForm.__name__ = form_class.__name__
    return TerritoryCheckedForm


class TerritoryScopedAdmin(RefusalsOnFormMixin, TerritoryChoicesMixin, admin.ModelAdmin):
    """Shows and edits only the rows of the user's territory.

    Scoping the queryset is enough for reading: change, delete and history pages load their
    object through it, so another UR's row answers 404 even by typed URL. Writes are held
    to the territory twice: the form's choices (TerritoryChoicesMixin) and the row's
    resulting territory (territory_checked_form), and the services check again; what they
    refuse comes back on the form with the user's input (RefusalsOnFormMixin).
    """

    def get_queryset(self, request):
        return scoping.scope_queryset(super().get_queryset(request), request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        return territory_checked_form(form_class, request.user)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Another UR's row, by typed URL: the French 404 page, never a redirect with a hint.
        raise Http404(_("No such record in your territory."))


class ReadOnlyReferenceAdmin(admin.ModelAdmin):
    """Reference data is loaded from committed files; only administrators may change it."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyReferenceAdmin):
    list_display = ["code", "name", "population"]
    search_fields = ["code", "name"]


@admin.register(Departement)
class DepartementAdmin(ReadOnlyReferenceAdmin):
    list_display = ["code", "name", "region", "population"]
    list_filter = ["region"]
    search_fields = ["code", "name"]


@admin.register(PostalCode)
class PostalCodeAdmin(ReadOnlyReferenceAdmin):
    list_display = ["code", "departement"]
    search_fields = ["code"]
    list_select_related = ["departement"]


@admin.register(NafEntry)
class NafEntryAdmin(ReadOnlyReferenceAdmin):
    list_display = ["code", "label", "level", "version"]
    list_filter = ["version", "level"]
    search_fields = ["code", "label"]
    raw_id_fields = ["parent"]


class RegionalUnionDepartementInline(admin.TabularInline):
    model = RegionalUnionDepartement
    extra = 0
    autocomplete_fields = ["departement"]


@admin.register(RegionalUnion)
class RegionalUnionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    inlines = [RegionalUnionDepartementInline]


@admin.register(Organisation)
class OrganisationAdmin(TerritoryScopedAdmin):
    list_display = [
        "name",
        "siren",
        "cooperative_type",
        "naf_code",
        "employees",
        "postal_code",
        "city",
        "departement",
    ]
    list_filter = ["cooperative_type", "legal_form", "departement__region"]
    search_fields = ["name", "siren", "siret", "city", "postal_code"]
    list_select_related = ["departement"]
    readonly_fields = ["departement", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "legal_form", "employees"]}),
        (_("Identifiers"), {"fields": ["siren", "siret", "naf_code", "naf_version"]}),
        (_("Address"), {"fields": ["postal_code", "city", "departement"]}),
        (
            _("Cooperative"),
            {"fields": ["cooperative_type", "cooperative_since", "cooperative_ceased_on"]},
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        # Through the services, which refuse a row landing outside the user's territory.
        with refusals_on_form():
            if change:
                fields = {name: getattr(obj, name) for name in form.changed_data}
                saved = services.organisation_update(organisation=obj, by=request.user, **fields)
            else:
                fields = {
                    field.name: getattr(obj, field.name)
                    for field in Organisation._meta.concrete_fields
                    if field.editable and not field.primary_key
                }
                saved = services.organisation_create(by=request.user, **fields)
            obj.pk = saved.pk
            obj.refresh_from_db()


@admin.register(Person)
class PersonAdmin(TerritoryScopedAdmin):
    list_display = ["last_name", "first_name", "role", "organisation", "email", "lawful_basis"]
    list_filter = ["role", "lawful_basis"]
    search_fields = ["last_name", "first_name", "email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]
    actions = ["gdpr_export", "gdpr_erase"]

    def save_model(self, request, obj, form, change):
        with refusals_on_form():
            if change:
                scoping.require_write(request.user, obj)
                super().save_model(request, obj, form, change)
            else:
                fields = {
                    field.name: getattr(obj, field.name)
                    for field in Person._meta.concrete_fields
                    if field.editable and not field.primary_key
                }
                obj.pk = services.person_create(by=request.user, **fields).pk
                obj.refresh_from_db()

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not gdpr.may_run_gdpr(request.user):
            actions.pop("gdpr_export", None)
            actions.pop("gdpr_erase", None)
        return actions

    def _addresses(self, request, queryset) -> list[str] | None:
        addresses = sorted({person.email.strip().lower() for person in queryset if person.email})
        if len(addresses) < queryset.count():
            self.message_user(
                request,
                _("GDPR requests find a person by e-mail address: select people who have one."),
                messages.ERROR,
            )
            return None
        return addresses

    @admin.action(description=_("GDPR: export everything held about them (JSON)"))
    def gdpr_export(self, request, queryset):
        addresses = self._addresses(request, queryset)
        if addresses is None:
            return None
        exports = [gdpr.gdpr_export(email=address, by=request.user) for address in addresses]
        response = HttpResponse(
            json.dumps(exports, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="export-rgpd.json"'
        return response

    @admin.action(description=_("GDPR: erase them everywhere"))
    def gdpr_erase(self, request, queryset):
        addresses = self._addresses(request, queryset)
        if addresses is None:
            return None
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                "admin/crm/gdpr/confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Erase personal data"),
                    "question": _(
                        "Their names, e-mail addresses and phone numbers will be replaced "
                        "everywhere Relève holds them (leads, notes, history). This cannot be "
                        "undone."
                    ),
                    "people": list(queryset),
                    "action": "gdpr_erase",
                    "cancel_url": request.get_full_path(),
                },
            )
        for address in addresses:
            gdpr.gdpr_erase(email=address, by=request.user)
        self.message_user(
            request,
            _("The personal data of %(count)d person(s) were erased.") % {"count": len(addresses)},
            messages.SUCCESS,
        )
        return None


class GdprPurgeForm(forms.Form):
    years = forms.IntegerField(
        label=_("Retention period (years)"), min_value=1, initial=gdpr.DEFAULT_PURGE_YEARS
    )


@admin.register(GdprOperation)
class GdprOperationAdmin(admin.ModelAdmin):
    """The GDPR log, read-only; the purge is started from its list."""

    list_display = ["at", "kind", "by", "counts"]
    list_filter = ["kind"]
    change_list_template = "admin/crm/gdpr/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return gdpr.may_run_gdpr(request.user)

    def has_module_permission(self, request):
        return gdpr.may_run_gdpr(request.user)

    def get_urls(self):
        return [
            path(
                "purge/",
                self.admin_site.admin_view(self.purge_view),
                name="crm_gdproperation_purge",
            ),
            *super().get_urls(),
        ]

    def purge_view(self, request):
        if not gdpr.may_run_gdpr(request.user):
            raise PermissionDenied
        form = GdprPurgeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            counts = gdpr.gdpr_purge(years=form.cleaned_data["years"], by=request.user)
            self.message_user(
                request,
                _("Purge done: the data of %(count)d person(s) were erased.")
                % {"count": counts.get("people", 0)},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:crm_gdproperation_changelist"))
        return TemplateResponse(
            request,
            "admin/crm/gdpr/confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Purge stale leads"),
                "question": _(
                    "The people of declined or abandoned cases with no activity for this "
                    "period will be erased everywhere. This cannot be undone."
                ),
                "form": form,
                "cancel_url": reverse("admin:crm_gdproperation_changelist"),
            },
        )


@admin.register(Partner)
class PartnerAdmin(TerritoryScopedAdmin):
    list_display = ["name", "type", "regional_union", "contact_name", "is_active"]
    list_filter = ["type", "is_active", "regional_union"]
    search_fields = ["name", "slug", "contact_name"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        with refusals_on_form():
            services.partner_save(partner=obj, by=request.user)


@admin.register(OfficerProfile)
class OfficerProfileAdmin(TerritoryScopedAdmin):
    list_display = ["user", "role", "regional_union"]
    list_filter = ["role", "regional_union"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]

    list_select_related = ["user", "regional_union"]

    def save_model(self, request, obj, form, change):
        # The role decides groups and admin access: go through the service.
        services.officer_profile_set(
            user=obj.user, role=obj.role, regional_union=obj.regional_union
        )


class OfficerProfileInline(admin.StackedInline):
    model = OfficerProfile
    can_delete = False
    extra = 0
    max_num = 1


@admin.register(User)
class ReleveUserAdmin(UserAdmin):
    inlines = [OfficerProfileInline]
    list_display = ["username", "full_name", "email", "is_staff", "is_active"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("display_name", "first_name", "last_name", "email")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "first_name",
                    "last_name",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    @admin.display(description=_("full name"), ordering="last_name")
    def full_name(self, obj):
        return obj.full_name

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        profile = OfficerProfile.objects.filter(user=form.instance).first()
        if profile:
            services.officer_profile_set(
                user=form.instance, role=profile.role, regional_union=profile.regional_union
            )
