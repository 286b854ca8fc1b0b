"""Admin for financing: the catalogue, plans and lines (the plan also on the case's page, through
transmission's extension points), decisions through the service, committees."""

from financement.admin.catalogue import InstrumentAdmin
from financement.admin.committees import CommitteeSessionAdmin
from financement.admin.lines import FinancingLineAdmin, LineDecisionAdmin, LineDecisionInline
from financement.admin.plans import (
    FinancingLineInline,
    FinancingPlanAdmin,
    FinancingPlanInline,
    OptionalFormSet,
    lines_table,
    plan_figures_html,
)
from financement.admin.support import SupportRequestAdmin, SupportStatusChangeAdmin

__all__ = [
    "CommitteeSessionAdmin",
    "FinancingLineAdmin",
    "FinancingLineInline",
    "FinancingPlanAdmin",
    "FinancingPlanInline",
    "InstrumentAdmin",
    "LineDecisionAdmin",
    "LineDecisionInline",
    "OptionalFormSet",
    "SupportRequestAdmin",
    "SupportStatusChangeAdmin",
    "lines_table",
    "plan_figures_html",
]
