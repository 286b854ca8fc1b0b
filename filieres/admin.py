"""Admin for filières and regional priorities: thin, every write goes through services."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from crm import scoping
from crm.admin import TerritoryScopedAdmin
from crm.admin_mixins import ReadOnlyAdminMixin, refusals_on_form
from crm.models import NafVersion
from filieres import naf, services
from filieres.models import Filiere, NafCorrespondence, RegionalPriority
from filieres.resources import FiliereResource


class NoRevertHistoryAdmin(SimpleHistoryAdmin):
    """History is for reading: reverting would bypass the services' checks."""

    def revert_disabled(self, request, obj=None):
        return True


class FiliereForm(forms.ModelForm):
    prefixes = forms.CharField(
        label=_("NAF rév. 2 prefixes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Separated by semicolons, at any level: F; 43; 43.2; 43.22; 43.22A."),
    )
    prefixes_2025 = forms.CharField(
        label=_("NAF 2025 prefixes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Optional: NAF 2025 sub-classes are otherwise classified through the "
            "correspondence table."
        ),
    )

    class Meta:
        model = Filiere
        fields = ["name", "slug", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name, version in (
                ("prefixes", NafVersion.REV2),
                ("prefixes_2025", NafVersion.NAF2025),
            ):
                codes = self.instance.prefixes.filter(naf_version=version).values_list(
                    "code", flat=True
                )
                self.fields[name].initial = "; ".join(codes)

    def _clean_prefixes(self, name: str, version: str) -> str:
        value = self.cleaned_data.get(name, "")
        try:
            naf.parse_prefixes(value, version=version, field=name)
        except ValidationError as error:
            raise ValidationError(error.message_dict[name]) from error
        return value

    def clean_prefixes(self):
        return self._clean_prefixes("prefixes", NafVersion.REV2)

    def clean_prefixes_2025(self):
        return self._clean_prefixes("prefixes_2025", NafVersion.NAF2025)


@admin.register(Filiere)
class FiliereAdmin(ImportExportMixin, NoRevertHistoryAdmin):
    form = FiliereForm
    resource_classes = [FiliereResource]
    list_display = ["name", "slug", "prefix_list"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("prefixes")

    def get_fields(self, request, obj=None):
        # Read-only viewers get the prefixes through prefix_list: the form's "prefixes" field
        # would be looked up on the object, where it is the related manager (a 500).
        if obj is not None and not self.has_change_permission(request, obj):
            return ["name", "slug", "description", "prefix_list"]
        return super().get_fields(request, obj)

    def has_import_permission(self, request):
        # An import overwrites the national list: the service's rule, shown as the button.
        return services.may_manage_filieres(request.user)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "by": request.user}

    @admin.display(description=_("NAF prefixes"))
    def prefix_list(self, filiere: Filiere) -> str:
        return "; ".join(p.code for p in filiere.prefixes.all())

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {"name": data["name"], "slug": data["slug"], "description": data["description"]}
        if change:
            saved = services.filiere_update(
                filiere=obj,
                by=request.user,
                prefixes=data["prefixes"],
                prefixes_2025=data["prefixes_2025"],
                **fields,
            )
        else:
            saved = services.filiere_create(
                by=request.user,
                prefixes=data["prefixes"],
                prefixes_2025=data["prefixes_2025"],
                **fields,
            )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.filiere_delete(filiere=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for filiere in queryset:
            services.filiere_delete(filiere=filiere, by=request.user)


class RegionalPriorityForm(forms.ModelForm):
    class Meta:
        model = RegionalPriority
        fields = ["filiere", "regional_union", "region", "start", "end", "rationale"]


@admin.register(RegionalPriority)
class RegionalPriorityAdmin(TerritoryScopedAdmin, NoRevertHistoryAdmin):
    form = RegionalPriorityForm
    list_display = ["filiere", "regional_union", "region", "start", "end"]
    list_filter = ["filiere", "regional_union", "region"]
    search_fields = ["filiere__name", "rationale"]
    date_hierarchy = "start"
    list_select_related = ["filiere", "regional_union", "region"]

    def _is_national(self, request) -> bool:
        return services.can_designate(request.user, regional_union_id=None)

    def get_readonly_fields(self, request, obj=None):
        # A director's designations are for their UR: the territory is not theirs to choose.
        return [] if self._is_national(request) else ["regional_union", "region"]

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("filieres.change_regionalpriority", obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("filieres.delete_regionalpriority", obj)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        if self._is_national(request):
            return form_class
        profile = scoping.staff_profile(request.user)
        regional_union_id = getattr(profile, "regional_union_id", None)

        class OwnUnionForm(form_class):
            # A new designation is the director's UR's, set before validation so that the
            # model's checks (overlap) see it. An existing row keeps its territory: the page
            # shows it as it is (a région's designation, view-only for a director).
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if self.instance.pk is None:
                    self.instance.regional_union_id = regional_union_id
                    self.instance.region_id = None

        return OwnUnionForm

    def save_model(self, request, obj, form, change):
        fields = {
            "filiere": obj.filiere,
            "regional_union": obj.regional_union,
            "region": obj.region,
            "start": obj.start,
            "end": obj.end,
            "rationale": obj.rationale,
        }
        with refusals_on_form():
            if change:
                saved = services.priority_update(priority=obj, by=request.user, **fields)
            else:
                saved = services.priority_designate(by=request.user, **fields)
        obj.pk = saved.pk


@admin.register(NafCorrespondence)
class NafCorrespondenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Loaded from INSEE's file by ``load_naf_correspondence``; read-only here."""

    list_display = ["rev2_code", "naf2025_code"]
    search_fields = ["rev2_code", "naf2025_code"]
