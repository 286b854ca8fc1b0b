"""The user's own settings: the daily digest on or off."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.access import backoffice_view
from backoffice.models import DigestPreference
from backoffice.services import digest_preference_set


class DigestForm(forms.Form):
    daily_digest = forms.BooleanField(
        label=gettext_lazy("Send me each morning the e-mail of my due tasks"), required=False
    )


@backoffice_view
def account_settings(request):
    preference = DigestPreference.objects.filter(user=request.user).first()
    enabled = preference.daily_digest if preference else True
    data = request.POST if request.method == "POST" else None
    form = DigestForm(data, initial={"daily_digest": enabled})
    if request.method == "POST" and form.is_valid():
        digest_preference_set(user=request.user, daily_digest=form.cleaned_data["daily_digest"])
        messages.success(request, _("Your settings are saved."))
        return redirect("backoffice:settings")
    return render(request, "backoffice/settings.html", {"form": form, "nav": "settings"})
