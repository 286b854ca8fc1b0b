"""New case by hand (a phone call): SIREN first, then the case."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from backoffice.access import backoffice_view, works_on_cases
from backoffice.forms import NewCaseForm, NewOrganisationForm, SirenLookupForm
from backoffice.selectors.lists import open_cases_of, organisation_by_siren
from backoffice.services import case_open_by_hand
from backoffice.views.common import UNPROCESSABLE
from crm.form_errors import add_refusal
from crm.scoping import staff_profile


@backoffice_view
def case_new(request):
    if not works_on_cases(request.user):
        raise PermissionDenied(_("Only officers and directors open cases."))
    user = request.user
    data = request.POST if request.method == "POST" else None
    lookup = SirenLookupForm(data or request.GET or None)
    siren = lookup.cleaned_data["siren"] if lookup.is_bound and lookup.is_valid() else ""
    organisation = organisation_by_siren(user=user, siren=siren) if siren else None
    searched = lookup.is_bound and lookup.is_valid() and ("siren" in (data or request.GET))
    case_form = NewCaseForm(
        data,
        regional_union_id=staff_profile(user).regional_union_id,
        initial={"assigned_officer": user.pk},
    )
    organisation_form = NewOrganisationForm(data) if organisation is None else None
    if data is not None and lookup.is_valid():
        valid = case_form.is_valid() and (organisation_form is None or organisation_form.is_valid())
        if valid:
            fields = dict(case_form.cleaned_data)
            comment = fields.pop("comment")
            organisation_fields = None
            if organisation_form is not None:
                organisation_fields = {**organisation_form.cleaned_data, "siren": siren or None}
            try:
                case = case_open_by_hand(
                    by=user,
                    organisation=organisation,
                    organisation_fields=organisation_fields,
                    comment=comment,
                    **fields,
                )
            except (ValidationError, PermissionDenied) as error:
                add_refusal(error, *filter(None, [case_form, organisation_form, lookup]))
            else:
                return redirect("backoffice:case", pk=case.pk)
    context = {
        "lookup": lookup,
        "searched": searched,
        "siren": siren,
        "organisation": organisation,
        "open_cases": open_cases_of(user=user, organisation=organisation) if organisation else [],
        "case_form": case_form,
        "organisation_form": organisation_form,
        "nav": "new",
    }
    status = UNPROCESSABLE if data is not None else 200
    return render(request, "backoffice/case_new.html", context, status=status)
