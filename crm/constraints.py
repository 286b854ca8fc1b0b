"""Database constraints whose validation error belongs to one field of the form.

The database enforces the rule whatever writes the row (an import, a raw update, a bug);
``full_clean`` reports a violation under the field it is about, in the user's language, so
forms and the API show it beside that field rather than at the top of the page.
"""

from __future__ import annotations

from django.apps import apps
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


def field_check_violated(
    error: Exception,
) -> tuple[type[models.Model], FieldCheckConstraint] | None:
    """The model and the ``FieldCheckConstraint`` a database ``IntegrityError`` reports as
    violated, or None (another constraint, a unique violation, no name to read).

    Callers that leave check constraints to the database (``crm.validation``) answer with
    the constraint's field and message instead of a server error. PostgreSQL names the
    constraint in the error's diagnostics (SQLSTATE 23514); SQLite in its message
    (``CHECK constraint failed: <name>``).
    """
    cause = error.__cause__
    name = None
    if getattr(cause, "sqlstate", None) == "23514":
        name = getattr(getattr(cause, "diag", None), "constraint_name", None)
    elif getattr(cause, "sqlstate", None) is None:
        prefix = "CHECK constraint failed: "
        text = str(error)
        if text.startswith(prefix):
            name = text[len(prefix) :].strip()
    if not name:
        return None
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if isinstance(constraint, FieldCheckConstraint) and constraint.name == name:
                return model, constraint
    return None
