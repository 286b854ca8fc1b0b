"""Demo data for financing: plans for every case that reached ``financing``, committees.

Runs after transmission's demo and reads its cases from the database. Shapes follow DOMAIN.md:
employees contribute 1,000–1,500 € a head; the movement's tools (Socoden participative loan,
Scopinvest participative securities, Transméa in Auvergne-Rhône-Alpes, Sofiscop guarantees)
bring roughly 10–25 % of the money, which gives a leverage of about 4 to 8; partners (banks,
France Active, Régions, sellers, IDES) bring the rest. Some requests are declined.

A case that went past ``financing`` has a balanced plan (committed ≥ needs) unless its history
records a director's override. Everything random draws from ``ctx.rng``; rows are written
with ``bulk_create``.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Min

from crm.demo_framework import DemoContext
from crm.models import OfficerProfile
from crm.roles import Role
from financement.choices import COMMITTED_STATUSES, DECIDED_STATUSES, DISBURSED_STATUSES
from financement.models import (
    CommitteeSession,
    FinancingLine,
    FinancingPlan,
    Instrument,
    LineDecision,
)
from transmission.choices import CaseKind, Stage

# seed_demo runs these apps' demo data first.
RUNS_AFTER = ("crm", "transmission")

PER_HEAD_MIN, PER_HEAD_MAX = 1000, 1500
DEFAULT_HEADS = 5
PAST_FINANCING = [Stage.CLOSING, Stage.INCORPORATED]


def contributing_members(case) -> int:
    """How many employees contribute capital in the demo (founders, else jobs, else staff)."""
    return (
        case.founding_members
        or case.jobs_at_stake
        or getattr(case.organisation, "employees", None)
        or DEFAULT_HEADS
    )


def _euros(value: float, step: int = 100) -> Decimal:
    return (Decimal(value) / step).quantize(Decimal(1), ROUND_HALF_UP) * step


@dataclass
class LineSpec:
    code: str
    requested: Decimal
    status: str = "approved"
    committed: Decimal | None = None
    comment: str = ""
    secures: LineSpec | None = None
    line: FinancingLine | None = field(default=None, repr=False)


def seed(ctx: DemoContext) -> None:
    from transmission.models import Case, StageChange

    instruments = {tool.code: tool for tool in Instrument.objects.all()}
    entered = dict(
        StageChange.objects.filter(target_stage=Stage.FINANCING)
        .values("case")
        .annotate(first=Min("at"))
        .values_list("case", "first")
    )
    left = dict(
        StageChange.objects.filter(target_stage__in=PAST_FINANCING)
        .values("case")
        .annotate(first=Min("at"))
        .values_list("case", "first")
    )
    overridden = set(
        StageChange.objects.filter(
            transition="start_closing", data__has_key="override_reason"
        ).values_list("case", flat=True)
    )
    cases = list(
        Case.objects.filter(pk__in=list(entered))
        .filter(financing_plan__isnull=True)
        .select_related("organisation", "regional_union")
        .order_by("pk")
    )
    decider = (
        OfficerProfile.objects.filter(role=Role.FINANCIAL_OFFICER, regional_union__isnull=True)
        .values_list("user", flat=True)
        .first()
    )

    plans, specs_by_case, dates = [], {}, {}
    for case in cases:
        start = entered[case.pk].date()
        end = left[case.pk].date() if case.pk in left else ctx.today
        balanced = case.pk in left and case.pk not in overridden
        plan, specs = _plan(ctx, case, balanced=balanced, past=case.pk in left)
        plan.created_at = entered[case.pk]
        plans.append(plan)
        specs_by_case[case.pk] = specs
        dates[case.pk] = (start, max(start, end))
    FinancingPlan.objects.bulk_create(plans)

    sessions = _sessions(ctx, cases, specs_by_case, dates, instruments)
    resources, guarantees = [], []
    for plan, case in zip(plans, cases, strict=True):
        for spec in specs_by_case[case.pk]:
            spec.line = _line(ctx, plan, spec, instruments[spec.code], dates[case.pk], sessions)
            (guarantees if spec.secures else resources).append(spec)
    FinancingLine.objects.bulk_create([spec.line for spec in resources])
    for spec in guarantees:
        spec.line.secures = spec.secures.line
    FinancingLine.objects.bulk_create([spec.line for spec in guarantees])
    LineDecision.objects.bulk_create(
        [d for spec in resources + guarantees for d in _records(spec.line, decider)],
        batch_size=2000,
    )
    ctx.shared["financing_plans"] = len(plans)


def _plan(ctx: DemoContext, case, *, balanced: bool, past: bool):
    rng = ctx.rng
    heads = contributing_members(case)
    if case.kind == CaseKind.TAKEOVER and case.valuation:
        price = Decimal(case.valuation)
    else:
        price = Decimal(ctx.lognormal_int(45_000 * min(heads, 40) ** 0.6, 0.6, 15_000, 4_000_000))
    price = _euros(float(price), 1000)
    working = _euros(float(price) * rng.uniform(0.10, 0.30))
    other = _euros(float(price) * rng.uniform(0.0, 0.08))
    needs = price + working + other
    plan = FinancingPlan(
        case=case, price_or_investment=price, working_capital=working, other_needs=other
    )

    per_head = rng.randrange(PER_HEAD_MIN, PER_HEAD_MAX + 1, 50)
    specs = [
        LineSpec(
            "apports-salaries",
            Decimal(heads * per_head),
            comment=f"{heads} × {per_head} €",
        )
    ]
    # The movement's tools: about 10–25 % of the needs.
    specs.append(
        LineSpec(
            "socoden-pret-participatif", _clamp(needs * _d(rng.uniform(0.08, 0.16)), 6_000, 600_000)
        )
    )
    if needs > 250_000 and rng.random() < 0.5:
        specs.append(
            LineSpec(
                "scopinvest-titres-participatifs",
                _clamp(needs * _d(rng.uniform(0.04, 0.08)), 25_000, 1_000_000),
            )
        )
    if case.regional_union.code == "ara" and rng.random() < 0.5:
        specs.append(
            LineSpec(
                "transmea-capital-risque",
                _clamp(needs * _d(rng.uniform(0.04, 0.08)), 10_000, 300_000),
            )
        )
    # Partners.
    if rng.random() < 0.3:
        specs.append(
            LineSpec(
                "region-aide-capital",
                min(Decimal(heads * rng.randrange(1000, 5001, 500)), Decimal(60_000)),
                comment=f"{heads} associés",
            )
        )
    if rng.random() < 0.45:
        specs.append(
            LineSpec(
                "france-active-pret-participatif",
                _clamp(needs * _d(rng.uniform(0.05, 0.10)), 5_000, 500_000),
            )
        )
    if case.kind in (CaseKind.TAKEOVER, CaseKind.TAKEOVER_DISTRESS) and rng.random() < 0.4:
        specs.append(LineSpec("credit-vendeur", _euros(float(price) * rng.uniform(0.1, 0.2))))
    if needs > 1_000_000 and rng.random() < 0.5:
        specs.append(
            LineSpec(
                "ides-esfin-fonds-propres",
                _clamp(needs * _d(rng.uniform(0.08, 0.15)), 100_000, 1_500_000),
            )
        )

    if not past:
        _in_progress(ctx, specs)
    elif rng.random() < 0.15:
        # Some committees trimmed a request.
        socoden = specs[1]
        socoden.committed = _euros(float(socoden.requested) * rng.uniform(0.6, 0.9), 500)

    committed = sum(
        (s.committed or s.requested for s in specs if s.status in COMMITTED_STATUSES), Decimal(0)
    )
    bank_needed = needs - committed
    if not balanced and past:
        # A director overrode the rule: the round closed a little short.
        bank_needed -= _euros(float(needs) * rng.uniform(0.02, 0.10))
    if bank_needed > 0:
        bank = LineSpec("pret-bancaire", _euros(float(bank_needed), 100) + 100)
        if not past:
            bank.status = rng.choice(["planned", "requested", "requested", "approved"])
        specs.append(bank)
        if rng.random() < 0.5:
            share = Decimal("0.5") if rng.random() < 0.5 else Decimal("0.25")
            specs.append(
                LineSpec(
                    "sofiscop-garantie",
                    _euros(float(bank.requested * share)),
                    status=bank.status if bank.status != "planned" else "planned",
                    secures=bank,
                    comment=f"{int(share * 100)} % du prêt bancaire",
                )
            )
    if rng.random() < 0.25:
        # A declined request, replaced by the lines above.
        specs.append(
            LineSpec(
                rng.choice(["france-active-pret-participatif", "socoden-pret-participatif"]),
                _euros(float(needs) * rng.uniform(0.05, 0.1)) + 1000,
                status="declined",
            )
        )
    return plan, specs


def _in_progress(ctx: DemoContext, specs: list[LineSpec]) -> None:
    for spec in specs:
        spec.status = ctx.rng.choices(
            ["planned", "requested", "approved", "declined"], weights=[2, 4, 5, 1]
        )[0]


def _d(value: float) -> Decimal:
    return Decimal(str(round(value, 4)))


def _clamp(value: Decimal, low: int, high: int) -> Decimal:
    return _euros(float(min(max(value, Decimal(low)), Decimal(high))), 500)


def _sessions(ctx, cases, specs_by_case, dates, instruments) -> dict:
    """One committee a month per UR where the movement decided something, on the 10th."""
    wanted = set()
    for case in cases:
        for spec in specs_by_case[case.pk]:
            if instruments[spec.code].is_movement_tool and spec.status in DECIDED_STATUSES:
                decided = _decision_day(ctx, dates[case.pk], spec)
                wanted.add((case.regional_union_id, decided.year, decided.month))
    sessions = [
        CommitteeSession(
            regional_union_id=ur,
            held_on=min(datetime.date(year, month, 10), ctx.today),
            other_members="Membres du comité (démo)",
        )
        for ur, year, month in sorted(wanted)
    ]
    CommitteeSession.objects.bulk_create(sessions)
    return {(s.regional_union_id, s.held_on.year, s.held_on.month): s for s in sessions}


def _decision_day(ctx, span, spec) -> datetime.date:
    """A stable decision day for a spec within the financing round (drawn once)."""
    if not hasattr(spec, "_day"):
        start, end = span
        spec._day = start + datetime.timedelta(days=ctx.rng.randint(0, (end - start).days))
    return spec._day


def _line(ctx, plan, spec: LineSpec, instrument, span, sessions) -> FinancingLine:
    status = spec.status
    if plan.case.stage == Stage.INCORPORATED and status == "approved" and not spec.secures:
        status = "disbursed"  # the cooperative exists: its money was paid out
    line = FinancingLine.from_instrument(
        instrument,
        plan=plan,
        status=status,
        amount_requested=spec.requested,
        comment=spec.comment,
        created_at=datetime.datetime.combine(span[0], datetime.time(9), tzinfo=datetime.UTC),
    )
    if status in DECIDED_STATUSES:
        day = _decision_day(ctx, span, spec)
        session = None
        if instrument.is_movement_tool:
            session = sessions[(plan.case.regional_union_id, day.year, day.month)]
            if span[0] <= session.held_on:
                day = min(session.held_on, day)
        line.decision_on, line.committee_session = day, session
    if status in COMMITTED_STATUSES:
        line.amount_committed = spec.committed if spec.committed is not None else spec.requested
    if status in DISBURSED_STATUSES:
        line.amount_disbursed = line.amount_committed
        line.disbursed_on = min(line.decision_on + datetime.timedelta(days=30), ctx.today)
    return line


def _records(line: FinancingLine, decider) -> list[LineDecision]:
    """The decision history a line in its status would have (created, requested, decided…)."""
    path = ["planned"]
    if line.status != "planned":
        path.append("requested")
    if line.status in ("approved", "declined", "disbursed"):
        path.append("approved" if line.status != "declined" else "declined")
    if line.status == "disbursed":
        path.append("disbursed")
    names = {
        "requested": "request",
        "approved": "approve",
        "declined": "decline",
        "disbursed": "disburse",
    }
    records = [
        LineDecision(
            line=line,
            transition="create",
            target_status="planned",
            by_id=line.plan.case.assigned_officer_id,
            at=line.created_at,
        )
    ]
    for source, target in itertools.pairwise(path):
        at = line.created_at
        if target in ("approved", "declined") and line.decision_on:
            at = datetime.datetime.combine(line.decision_on, datetime.time(17), tzinfo=datetime.UTC)
        if target == "disbursed" and line.disbursed_on:
            at = datetime.datetime.combine(
                line.disbursed_on, datetime.time(11), tzinfo=datetime.UTC
            )
        records.append(
            LineDecision(
                line=line,
                transition=names[target],
                source_status=source,
                target_status=target,
                by_id=decider
                if line.is_movement_tool and target != "requested"
                else line.plan.case.assigned_officer_id,
                at=at,
                committee_session=line.committee_session
                if target in ("approved", "declined")
                else None,
            )
        )
    return records
