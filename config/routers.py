"""Dashboard reads on a replica (``REPLICA_DATABASE_URL``), everything else on the primary.

A router only sees the model, not who asks: the dashboards' views open a ``replica_reads()``
context for their whole request, and every read made inside it goes to the ``replica`` alias.
Writes always go to the primary (``default``), even inside the context; and with no replica
configured the router answers None and Django uses ``default``.
"""

from __future__ import annotations

import contextlib
import contextvars
from functools import wraps

from django.conf import settings

REPLICA_ALIAS = "replica"
_reading_from_replica = contextvars.ContextVar("reading_from_replica", default=False)


def replica_configured() -> bool:
    return REPLICA_ALIAS in settings.DATABASES


@contextlib.contextmanager
def replica_reads():
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def reads_from_replica(view):
    """Decorate a view whose every query is a read that may lag the primary slightly."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_from_replica.get() and replica_configured():
            return REPLICA_ALIAS
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, **hints):
        # The replica is migrated by replication, never by manage.py migrate.
        return db != REPLICA_ALIAS
