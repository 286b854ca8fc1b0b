"""Forms of the back office: they parse; the services decide (and their errors come back
onto the fields through ``crm.form_errors.add_refusal``)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from backoffice.models import ImportKind
from backoffice.selectors.staff import union_case_workers, union_officers
from crm.form_errors import add_refusal
from crm.identifiers import normalize_siren
from financement.choices import SupportNeed
from financement.selectors import instrument_list
from transmission.choices import CaseKind, CaseSource
from transmission.forms import case_tags_field

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def run_service(form: forms.Form, call) -> bool:
    """``call(cleaned_data)`` when the form is valid; a refusal's messages go onto the form
    (``crm.form_errors``). True when the service did its work."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        add_refusal(error, form)
    else:
        return True
    return False


class TaskForm(forms.Form):
    subject = forms.CharField(label=_("subject"), max_length=200)
    # Not required here: the service says "a task needs a due date" on the field.
    due_on = forms.DateField(label=_("due on"), required=False, widget=DATE)
    assignee = forms.ModelChoiceField(label=_("assignee"), queryset=None, required=False)
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = union_case_workers(case.regional_union_id)
        self.fields["assignee"].empty_label = _("me")


class TaskReassignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("give to"), queryset=None)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = union_case_workers(case.regional_union_id)


class ReassignForm(forms.Form):
    """Another officer of the UR for a case or a support (its ``holder``)."""

    officer = forms.ModelChoiceField(label=_("assigned officer"), queryset=None)

    def __init__(self, *args, holder, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = union_officers(holder.regional_union_id)
        self.initial.setdefault("officer", holder.assigned_officer_id)


class CaseTagsForm(forms.Form):
    tags = case_tags_field()


class SirenLookupForm(forms.Form):
    siren = forms.CharField(label=_("SIREN"), max_length=20, required=False)

    def clean_siren(self):
        value = self.cleaned_data["siren"].strip()
        return normalize_siren(value) if value else ""


class NewCaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=CaseKind.choices)
    jobs_at_stake = forms.IntegerField(label=_("jobs at stake"), min_value=0, required=False)
    assigned_officer = forms.ModelChoiceField(
        label=_("assigned officer"), queryset=None, required=False
    )
    source = forms.ChoiceField(
        label=_("source"), choices=CaseSource.choices, initial=CaseSource.DIRECT
    )
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, regional_union_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_officer"].queryset = union_officers(regional_union_id)


class NewOrganisationForm(forms.Form):
    """An organisation not yet known (no SIREN for a creation from scratch)."""

    name = forms.CharField(label=_("name"), max_length=200)
    postal_code = forms.CharField(label=_("postal code"), max_length=10)
    city = forms.CharField(label=_("city"), max_length=100, required=False)
    naf_code = forms.CharField(label=_("NAF code"), max_length=8, required=False)


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("what the file holds"),
        choices=ImportKind.choices,
    )
    file = forms.FileField(label=_("CSV or XLSX file"))


class FrenchDecimalField(forms.DecimalField):
    """A number typed the French way: ``1 500,50`` (any space groups digits, comma decimal)."""

    def __init__(self, **kwargs):
        super().__init__(localize=True, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "")
        return super().to_python(value)


class MemberCategoryForm(forms.Form):
    """One category of the cooperative's members; the service checks the figures (French
    messages on each field) and whether the target form admits the category."""

    category = forms.ChoiceField(label=_("category"))
    members = forms.IntegerField(label=_("number of members"))
    capital = FrenchDecimalField(label=_("capital held (€)"), max_digits=14, decimal_places=2)
    votes = FrenchDecimalField(
        label=_("votes held"),
        max_digits=9,
        decimal_places=2,
        required=False,
        help_text=_("One vote per member when left empty."),
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(code, capfirst(label)) for code, label in categories]


# --- Supports to existing cooperatives ----------------------------------------------------------


def _amount(label, required: bool = False) -> FrenchDecimalField:
    return FrenchDecimalField(label=label, max_digits=14, decimal_places=2, required=required)


class SupportOpenForm(forms.Form):
    """A request of an active cooperative; the service decides who may open one, and where."""

    need = forms.ChoiceField(label=_("need"), choices=SupportNeed.choices)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    price_or_investment = _amount(_("investment or price (€)"))
    working_capital = _amount(_("working capital (€)"))
    other_needs = _amount(_("other needs (€)"))

    def service_data(self) -> dict:
        """Empty amounts are zero for the plan."""
        data = dict(self.cleaned_data)
        for name in ("price_or_investment", "working_capital", "other_needs"):
            if data[name] is None:
                data[name] = Decimal("0")
        return data


class PlanNeedsForm(forms.Form):
    """The needs of a plan (its holder's financing: a case's or a support's)."""

    price_or_investment = _amount(_("investment or price (€)"), required=True)
    working_capital = _amount(_("working capital (€)"), required=True)
    other_needs = _amount(_("other needs (€)"), required=True)


class LineAddForm(forms.Form):
    instrument = forms.ModelChoiceField(label=_("instrument"), queryset=None)
    amount_requested = _amount(_("amount requested (€)"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instrument_list()
