"""Demo data for the follow-up: records, annual reviews and cessations, through the services.

Runs after transmission's demo (RUNS_AFTER). Every cooperative born from an incorporated case
gets its record (the case as origin), and so does every existing cooperative of crm's demo
that started in the last ``EXISTING_YEARS`` years and is still active. Each then lives year
by year: it ceases during a year with the annual probability that gives DOMAIN.md's survival
at five years for its origin (healthy takeover 90 %, conversion 86 %, takeover in difficulty
76 %, from scratch 75 %; 79 % when the origin is unknown), i.e. p = 1 − S₅^(1/5). Reviews are
recorded for each year lived up to last year, a few of the latest still missing (the
officers' tasks). Figures follow DOMAIN.md: about 68 % of employees are members, profit
shared roughly 42 % employees / 13 % dividends / 46 % reserves, Scop employees with ≥ 51 %
of the capital and ≥ 65 % of the votes.
"""

from __future__ import annotations

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from crm.actors import SYSTEM
from crm.demo_framework import DemoContext
from crm.models import CooperativeType, OfficerProfile, Organisation
from crm.roles import Role
from financement import services as fin_services
from financement.choices import SupportNeed
from financement.models import CommitteeSession, Instrument
from followup import services
from followup.models import CeaseCause
from followup.revision import add_years
from followup.selectors import FOLLOW_UP_YEARS
from transmission.choices import CaseKind, Stage

# After financement too, so the order of the whole demo is one line whatever the app order.
RUNS_AFTER = ("crm", "transmission", "financement")

EXISTING_YEARS = 10
SURVIVAL_5_YEARS = {
    CaseKind.TAKEOVER: 0.90,
    CaseKind.CONVERSION: 0.86,
    CaseKind.TAKEOVER_DISTRESS: 0.76,
    CaseKind.CREATION: 0.75,
    None: 0.79,
}
MISSING_LAST_REVIEW = 0.15
CAUSES = [
    (CeaseCause.LIQUIDATION, 55),
    (CeaseCause.DISSOLUTION, 20),
    (CeaseCause.LOSS_OF_STATUS, 10),
    (CeaseCause.SALE, 8),
    (CeaseCause.MERGER, 5),
    (CeaseCause.OTHER, 2),
]


def annual_cease_probability(survival_5_years: float) -> float:
    return 1 - survival_5_years ** (1 / 5)


def _pct(value: float) -> Decimal:
    return Decimal(str(max(0.0, min(100.0, value)))).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _euros(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1), ROUND_HALF_UP)


def _review_values(ctx: DemoContext, organisation: Organisation, jobs: int) -> dict:
    rng = ctx.rng
    scop = organisation.cooperative_type == CooperativeType.SCOP
    employee_members = max(1, min(jobs, round(jobs * rng.uniform(0.45, 0.9))))
    members = employee_members + (rng.randint(0, 3) if scop else rng.randint(3, 30))
    turnover = jobs * rng.lognormvariate(11.1, 0.35)  # ≈ 65 k€ per job
    result = turnover * rng.gauss(0.03, 0.05)
    values = {
        "jobs": jobs,
        "members": members,
        "employee_members": employee_members,
        "employee_capital_share": _pct(rng.uniform(51, 95) if scop else rng.uniform(15, 50)),
        "employee_vote_share": _pct(rng.uniform(65, 100) if scop else rng.uniform(20, 50)),
        "share_capital": _euros(max(2, members) * rng.uniform(1000, 5000)),
        "turnover": _euros(turnover),
        "result": _euros(result),
        "general_meeting_turnout": _pct(rng.gauss(82, 10)),
        "women_members": rng.randint(0, members) if rng.random() < 0.9 else None,
        "training_hours": jobs * rng.randint(3, 30) if rng.random() < 0.9 else None,
        "staff_turnover": _pct(abs(rng.gauss(8, 6))),
    }
    board = rng.randint(3, 9)
    values["board_members"] = board
    values["women_on_board"] = rng.randint(0, board)
    if values["result"] > 0:
        employees = rng.randint(30, 52)
        dividends = rng.randint(0, 22)
        values.update(
            result_to_employees=Decimal(employees),
            result_to_dividends=Decimal(dividends),
            result_to_reserves=Decimal(100 - employees - dividends),
        )
    else:
        values.update(result_to_employees=None, result_to_dividends=None, result_to_reserves=None)
    return values


def _live(ctx: DemoContext, follow_up, kind, start_jobs: int, last_day: datetime.date) -> None:
    rng = ctx.rng
    organisation = follow_up.organisation
    since = organisation.cooperative_since
    hazard = annual_cease_probability(SURVIVAL_5_YEARS[kind])
    ceased_on = None
    # One draw per year of life: the cooperative ceases in that year with probability p.
    anniversary = since
    while anniversary <= last_day:
        if rng.random() < hazard:
            candidate = anniversary + datetime.timedelta(days=rng.randint(30, 364))
            if candidate <= last_day:
                ceased_on = candidate
            break
        anniversary = add_years(anniversary, 1)
    jobs = max(2, start_jobs)
    last_year = min(ctx.today.year - 1, since.year + FOLLOW_UP_YEARS - 1)
    if ceased_on is not None:
        last_year = min(last_year, ceased_on.year - 1)
    for year in range(since.year, last_year + 1):
        if year == ctx.today.year - 1 and rng.random() < MISSING_LAST_REVIEW:
            continue  # not collected yet: a task in the officer's day
        jobs = max(2, round(jobs * rng.uniform(0.9, 1.15)))
        services.annual_review_record(
            follow_up=follow_up, year=year, by=SYSTEM, **_review_values(ctx, organisation, jobs)
        )
    member = rng.random() < 0.95
    fifth = add_years(since, 5)
    last_revision = fifth if fifth < last_day else None
    services.follow_up_update(
        follow_up=follow_up,
        by=SYSTEM,
        confederation_member=member,
        confederation_member_since=since if member else None,
        ur_member=member,
        ur_member_since=since if member else None,
        last_revision_on=last_revision if rng.random() < 0.8 else None,
    )
    if ceased_on is not None:
        cause = rng.choices([c for c, _ in CAUSES], [w for _, w in CAUSES])[0]
        services.cooperative_cease(organisation=organisation, on=ceased_on, cause=cause, by=SYSTEM)


def seed(ctx: DemoContext) -> None:
    from transmission.models import Case

    last_day = min(ctx.today, timezone.localdate())
    incorporated = (
        Case.objects.filter(stage=Stage.INCORPORATED, cooperative__cooperative_since__isnull=False)
        .select_related("cooperative")
        .order_by("pk")
    )
    followed = set()
    for case in incorporated:
        # The cooperative's own record: a newco, or the company that transformed itself.
        organisation = case.cooperative
        if organisation.pk in followed or organisation.cooperative_ceased_on:
            continue
        followed.add(organisation.pk)
        follow_up = services.follow_up_open(organisation=organisation, case=case, by=SYSTEM)
        _live(ctx, follow_up, case.kind, case.jobs_at_incorporation or 5, last_day)
    existing = (
        Organisation.objects.exclude(cooperative_type="")
        .filter(
            cooperative_since__year__gte=ctx.today.year - EXISTING_YEARS,
            cooperative_since__lte=last_day,
            cooperative_ceased_on__isnull=True,
        )
        .exclude(pk__in=followed)
        .order_by("pk")
    )
    for organisation in existing:
        follow_up = services.follow_up_open(organisation=organisation, by=SYSTEM)
        _live(ctx, follow_up, None, organisation.employees or 5, last_day)
    seed_supports(ctx)


# --- Supports to existing cooperatives (financement.SupportRequest) ---------------------------

SUPPORT_SHARE = 0.06  # of the active cooperatives, at most SUPPORT_MAX (bench scales stay cheap)
SUPPORT_MAX = 60
SUPPORT_NEEDS = [
    (SupportNeed.DEVELOPMENT, 45),
    (SupportNeed.EXTERNAL_GROWTH, 15),
    (SupportNeed.CONSOLIDATION, 25),
    (SupportNeed.DIFFICULTY, 15),
]
# Where a support rests today: still assessed, in its financing round, granted, dropped.
SUPPORT_OUTCOMES = [("assessment", 20), ("financing", 15), ("granted", 50), ("dropped", 15)]


def _support_staff(regional_union_id: int) -> tuple:
    officers = list(
        OfficerProfile.objects.filter(role=Role.OFFICER, regional_union_id=regional_union_id)
        .order_by("user_id")
        .values_list("user", flat=True)
    )
    session = (
        CommitteeSession.objects.filter(regional_union_id=regional_union_id)
        .order_by("-held_on")
        .first()
    )
    return officers, session


def seed_supports(ctx: DemoContext) -> None:
    """A few active cooperatives asked the movement for help: each support is run through the
    services (its plan, a movement loan decided by the UR's committee, a bank loan) to where
    it rests today, so the financing and equity dashboards count the movement's money to
    existing members."""
    from django.contrib.auth import get_user_model

    from crm.territories import regional_union_for_departement

    rng = random.Random(f"supports-{ctx.today.isoformat()}")
    users = get_user_model().objects
    decider = (
        OfficerProfile.objects.filter(role=Role.FINANCIAL_OFFICER, regional_union__isnull=True)
        .values_list("user", flat=True)
        .first()
    )
    active = list(
        Organisation.objects.exclude(cooperative_type="")
        .filter(cooperative_ceased_on__isnull=True, cooperative_since__lte=ctx.today)
        .order_by("pk")
    )
    chosen = rng.sample(active, min(SUPPORT_MAX, int(len(active) * SUPPORT_SHARE)))
    loan = Instrument.objects.get(code="socoden-pret-participatif")
    bank = Instrument.objects.get(code="pret-bancaire")
    staff = {}
    for organisation in sorted(chosen, key=lambda o: o.pk):
        union = regional_union_for_departement(organisation.departement_id)
        if union is None:
            continue
        if union.pk not in staff:
            staff[union.pk] = _support_staff(union.pk)
        officers, session = staff[union.pk]
        if not officers or session is None or decider is None:
            continue
        officer = users.get(pk=rng.choice(officers))
        need = rng.choices([n for n, _ in SUPPORT_NEEDS], [w for _, w in SUPPORT_NEEDS])[0]
        needs = Decimal(rng.randrange(40, 400) * 1000)
        support = fin_services.support_request_open(
            organisation=organisation, need=need, by=officer, price_or_investment=needs
        )
        # Opened some weeks before the committee that decided its movement loan.
        opened = session.held_on - datetime.timedelta(days=rng.randrange(20, 120))
        type(support).objects.filter(pk=support.pk).update(opened_on=opened)
        support.refresh_from_db()
        outcome = rng.choices([o for o, _ in SUPPORT_OUTCOMES], [w for _, w in SUPPORT_OUTCOMES])[0]
        run = fin_services.support_request_transition
        support = run(support=support, name="start_assessment", by=officer)
        if outcome == "assessment":
            continue
        if outcome == "dropped":
            run(
                support=support,
                name="drop",
                by=officer,
                drop_reason=rng.choice(DROP_REASONS),
                decided_on=min(ctx.today, opened + datetime.timedelta(days=60)),
            )
            continue
        plan = support.financing_plan
        ceiling = loan.regional_delegation_ceiling or needs
        movement = min(ceiling, (needs * Decimal("0.3")).quantize(Decimal("1000")))
        line = fin_services.financing_line_create(
            plan=plan, by=officer, instrument=loan, amount_requested=movement
        )
        fin_services.financing_line_create(
            plan=plan, by=officer, instrument=bank, amount_requested=needs - movement
        )
        support = run(support=support, name="start_financing", by=officer)
        if outcome == "financing":
            continue
        fin_services.financing_line_decide(line=line, name="request", by=officer)
        fin_services.financing_line_decide(
            line=line, name="approve", by=users.get(pk=decider), committee_session=session
        )
        bank_line = plan.lines.get(instrument=bank)
        fin_services.financing_line_decide(line=bank_line, name="request", by=officer)
        fin_services.financing_line_decide(
            line=bank_line, name="approve", by=officer, decision_on=session.held_on
        )
        run(support=support, name="grant", by=officer, decided_on=session.held_on)
    ctx.shared["supports"] = len(chosen)


DROP_REASONS = [
    "La coopérative a trouvé un financement bancaire seule.",
    "Projet reporté par l'assemblée générale.",
    "Besoin couvert par les réserves impartageables.",
]
