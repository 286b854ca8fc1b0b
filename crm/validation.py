"""Model validation without re-reading what the caller already resolved (issue 14).

``full_clean`` checks that every foreign key exists (one query each), every unique field is
free (one query each) and every check constraint holds (a savepoint and a query each). The
lead intake has just read the organisation, the département, the regional union and the
officer it links, and the database enforces the unique indexes and check constraints
anyway (the intake handles the IntegrityError of a concurrent lead). So: the field and model
rules in Python (formats, choices, ``clean``), no query.
"""

from django.core.exceptions import ValidationError
from django.db import models


def _loaded_foreign_keys(instance: models.Model) -> list[str]:
    # A related object set as an instance with a primary key was read (or just written) by
    # the caller: checking that it exists would read it again.
    names = []
    for field in instance._meta.concrete_fields:
        if field.is_relation and field.is_cached(instance):
            related = field.get_cached_value(instance)
            if related is not None and related.pk is not None:
                names.append(field.name)
    return names


def full_clean_resolved(instance: models.Model, *, exclude=()) -> None:
    """``clean_fields`` (loaded foreign keys not queried) and ``clean``, collecting every
    error at once as ``full_clean`` does; uniqueness and check constraints are left to the
    database."""
    errors: dict = {}
    try:
        instance.clean_fields(exclude=[*exclude, *_loaded_foreign_keys(instance)])
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
