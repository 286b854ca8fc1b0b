"""A service's refusal onto the form the user filled in, and a form's stored values.

The one place where a ``PermissionDenied`` or ``ValidationError`` raised by a service becomes
form errors (the admin's pages and the back office's screens alike): each message on the
field it names when a form shows that field, the others on the first form's non-field
errors. The page then comes back with what the user typed, never a bare 403.
"""

from django import forms
from django.core.exceptions import ValidationError


def refusal_messages(error: Exception) -> list[str]:
    """Every message of a refusal, in the service's words."""
    messages = getattr(error, "messages", None)
    return [str(message) for message in messages] if messages else [str(error)]


def add_refusal(error: Exception, *forms_: forms.Form) -> None:
    """``error`` (a ``ValidationError`` or ``PermissionDenied``) onto ``forms_``."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = next((f for f in forms_ if field in f.fields), None)
            for message in messages:
                if target is None:
                    forms_[0].add_error(None, message)
                else:
                    target.add_error(field, message)
        return
    for message in refusal_messages(error):
        forms_[0].add_error(None, message)


def stored_values(obj, names) -> dict:
    """The values ``obj`` holds for ``names``, as a form's initial data (a row by its pk)."""
    values = {}
    for name in names:
        value = getattr(obj, name, None)
        values[name] = value.pk if hasattr(value, "pk") else value
    return values
