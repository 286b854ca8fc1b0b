"""The filters every dashboard page shares (period, kind, regional union, filière), plus the
equity page's own choices. Read from the query string; errors are shown in French."""

from __future__ import annotations

import datetime

from django import forms
from django.template.defaultfilters import stringformat
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext_lazy as _

from crm.models import RegionalUnion
from dashboards.selectors.common import DashboardQuery
from dashboards.selectors.equity import LEVELS, RESOURCES
from filieres.models import Filiere
from transmission.choices import CaseKind

MAX_YEARS = 20
EARLIEST = datetime.date(2000, 1, 1)


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The current calendar year and the two before it."""
    return datetime.date(today.year - 2, 1, 1), today


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _attribute_text(value) -> str:
    # ``{{ value|stringformat:'s' }}`` in a template: formatted, then escaped unless safe.
    text = stringformat(value, "s")
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)


def _attributes(attrs: dict) -> str:
    # Django's django/forms/widgets/attrs.html, written in Python.
    return "".join(
        f" {conditional_escape(name)}" + ("" if value is True else f'="{_attribute_text(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _text(value) -> str:
    # ``{{ value }}`` in a template (localised, then escaped unless safe).
    value = localize(value)
    return conditional_escape(value if isinstance(value, str) else str(value))


class Select(forms.Select):
    """Django's select with its options written in Python (the same HTML as Django's
    templates, tested) instead of a template, and an include per option before: every
    dashboard page renders the filters' selects (B5). ``template_name`` is the same HTML as a
    template, for whoever renders the widget's context with it."""

    template_name = "dashboards/widgets/select.html"

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_text(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            for option in group_choices:
                parts.append(
                    f'\n  <option value="{_attribute_text(option["value"])}"'
                    f"{_attributes(option['attrs'])}>{_text(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class DashboardFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *CaseKind.choices],
        widget=Select,
    )
    regional_union = forms.ModelChoiceField(
        label=_("Regional union"),
        required=False,
        queryset=RegionalUnion.objects.order_by("name"),
        empty_label=_("All regional unions"),
        widget=Select,
    )
    filiere = forms.ModelChoiceField(
        label=_("Sector"),
        required=False,
        queryset=Filiere.objects.order_by("name"),
        empty_label=_("All sectors"),
        widget=Select,
    )

    def __init__(self, data=None, *, viewer=None, today=None, **kwargs):
        self.today = today or timezone.localdate()
        super().__init__(data, **kwargs)
        if viewer is not None and viewer.is_regional:
            # A UR's staff read their UR next to the nation: no other UR to choose.
            union = viewer.regional_union
            self.fields["regional_union"].queryset = RegionalUnion.objects.filter(pk=union.pk)
            self.fields["regional_union"].empty_label = None
            self.fields["regional_union"].disabled = True
            self.fields["regional_union"].initial = union.pk
            self.fields["regional_union"].help_text = _(
                "Your regional union is shown next to the national figures."
            )

    def clean(self):
        data = super().clean()
        default_start, default_end = default_period(self.today)
        start = data.get("start") or default_start
        end = data.get("end") or default_end
        if "start" in self.errors or "end" in self.errors:
            return data
        if start > end:
            self.add_error("end", _("The end of the period must not be before its start."))
        elif start < EARLIEST:
            self.add_error("start", _("The period cannot start before 2000."))
        elif (end - start).days > 366 * MAX_YEARS:
            self.add_error("start", _("The period cannot be longer than 20 years."))
        data["start"], data["end"] = start, end
        return data

    def chosen_union(self) -> RegionalUnion | None:
        return self.cleaned_data.get("regional_union")

    def query(self, regional_union_id: int | None) -> DashboardQuery:
        data = self.cleaned_data
        filiere = data.get("filiere")
        return DashboardQuery(
            start=data["start"],
            end=data["end"],
            kind=data.get("kind") or "",
            filiere_id=filiere.pk if filiere else None,
            regional_union_id=regional_union_id,
        )

    def applied(self) -> list[tuple[str, str]]:
        """The filters in force, as (label, value) pairs for the page and the report."""
        from django.utils.formats import date_format

        data = self.cleaned_data
        kind = data.get("kind")
        return [
            (
                str(_("Period")),
                str(
                    _("from %(start)s to %(end)s")
                    % {
                        "start": date_format(data["start"], "d/m/Y"),
                        "end": date_format(data["end"], "d/m/Y"),
                    }
                ),
            ),
            (str(_("Kind")), str(CaseKind(kind).label) if kind else str(_("All kinds"))),
            (
                str(_("Regional union")),
                str(data.get("regional_union") or _("All regional unions")),
            ),
            (str(_("Sector")), str(data.get("filiere") or _("All sectors"))),
        ]


class EquityForm(forms.Form):
    resource = forms.ChoiceField(
        label=_("Resource"), choices=list(RESOURCES.items()), required=False, widget=Select
    )
    level = forms.ChoiceField(
        label=_("Territory"), choices=list(LEVELS.items()), required=False, widget=Select
    )
    window = forms.TypedChoiceField(
        label=_("Window"),
        coerce=int,
        required=False,
        empty_value=0,
        choices=[
            ("", _("the period chosen")),
            (3, _("the last 3 years of the period")),
            (5, _("the last 5 years of the period")),
        ],
        help_text=_("Small territories (Corsica, overseas) are noisy: widen the window."),
        widget=Select,
    )

    def clean_resource(self):
        return self.cleaned_data.get("resource") or "cases"

    def clean_level(self):
        return self.cleaned_data.get("level") or "departement"
