"""CSV/XLSX import of annual reviews (django-import-export), through the review service.

Columns: ``siren,year`` then any of ``services.REVIEW_FIELDS`` (``jobs``, ``members``, …);
shares in %, money in euros with a dot or a comma. A row names its cooperative by SIREN,
looked up inside the importer's territory only. Each row is saved by
``services.annual_review_record`` (create or replace that year's review), so a bad value is
a validation error of that row naming its column; the whole file is one transaction, rolled
back if any row fails (or on a dry run).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.formats import base_formats

from crm import scoping
from crm.actors import is_system
from crm.identifiers import compact_identifier
from followup import services
from followup.models import AnnualReview, CooperativeFollowUp

DECIMAL_FIELDS = {
    "employee_capital_share",
    "employee_vote_share",
    "share_capital",
    "turnover",
    "result",
    "result_to_employees",
    "result_to_dividends",
    "result_to_reserves",
    "general_meeting_turnout",
    "staff_turnover",
}
FORMATS = {"csv": base_formats.CSV, "xlsx": base_formats.XLSX}


def read_dataset(file, format: str):
    """A tablib dataset from an uploaded file, a path-less file object or bytes."""
    if format not in FORMATS:
        raise ValidationError({"format": _("The file must be CSV or XLSX.")})
    content = file.read() if hasattr(file, "read") else file
    file_format = FORMATS[format]()
    if format == "csv" and isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError({"file": _("The CSV file must be encoded in UTF-8.")}) from error
    try:
        return file_format.create_dataset(content)
    except Exception as error:  # tablib/openpyxl raise many kinds for an unreadable file
        raise ValidationError({"file": _("The file could not be read.")}) from error


class FollowUpBySirenWidget(widgets.Widget):
    """The follow-up of the cooperative whose SIREN is in the cell, inside ``user``'s territory."""

    def __init__(self, user):
        super().__init__()
        self.user = user

    def clean(self, value, row=None, **kwargs):
        siren = compact_identifier(str(value or ""))
        if not siren:
            raise ValueError(_("Give the SIREN of the cooperative."))
        queryset = CooperativeFollowUp.objects.select_related("organisation")
        if not is_system(self.user):
            queryset = scoping.scope_queryset(queryset, self.user)
        follow_up = queryset.filter(organisation__siren=siren).first()
        if follow_up is None:
            raise ValueError(
                _("No followed cooperative with SIREN “%(siren)s” in your territory.")
                % {"siren": siren}
            )
        return follow_up

    def render(self, value, obj=None, **kwargs):
        return value.organisation.siren if value else ""


class FrenchDecimalWidget(widgets.Widget):
    """A decimal written either way (``12,5`` or ``12.5``); empty is None."""

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        text = str(value).strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
        try:
            return Decimal(text)
        except InvalidOperation as error:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from error


class WholeNumberWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation as error:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value}) from error
        if number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        return int(number)


class AnnualReviewResource(resources.ModelResource):
    """``by``: who imports; their territory bounds the SIRENs a file may name."""

    class Meta:
        model = AnnualReview
        fields = ["siren", "year", *services.REVIEW_FIELDS]
        import_order = ["siren", "year", *services.REVIEW_FIELDS]
        # Every row is new to the resource: the service replaces an existing year itself.
        force_init_instance = True
        use_transactions = True
        skip_unchanged = False
        # The service validates (full_clean on the real row); validating here would
        # refuse a replacement as a duplicate year.
        clean_model_instances = False

    def __init__(self, *, by, **kwargs):
        super().__init__(**kwargs)
        self.by = by
        self.fields["siren"] = fields.Field(
            attribute="follow_up", column_name="siren", widget=FollowUpBySirenWidget(by)
        )
        self.fields["year"].widget = WholeNumberWidget()
        for name in services.REVIEW_FIELDS:
            self.fields[name].widget = (
                FrenchDecimalWidget() if name in DECIMAL_FIELDS else WholeNumberWidget()
            )

    def import_data(self, dataset, *args, **kwargs):
        # All or nothing: one bad row and no row is saved (the result lists every error).
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, *args, **kwargs)

    def save_instance(self, instance, is_create, row, **kwargs):
        values = {name: getattr(instance, name) for name in services.REVIEW_FIELDS if name in row}
        saved = services.annual_review_record(
            follow_up=instance.follow_up, year=instance.year, by=self.by, **values
        )
        instance.pk = saved.pk
