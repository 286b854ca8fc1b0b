"""Accent-insensitive matching: "Cecile" finds "Cécile", "Boeuf" finds "Bœuf".

The database compares ``LOWER(UNACCENT(column))`` with the folded search term. PostgreSQL
gets ``unaccent`` from its extension (migration 0001); on SQLite the same SQL name is a
Python function registered on each new connection, so selectors need no vendor branch.
"""

import unicodedata

from django.db.models import CharField, Func, Q

# Letters NFKD does not decompose but PostgreSQL's unaccent folds.
_LIGATURES = str.maketrans(
    {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"}
)


def fold(text: str) -> str:
    """Lower case, without accents or ligatures (Python's side of ``Folded``)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


class Folded(Func):
    """``LOWER(UNACCENT(expression))``: compare with ``fold(term)``."""

    function = "UNACCENT"
    template = "LOWER(%(function)s(%(expressions)s))"
    output_field = CharField()


def _fold_or_none(value):
    return None if value is None else fold(str(value))


def register_sqlite_unaccent(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("UNACCENT", 1, _fold_or_none, deterministic=True)


def folded_search(term: str, *fields: str) -> tuple[dict, Q]:
    """Annotations and a filter matching every word of ``term`` in any of ``fields``.

    Words are ANDed ("cecile rennes" needs both), fields ORed for each word.
    """
    annotations = {f"_folded_{index}": Folded(field) for index, field in enumerate(fields)}
    condition = Q()
    for word in fold(term).split():
        condition &= Q(
            *(Q(**{f"{alias}__contains": word}) for alias in annotations), _connector=Q.OR
        )
    return annotations, condition
