"""Instruments, financing plans and their lines, committee sessions and line decisions.
One module per subject; every model is importable from here."""

from financement.models.catalogue import ZERO, Instrument, money_field
from financement.models.lines import FinancingLine, LineDecision
from financement.models.plans import CommitteeSession, FinancingPlan
from financement.models.support import SupportRequest, SupportStatusChange

__all__ = [
    "ZERO",
    "CommitteeSession",
    "FinancingLine",
    "FinancingPlan",
    "Instrument",
    "LineDecision",
    "SupportRequest",
    "SupportStatusChange",
    "money_field",
]
