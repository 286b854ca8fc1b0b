"""Computed tables kept in Django's cache framework (Redis when ``REDIS_URL`` is set).

Heavy aggregates (the velocity life tables, the cohort) take seconds at 100,000 cases: a
panel's table is kept for ``RELEVE_DASHBOARDS_CACHE_SECONDS`` (10 minutes by default; 0 turns
the cache off) with the moment it was computed, and the page shows the oldest such moment.
Tables are stored before small cells are hidden: suppression is applied per reader.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation


def cache_seconds() -> int:
    """How long computed tables are kept (``RELEVE_DASHBOARDS_CACHE_SECONDS``, 10 minutes by
    default; 0 turns the cache off). Pages show when their figures were computed."""
    return getattr(settings, "RELEVE_DASHBOARDS_CACHE_SECONDS", 600)


def computed_table(page, panel, query, options):
    """The panel's table and when it was computed, from the cache when fresh enough."""
    seconds = cache_seconds()
    if not seconds:
        return panel.build(query, options), timezone.now()
    key = (
        "dashboards:"
        + hashlib.sha256(
            repr(
                (
                    page.slug,
                    panel.slug,
                    query.start,
                    query.end,
                    query.kind,
                    query.filiere_id,
                    query.regional_union_id,
                    options.resource,
                    options.level,
                    translation.get_language(),
                )
            ).encode()
        ).hexdigest()
    )
    hit = cache.get(key)
    if hit is None:
        hit = (panel.build(query, options), timezone.now())
        cache.set(key, hit, seconds)
    return hit
