"""The financing gate of the case workflow (transmission.financing_gate.FinancingGate), and
the two plan rules it applies, which a support to a cooperative applies too
(``financement.support_workflow``).

Entering the financing round needs a plan with at least one resource line still in play (a
guarantee is not a resource; a declined or withdrawn line no longer is). Leaving it needs the
plan balanced as ``financement.selectors.FinancingFigures.balanced`` defines it (the figures
the API and the pages show come from the same definition). A regional director may override
the exit rule of a case with a reason: transmission handles that (workflow.guard_start_closing)
and records the overridden reasons in the stage history.

The gate reads the database as it stands inside the transition's transaction (the case or
the support row is locked there); one or two small queries per check.
"""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from financement.choices import LIVE_STATUSES
from financement.models import FinancingLine, FinancingPlan
from financement.selectors import RESOURCE, figures_of, with_figures


def _euros(value) -> str:
    return number_format(value, 2, force_grouping=True)


def plan_entry_reasons(plans) -> list[str]:
    """Why the financing round may not start with the plan of ``plans`` (a queryset of at
    most one plan): no plan, or no resource line in play."""
    plan = plans.first()
    if plan is None:
        return [_("The case has no financing plan.")]
    has_resource = FinancingLine.objects.filter(
        RESOURCE, plan=plan, status__in=LIVE_STATUSES
    ).exists()
    if not has_resource:
        return [
            _(
                "The financing plan has no resource line (a guarantee is not a resource; "
                "declined or withdrawn lines do not count)."
            )
        ]
    return []


def plan_exit_reasons(plans) -> list[str]:
    """Why the financing round may not end with the plan of ``plans``: no plan, needs not
    entered, or not balanced."""
    plan = with_figures(plans).first()
    if plan is None:
        return [_("The case has no financing plan.")]
    figures = figures_of(plan)
    if not figures.needs_entered:
        return [_("The needs of the financing plan are not entered.")]
    if not figures.balanced:
        return [
            _(
                "The financing plan is not balanced: %(committed)s € committed for "
                "%(needs)s € of needs (%(gap)s € missing)."
            )
            % {
                "committed": _euros(figures.committed),
                "needs": _euros(figures.needs),
                "gap": _euros(figures.gap),
            }
        ]
    return []


class FinancingPlanGate:
    def case_has_plan(self, case) -> bool:
        return FinancingPlan.objects.filter(case_id=case.pk).exists()

    def reasons_blocking_entry(self, case) -> list[str]:
        return plan_entry_reasons(FinancingPlan.objects.filter(case_id=case.pk))

    def reasons_blocking_exit(self, case) -> list[str]:
        return plan_exit_reasons(FinancingPlan.objects.filter(case_id=case.pk))
