"""Query filters and pagination of the staff API's lists."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField

from api.pagination import StrictCursorPagination
from filieres.selectors import in_filiere
from transmission.choices import CaseKind, Stage
from transmission.models import Case

# The largest id PostgreSQL's integer columns hold: bigger values can match nothing.
MAX_ID = 2**31 - 1


class IntegerFilter(filters.Filter):
    field_class = forms.IntegerField


# The widest UTC offset the datetime parsers of Django and PostgreSQL agree on.
MAX_UTC_OFFSET = datetime.timedelta(hours=15, minutes=59)


def offset_in_range(value: datetime.datetime) -> bool:
    """False for an aware date and time whose UTC offset is beyond ±15:59."""
    offset = value.utcoffset()
    return offset is None or abs(offset) <= MAX_UTC_OFFSET


class BoundedIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date and time that the database can hold once converted to UTC."""

    def to_python(self, value):
        try:
            parsed = super().to_python(value)
        except ValueError:
            # Django refuses an offset beyond ±15:59 with a bare ValueError.
            raise forms.ValidationError(_("Enter a valid date and time.")) from None
        if parsed is not None and not offset_in_range(parsed):
            raise forms.ValidationError(
                _("The UTC offset must be between -15:59 and +15:59.")
            ) from None
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


class StaffCursorPagination(StrictCursorPagination):
    """Staff lists: the most recently changed first."""

    ordering = ("-updated_at", "-id")


class ActivityCursorPagination(StaffCursorPagination):
    ordering = ("-created_at", "-id")


__all__ = ["ActivityCursorPagination", "CaseFilter", "StaffCursorPagination"]
