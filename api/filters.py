"""Query filters and pagination of the staff API's lists."""

import datetime

from django import forms
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from rest_framework import exceptions, serializers
from rest_framework.pagination import CursorPagination

from filieres.selectors import in_filiere
from transmission.choices import CaseKind, Stage
from transmission.models import Case

# The largest id PostgreSQL's integer columns hold: bigger values can match nothing.
MAX_ID = 2**31 - 1


class IntegerFilter(filters.Filter):
    field_class = forms.IntegerField


class BoundedIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date and time that the database can hold once converted to UTC."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is not None:
            try:
                parsed.astimezone(datetime.UTC)
            except OverflowError:
                raise forms.ValidationError(_("Enter a valid date and time.")) from None
        return parsed


class BoundedIsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField


class NoBlankForm(forms.Form):
    """Filters whose value has a type or a set of choices: given empty, they are an error
    (django-filter would silently ignore them)."""

    typed_filters: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        for name in self.typed_filters:
            if name in self.data and not str(self.data.get(name, "")).strip():
                self.add_error(name, _("This parameter cannot be empty."))
        return cleaned


class CaseFilterForm(NoBlankForm):
    typed_filters = ("stage", "kind", "officer", "updated_since", "ur", "filiere")


class CaseFilter(filters.FilterSet):
    stage = filters.ChoiceFilter(choices=Stage.choices, help_text=_("Current stage."))
    kind = filters.ChoiceFilter(choices=CaseKind.choices, help_text=_("Kind of case."))
    ur = filters.CharFilter(
        field_name="regional_union__code",
        min_length=1,
        max_length=20,
        help_text=_("Code of the regional union (e.g. “ouest”)."),
    )
    officer = IntegerFilter(
        field_name="assigned_officer_id",
        min_value=1,
        max_value=MAX_ID,
        help_text=_("Id of the assigned officer (a user id)."),
    )
    filiere = filters.CharFilter(
        method="filter_filiere",
        min_length=1,
        max_length=50,
        help_text=_("Slug of a filière: cases whose organisation belongs to it."),
    )
    updated_since = BoundedIsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=_("ISO 8601 date and time: cases changed at or after it."),
    )

    class Meta:
        model = Case
        form = CaseFilterForm
        fields = ["stage", "kind", "ur", "officer", "filiere", "updated_since"]

    def filter_filiere(self, queryset, name, value):
        return queryset.filter(in_filiere(value, organisation_path="organisation"))


def _aware_datetime(value: str) -> bool:
    """Whether ``value`` is a date and time with an offset that the database can hold."""
    try:
        parsed = parse_datetime(value)
        if parsed is None or parsed.tzinfo is None:
            return False
        parsed.astimezone(datetime.UTC)
    except (ValueError, TypeError, OverflowError):
        return False
    return True


class StaffCursorPagination(CursorPagination):
    """Cursor pages of at most 100 items (50 by default), newest change first.

    A ``page_size`` outside 1..100 and a cursor that does not decode are 400s naming the
    parameter (DRF would fall back to the default size, and answer 404 for the cursor); a
    cursor's position is checked before it reaches the database.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-updated_at", "-id")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise serializers.ValidationError(
                {
                    self.page_size_query_param: [
                        _("Enter a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            cursor = None
        else:
            if cursor is None or cursor.position is None:
                return cursor
            if _aware_datetime(cursor.position):
                return cursor
        if encoded is None:
            return None
        raise serializers.ValidationError({self.cursor_query_param: [_("Invalid cursor.")]})

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 100}
        return parameters


class ActivityCursorPagination(StaffCursorPagination):
    ordering = ("-created_at", "-id")


__all__ = ["ActivityCursorPagination", "CaseFilter", "StaffCursorPagination"]
