"""One transaction, retried when the database gives up on it because of another one.

Under concurrent writes PostgreSQL may abort a transaction that did nothing wrong: a
deadlock (40P01), a serialization failure (40001), or a unique violation (23505) lost to a
concurrent insert of the same key (two leads creating one SIREN). Each is the other
transaction's win: run the whole unit again, which then sees the winner's committed rows and
takes the other path (join the case, replay the idempotent answer). A bounded number of
times, with a short random pause so the contenders do not collide again in step.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import DatabaseError, IntegrityError, OperationalError, transaction

logger = logging.getLogger("crm.transactions")

T = TypeVar("T")

ATTEMPTS = 5
# SQLSTATE of a deadlock, a serialization failure and a unique violation.
RETRIED_SQLSTATES = frozenset({"40P01", "40001", "23505"})


_state = threading.local()


def optimistic() -> bool:
    """True in the first run of a ``retrying_transaction`` unit: a check that only a unique
    index can make exact anyway may be left to that index (its refusal runs the unit again,
    and ``optimistic()`` is then False, so the check runs)."""
    return getattr(_state, "attempt", 0) == 1


def _sqlstate(error: DatabaseError) -> str | None:
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)


def is_retryable(error: DatabaseError) -> bool:
    """A failure caused by a concurrent transaction, which running again may not meet."""
    state = _sqlstate(error)
    if state is not None:
        return state in RETRIED_SQLSTATES
    # SQLite has no SQLSTATE: a lock wait that timed out, or a unique key taken meanwhile.
    text = str(error).lower()
    if isinstance(error, OperationalError):
        return "database is locked" in text
    return isinstance(error, IntegrityError) and "unique constraint failed" in text


def retrying_transaction(unit: Callable[[], T], *, attempts: int = ATTEMPTS) -> T:
    """``unit()`` inside ``transaction.atomic()``, run again (up to ``attempts`` times in all)
    when it fails for a reason ``is_retryable`` accepts. Within an outer transaction the
    atomic block is a savepoint, and rolling back to it frees this unit's locks alike."""
    outer = getattr(_state, "attempt", 0)
    try:
        for attempt in range(1, attempts + 1):
            _state.attempt = attempt
            try:
                with transaction.atomic():
                    return unit()
            except DatabaseError as error:
                if attempt == attempts or not is_retryable(error):
                    raise
                logger.info("retrying a transaction (attempt %s): %s", attempt, error)
                time.sleep(random.uniform(0.005, 0.05) * attempt)
        raise AssertionError("unreachable")
    finally:
        _state.attempt = outer
