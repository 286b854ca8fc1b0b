"""Model instances from one hand-written statement joining several tables.

What ``select_related`` builds, for the few reads run on every partner request (the API key,
the officer a new lead goes to): there, compiling the ORM's joins cost more than running
them (issue 14, bench/CHANGES.md). The statement selects ``columns()``; ``instances()``
cuts its row back into one instance per model (None for a LEFT JOIN that found nothing),
and ``link`` caches a relation between two of them as ``select_related`` does, so that
reading it costs no query.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model
from django.db.models.expressions import Col


@dataclass(frozen=True)
class JoinedSelect:
    """The models a statement reads, each under its table alias, in the order selected."""

    models: tuple[tuple[type[Model], str], ...]

    def columns(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(
            f"{alias}.{quote(field.column)}"
            for model, alias in self.models
            for field in model._meta.concrete_fields
        )

    def instances(self, row: Sequence) -> list[Model | None]:
        instances, start = [], 0
        for (model, _alias), converters in zip(self.models, self._converters, strict=True):
            fields = model._meta.concrete_fields
            values = list(row[start : start + len(fields)])
            start += len(fields)
            # What the ORM does to a row before building the instance (SQLite's dates and
            # JSON come back as text, PostgreSQL's typed already).
            for index, expression, functions in converters:
                for function in functions:
                    values[index] = function(values[index], expression, connection)
            pk_index = fields.index(model._meta.pk)
            instances.append(
                None
                if values[pk_index] is None
                else model.from_db(connection.alias, [f.attname for f in fields], values)
            )
        return instances

    @functools.cached_property
    def _converters(self) -> list[list[tuple[int, Col, list]]]:
        per_model = []
        for model, alias in self.models:
            converters = []
            for index, field in enumerate(model._meta.concrete_fields):
                expression = field.get_col(alias)
                functions = connection.ops.get_db_converters(expression) + field.get_db_converters(
                    connection
                )
                if functions:
                    converters.append((index, expression, functions))
            per_model.append(converters)
        return per_model


def link(instance: Model, relation: str, related: Model | None) -> None:
    """Cache ``instance.<relation>`` (a foreign key or a reverse one-to-one) as ``related``.

    A reverse one-to-one cached as None raises ``DoesNotExist`` when read, as after
    ``select_related`` found no row."""
    instance._meta.get_field(relation).set_cached_value(instance, related)
