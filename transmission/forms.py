"""Form fields shared by every screen that edits a case (the admin here, the back office above)."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from transmission.choices import CaseTag


def case_tags_field() -> forms.MultipleChoiceField:
    """The case's tags as checkboxes; the values go to ``services.case_set_tags``."""
    return forms.MultipleChoiceField(
        label=_("tags"),
        # Each option is a label of its own: capitalised like every label on the screens.
        choices=[(value, capfirst(label)) for value, label in CaseTag.choices],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
