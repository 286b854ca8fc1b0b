"""Database constraints whose validation error belongs to one field of the form.

The database enforces the rule whatever writes the row (an import, a raw update, a bug);
``full_clean`` reports a violation under the field it is about, in the user's language, so
forms and the API show it beside that field rather than at the top of the page.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models


class _FieldAttached:
    def __init__(self, *args, field: str, **kwargs):
        self.field = field
        super().__init__(*args, **kwargs)

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS, **kwargs):
        try:
            super().validate(model, instance, exclude=exclude, using=using, **kwargs)
        except ValidationError as error:
            if hasattr(error, "error_dict"):  # already attached to fields by Django
                raise
            raise ValidationError({self.field: error.error_list}) from error

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs["field"] = self.field
        return path, args, kwargs

    def __eq__(self, other):
        return super().__eq__(other) and getattr(other, "field", None) == self.field


class FieldCheckConstraint(_FieldAttached, models.CheckConstraint):
    """A check constraint reported under ``field``."""


class FieldUniqueConstraint(_FieldAttached, models.UniqueConstraint):
    """A (partial) unique constraint reported under ``field``: Django reports a conditional
    unique constraint for the whole form, which hides it from the field the user typed."""
