"""Reference data kept in process: postal codes, départements, regional-union coverage, NAF
codes and regional unions.

These tables are small and change rarely (a reference reload, a dated coverage row edited in
the admin), yet a lead used to look each of them up several times (issue 14: most of a lead's
statements). Entries are read lazily, one key at a time, and forgotten:

- at once in this process when a row of one of these models is saved or deleted (signals,
  again when that transaction commits, so a value read before the commit is not kept) and
  after every ``migrate`` (the reference loaders run as data migrations);
- after ``TTL_SECONDS`` anyway, which bounds how long another process (another gunicorn
  worker or app server) keeps a value changed elsewhere.

Tests clear it between tests (tests/conftest.py), since a test's rolled-back rows fire no
signal.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save

TTL_SECONDS = 300

_lock = threading.Lock()
_entries: dict[tuple, tuple[float, Any]] = {}


def cached(key: tuple, load: Callable[[], Any]) -> Any:
    """The value stored under ``key``, loaded by ``load()`` when absent or older than the TTL."""
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and now - entry[0] < TTL_SECONDS:
        return entry[1]
    value = load()
    with _lock:
        _entries[key] = (now, value)
    return value


def clear(**_kwargs) -> None:
    with _lock:
        _entries.clear()


def _changed(**_kwargs) -> None:
    clear()
    # A read made by another request before this change commits would put the old value
    # back: clear again once the change is visible to everyone.
    transaction.on_commit(clear)


def connect_signals() -> None:
    """Forget the cache whenever reference rows change (called from CrmConfig.ready)."""
    from crm.models import Departement, NafEntry, PostalCode, RegionalUnion
    from crm.models.territory import RegionalUnionDepartement

    for model in (Departement, NafEntry, PostalCode, RegionalUnion, RegionalUnionDepartement):
        uid = f"crm.reference_cache.{model.__name__}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}.delete")
    post_migrate.connect(clear, dispatch_uid="crm.reference_cache.migrate")
