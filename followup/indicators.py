"""Economic-citizenship indicators: definitions first, then how each is computed.

Four pillars (the orientation text): shared governance; economic sustainability and value
sharing; quality of working life; social, environmental and territorial impact. Each
indicator is defined on docs/indicators.md (formula, source field, national reference).

Two ways to compute, one definition:
- for one cooperative, from one annual review (``for_review``), in Python on one row;
- aggregated, as SQL aggregates over many reviews (``AGGREGATES``), so a page never loops
  over cooperatives. Ratios of counts are pooled (Σ numerator / Σ denominator: a large
  cooperative weighs by its people); shares reported by each cooperative (votes, turnout,
  staff turnover) are plain means; shares of the result are weighted by the result.
A denominator of zero, or no data, gives ``None`` (shown as “—”), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    Sum,
    When,
)
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

GOVERNANCE = "governance"
ECONOMY = "economy"
WORKING_LIFE = "working_life"
IMPACT = "impact"
PILLARS = {
    GOVERNANCE: _("Shared governance"),
    ECONOMY: _("Economic sustainability and value sharing"),
    WORKING_LIFE: _("Quality of working life"),
    IMPACT: _("Social, environmental and territorial impact"),
}


@dataclass(frozen=True)
class Indicator:
    code: str
    pillar: str
    label: str
    unit: str  # "%", "h", "jobs"
    reference: float | None = None  # national reference (DOMAIN.md), same unit


INDICATORS = [
    Indicator("membership_rate", GOVERNANCE, _("employees who are members"), "%", 68.0),
    Indicator("employee_vote_share", GOVERNANCE, _("votes held by employees"), "%"),
    Indicator("general_meeting_turnout", GOVERNANCE, _("general-meeting turnout"), "%"),
    Indicator("women_on_board", GOVERNANCE, _("women on the board"), "%"),
    Indicator("survival_5_years", ECONOMY, _("alive 5 years after incorporation"), "%", 79.0),
    Indicator("net_margin", ECONOMY, _("net margin"), "%"),
    Indicator("employee_capital_share", ECONOMY, _("capital held by employees"), "%"),
    Indicator("result_to_employees", ECONOMY, _("result shared with employees"), "%", 41.6),
    Indicator("result_to_reserves", ECONOMY, _("result put in reserves"), "%", 45.8),
    Indicator("training_hours_per_job", WORKING_LIFE, _("training hours per job"), "h"),
    Indicator("staff_turnover", WORKING_LIFE, _("staff turnover"), "%"),
    Indicator("jobs", IMPACT, _("jobs"), "jobs"),
    Indicator("women_members", IMPACT, _("women among members"), "%"),
]
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
# Computed from the follow-up records (a cooperative's life), not from its reviews.
FROM_FOLLOW_UPS = {"survival_5_years"}
SURVIVAL_YEARS = 5


def _ratio(numerator, denominator, scale: float = 100.0) -> float | None:
    if numerator is None or denominator in (None, 0):
        return None
    return round(float(numerator) / float(denominator) * scale, 2)


def _number(value) -> float | None:
    return None if value is None else round(float(value), 2)


def for_review(review) -> dict[str, float | None]:
    """Every review-based indicator of one cooperative for one year."""
    allocated = review.result_to_employees is not None and review.result and review.result > 0
    return {
        "membership_rate": _ratio(review.employee_members, review.jobs),
        "employee_vote_share": _number(review.employee_vote_share),
        "general_meeting_turnout": _number(review.general_meeting_turnout),
        "women_on_board": (
            _ratio(review.women_on_board, review.board_members)
            if review.women_on_board is not None
            else None
        ),
        "net_margin": _ratio(review.result, review.turnover),
        "employee_capital_share": _number(review.employee_capital_share),
        "result_to_employees": _number(review.result_to_employees) if allocated else None,
        "result_to_reserves": _number(review.result_to_reserves) if allocated else None,
        "training_hours_per_job": (
            _ratio(review.training_hours, review.jobs, scale=1.0)
            if review.training_hours is not None
            else None
        ),
        "staff_turnover": _number(review.staff_turnover),
        "jobs": float(review.jobs),
        "women_members": (
            _ratio(review.women_members, review.members)
            if review.women_members is not None
            else None
        ),
    }


def _sum_where(field: str, present: str):
    """Σ ``field`` over the rows where ``present`` is given (a pooled ratio's denominator
    counts only the cooperatives that reported the numerator)."""
    return Sum(Case(When(**{f"{present}__isnull": False}, then=F(field)), default=None))


_MONEY = DecimalField(max_digits=20, decimal_places=4)
_PROFIT_ALLOCATED = Q(result__gt=0, result_to_employees__isnull=False)

# SQL aggregates over AnnualReview rows; ``finish`` turns their values into indicators.
AGGREGATES = {
    "reviews": Count("pk"),
    "employee_members": Sum("employee_members"),
    "jobs": Sum("jobs"),
    "employee_vote_share": Avg(Cast("employee_vote_share", FloatField())),
    "general_meeting_turnout": Avg(Cast("general_meeting_turnout", FloatField())),
    "women_on_board": Sum("women_on_board"),
    "board_with_women_known": _sum_where("board_members", "women_on_board"),
    "result": Sum("result"),
    "turnover": Sum("turnover"),
    "employee_capital_share": Avg(Cast("employee_capital_share", FloatField())),
    "allocated_result": Sum(Case(When(_PROFIT_ALLOCATED, then=F("result")), default=None)),
    "result_to_employees_weighted": Sum(
        Case(
            When(
                _PROFIT_ALLOCATED,
                then=ExpressionWrapper(F("result") * F("result_to_employees"), _MONEY),
            ),
            default=None,
        )
    ),
    "result_to_reserves_weighted": Sum(
        Case(
            When(
                _PROFIT_ALLOCATED,
                then=ExpressionWrapper(F("result") * F("result_to_reserves"), _MONEY),
            ),
            default=None,
        )
    ),
    "training_hours": Sum("training_hours"),
    "jobs_with_training_known": _sum_where("jobs", "training_hours"),
    "staff_turnover": Avg(Cast("staff_turnover", FloatField())),
    "women_members": Sum("women_members"),
    "members_with_women_known": _sum_where("members", "women_members"),
}


def finish(values: dict) -> dict[str, float | None]:
    """Indicators from one row of ``AGGREGATES`` values."""
    allocated = values["allocated_result"]
    return {
        "membership_rate": _ratio(values["employee_members"], values["jobs"]),
        "employee_vote_share": _number(values["employee_vote_share"]),
        "general_meeting_turnout": _number(values["general_meeting_turnout"]),
        "women_on_board": _ratio(values["women_on_board"], values["board_with_women_known"]),
        "net_margin": _ratio(values["result"], values["turnover"]),
        "employee_capital_share": _number(values["employee_capital_share"]),
        "result_to_employees": _ratio(values["result_to_employees_weighted"], allocated, 1.0),
        "result_to_reserves": _ratio(values["result_to_reserves_weighted"], allocated, 1.0),
        "training_hours_per_job": _ratio(
            values["training_hours"], values["jobs_with_training_known"], 1.0
        ),
        "staff_turnover": _number(values["staff_turnover"]),
        "jobs": None if values["jobs"] is None else float(values["jobs"]),
        "women_members": _ratio(values["women_members"], values["members_with_women_known"]),
    }


def survival_share(alive: int, observed: int) -> float | None:
    return _ratio(alive, observed)
