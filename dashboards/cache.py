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


# --- The forecast page: its last result, computed in the background ------------------------

FORECAST_KEEP_SECONDS = 30 * 24 * 3600
PENDING_SECONDS = 15 * 60


def forecast_stale_seconds() -> int:
    """A forecast older than this (``RELEVE_FORECAST_STALE_SECONDS``, a day by default) is
    still shown, and a recomputation is enqueued."""
    return getattr(settings, "RELEVE_FORECAST_STALE_SECONDS", 24 * 3600)


def forecast_key(kind, filiere_id, regional_union_id) -> str:
    return f"dashboards:forecast:{kind or '-'}:{filiere_id or '-'}:{regional_union_id or '-'}"


def last_forecast(key: str):
    return cache.get(key)


def store_forecast(key: str, result) -> None:
    cache.set(key, result, FORECAST_KEEP_SECONDS)


def claim_forecast(key: str) -> bool:
    """True for the one caller who should enqueue a recomputation (none is pending)."""
    return cache.add(key + ":pending", True, PENDING_SECONDS)


def release_forecast(key: str) -> None:
    cache.delete(key + ":pending")
