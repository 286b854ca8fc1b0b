"""Who acts when no person does.

Services take ``by`` (the user acting) and check what that user may do. Some writes are made
by Relève itself: a data migration loading the national filières, a partner's lead opening a
case, a scheduled job. They pass ``by=SYSTEM`` explicitly; ``by=None`` is never taken to mean
"anyone", so a forgotten argument fails closed instead of allowing everything.
"""

from __future__ import annotations


class SystemActor:
    """Relève acting on its own behalf (never a user: no id, no role, no territory)."""

    pk = None
    is_active = True
    is_authenticated = False

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return "Relève"


SYSTEM = SystemActor()


def is_system(actor) -> bool:
    return actor is SYSTEM
