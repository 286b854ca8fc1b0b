"""Plans and lines for tests, built directly in any status (the application uses services)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from financement.choices import COMMITTED_STATUSES, DECIDED_STATUSES, DISBURSED_STATUSES
from financement.models import CommitteeSession, FinancingLine, FinancingPlan, Instrument

D = Decimal


def instrument(code: str) -> Instrument:
    """One of the instruments seeded by the data migration."""
    return Instrument.objects.get(code=code)


MOVEMENT_LOAN = "socoden-pret-participatif"
MOVEMENT_EQUITY = "scopinvest-titres-participatifs"
MOVEMENT_GUARANTEE = "sofiscop-garantie"
BANK_LOAN = "pret-bancaire"
MEMBERS = "apports-salaries"
FRANCE_ACTIVE_LOAN = "france-active-pret-participatif"
GRANT = "region-aide-capital"


def plan_for(case, price="0", working_capital="0", other="0") -> FinancingPlan:
    return FinancingPlan.objects.create(
        case=case,
        price_or_investment=D(price),
        working_capital=D(working_capital),
        other_needs=D(other),
    )


def line_in(
    plan,
    code: str,
    requested,
    *,
    status: str = "planned",
    committed=None,
    disbursed=None,
    decision_on: datetime.date | None = None,
    secures=None,
    session: CommitteeSession | None = None,
) -> FinancingLine:
    """A line resting in ``status`` with the data that status requires."""
    tool = instrument(code)
    requested = D(str(requested))
    if status in COMMITTED_STATUSES and committed is None:
        committed = requested
    if status in DISBURSED_STATUSES and disbursed is None:
        disbursed = committed
    if status in DECIDED_STATUSES and decision_on is None:
        decision_on = timezone.localdate() - datetime.timedelta(days=30)
    line = FinancingLine.from_instrument(
        tool,
        plan=plan,
        status=status,
        amount_requested=requested,
        amount_committed=None if committed is None else D(str(committed)),
        amount_disbursed=None if disbursed is None else D(str(disbursed)),
        decision_on=decision_on,
        disbursed_on=decision_on if status in DISBURSED_STATUSES else None,
        secures=secures,
        committee_session=session,
    )
    line.save()
    return line


def session_in(ur, held_on: datetime.date | None = None) -> CommitteeSession:
    return CommitteeSession.objects.create(
        regional_union=ur, held_on=held_on or timezone.localdate()
    )
