"""Dated periods: what is "in force" on a day, the same way everywhere.

A period runs from its start (inclusive) to its end (exclusive); no end means open-ended.
Regional-union coverage of départements and regional priority designations both follow it.
"""

import datetime

from django.db.models import Q


def in_force_on(on: datetime.date, *, start: str, end: str, prefix: str = "") -> Q:
    """Filter on rows whose period [``start``, ``end``) contains ``on``."""
    return Q(**{f"{prefix}{start}__lte": on}) & (
        Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gt": on})
    )
