"""The financing plan as the workflow sees it, without importing ``financement``.

An extension point, listed with the others in ``transmission.extension_points``.

``transmission`` sits below ``financement``: the workflow asks a gate whether a case may enter
or leave the ``financing`` stage, and the financing app registers the real gate from its
``AppConfig.ready()`` with ``set_financing_gate(...)``. Until then the default gate answers that
no case has a financing plan, so no case can enter ``financing``.
"""

from typing import Protocol

from django.utils.translation import gettext as _


class FinancingGate(Protocol):
    def reasons_blocking_entry(self, case) -> list[str]:
        """Why ``case`` may not enter ``financing`` (empty: it may). E.g. no plan, no line."""

    def reasons_blocking_exit(self, case) -> list[str]:
        """Why ``case`` may not leave ``financing`` for ``closing`` (e.g. plan not balanced).

        A director may override these reasons when the case has a plan (the override is
        recorded in the history); never the absence of a plan.
        """

    def case_has_plan(self, case) -> bool:
        """Whether ``case`` has a financing plan at all (what an override cannot make up)."""


class NoFinancingPlanGate:
    """The gate in force until the financing app registers its own."""

    def reasons_blocking_entry(self, case) -> list[str]:
        return [_("The case has no financing plan.")]

    def reasons_blocking_exit(self, case) -> list[str]:
        return [_("The case has no financing plan.")]

    def case_has_plan(self, case) -> bool:
        return False


_gate: FinancingGate = NoFinancingPlanGate()


def set_financing_gate(gate: FinancingGate) -> None:
    global _gate
    _gate = gate


def financing_gate() -> FinancingGate:
    return _gate
