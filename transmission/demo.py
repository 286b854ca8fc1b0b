"""Demo cases: about 2,000 over five years, with histories that follow the workflow.

Shapes follow DOMAIN.md: kinds 58 % creations, 19 % healthy takeovers, 16 % conversions,
7 % takeovers in difficulty; active durations (on hold excluded) of 6–18 months for a
takeover, weeks to ~4 months for a takeover in difficulty, 6–12 months for a Scop creation
and 12–18 for a Scic. About a third of the cases are abandoned (with a reason), some leads
are not retained, some cases pause on hold, a few abandoned ones are reopened by the
director; recent cases are still open in every stage.

Histories are written in bulk (running the service 15,000 times would dominate ``make run``),
built as a walk through ``workflow.TRANSITIONS``: replaying any case's rows gives its stage,
and each case holds the data the guards of the transitions it went through ask for.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from crm.demo import demo_organisation
from crm.demo_framework import DemoContext
from crm.models import (
    CooperativeType,
    LegalForm,
    Organisation,
    OrganisationStatus,
    RegionalUnionDepartement,
)
from crm.territories import coverage_on
from transmission import legal
from transmission.choices import (
    AbandonReason,
    ActivityKind,
    CaseKind,
    CaseRoute,
    CaseSource,
    DeclineReason,
    Stage,
    TargetForm,
)
from transmission.models import Activity, Case, CaseReferenceCounter, Membership, StageChange
from transmission.services import format_reference
from transmission.workflow import TRANSITIONS

# seed_demo runs these apps' demo data first.
RUNS_AFTER = ("crm",)

KIND_SHARES = {
    CaseKind.CREATION: 58,
    CaseKind.TAKEOVER: 19,
    CaseKind.CONVERSION: 16,
    CaseKind.TAKEOVER_DISTRESS: 7,
}
# Active days from the first signal to registration, by kind (and Scic for creations).
DURATION_DAYS = {
    CaseKind.TAKEOVER: (183, 548),
    CaseKind.TAKEOVER_DISTRESS: (21, 122),
    CaseKind.CREATION: (183, 365),
    "creation_scic": (365, 548),
    CaseKind.CONVERSION: (183, 456),
}
# Share of the active duration spent in each stage on the way to registration.
STAGE_WEIGHTS = {
    Stage.LEAD: 0.05,
    Stage.QUALIFICATION: 0.15,
    Stage.FEASIBILITY: 0.25,
    Stage.STRUCTURING: 0.25,
    Stage.FINANCING: 0.20,
    Stage.CLOSING: 0.10,
}
FORWARD = [
    (Stage.LEAD, "qualify"),
    (Stage.QUALIFICATION, "start_feasibility"),
    (Stage.FEASIBILITY, "start_structuring"),
    (Stage.STRUCTURING, "start_financing"),
    (Stage.FINANCING, "start_closing"),
    (Stage.CLOSING, "incorporate"),
]
SCIC_SHARE = {
    CaseKind.CREATION: 0.46,
    CaseKind.CONVERSION: 0.55,
    CaseKind.TAKEOVER: 0.08,
    CaseKind.TAKEOVER_DISTRESS: 0.05,
}
# How takeovers reach the cooperative (DOMAIN.md): most healthy takeovers go through a new
# cooperative buying the shares; a company in difficulty mostly through a court plan.
ROUTE_WEIGHTS = {
    CaseKind.TAKEOVER: {CaseRoute.NEWCO_PURCHASE: 65, CaseRoute.TRANSFORMATION: 35},
    CaseKind.TAKEOVER_DISTRESS: {CaseRoute.COURT_PLAN: 85, CaseRoute.TRANSFORMATION: 15},
}
# Share of Scops born from a transformation that are Scops d'amorçage.
SEED_SCOP_SHARE = 0.25
SOCIETES = (LegalForm.SARL, LegalForm.SAS, LegalForm.SA)
DECLINE_SHARE = 0.08
ABANDON_SHARE = 0.30
HOLD_SHARE = 0.15
REOPEN_SHARE = 0.10
# Where abandoned cases stop (earlier stages lose more).
ABANDON_STAGE_WEIGHTS = [0.15, 0.25, 0.25, 0.15, 0.15, 0.05]
ABANDON_REASON_WEIGHTS = {
    AbandonReason.OWNER_WITHDREW: 14,
    AbandonReason.SOLD_TO_THIRD_PARTY: 12,
    AbandonReason.NO_LEADER: 12,
    AbandonReason.PRICE_GAP: 10,
    AbandonReason.NOT_VIABLE: 20,
    AbandonReason.FINANCING_REFUSED: 10,
    AbandonReason.EMPLOYEES_UNWILLING: 12,
    AbandonReason.OTHER: 10,
}


def add_arguments(parser) -> None:
    parser.add_argument(
        "--cases", type=int, default=2000, help="cases to create over the years (default 2000)"
    )
    parser.add_argument(
        "--case-years", type=int, default=5, help="years of case history (default 5)"
    )


@dataclass
class Event:
    transition: str
    source: str
    target: str
    on: datetime.date
    by_director: bool = False
    data: dict = field(default_factory=dict)


@dataclass
class Plan:
    """One simulated case: its events (possibly beyond today) and the data they carry."""

    kind: str
    scic: bool
    created_on: datetime.date
    events: list[Event] = field(default_factory=list)
    abandon_reason: str = ""
    abandon_comment: str = ""
    decline_reason: str = ""
    hold_review_on: datetime.date | None = None
    # When the past rows happened: the creation, then each past event (strictly increasing).
    moments: list[datetime.datetime] = field(default_factory=list)
    # A newco route's new cooperative (unsaved until the organisations are bulk-created).
    cooperative: Organisation | None = None


def seed(ctx: DemoContext) -> None:
    total = ctx.options.get("cases", 2000)
    if not total:
        return
    years = ctx.options.get("case_years", 5)
    ur_of = dict(
        RegionalUnionDepartement.objects.filter(coverage_on(ctx.today)).values_list(
            "departement_id", "regional_union_id"
        )
    )
    ur_codes = dict(
        RegionalUnionDepartement.objects.filter(coverage_on(ctx.today)).values_list(
            "regional_union_id", "regional_union__code"
        )
    )
    officers = ctx.shared["officers_by_ur"]
    directors = ctx.shared["directors_by_ur"]
    partners = ctx.shared.get("partners", [])
    kinds, weights = zip(*KIND_SHARES.items(), strict=True)

    plans = []
    for _ in range(total):
        kind = ctx.rng.choices(kinds, weights)[0]
        created_on = ctx.today - datetime.timedelta(days=ctx.rng.randint(0, 365 * years - 1))
        plans.append(_plan(ctx, kind, created_on))
    plans.sort(key=lambda plan: plan.created_on)

    organisations = []
    for plan in plans:
        organisation = demo_organisation(
            ctx, cooperative=False, with_siren=plan.kind != CaseKind.CREATION
        )
        if plan.kind == CaseKind.CONVERSION:
            organisation.legal_form = ctx.rng.choice(
                [LegalForm.ASSOCIATION, LegalForm.ASSOCIATION, LegalForm.COOPERATIVE_OTHER]
            )
        if plan.kind == CaseKind.TAKEOVER and organisation.legal_form == LegalForm.ASSOCIATION:
            # An association is not taken over by its employees: it converts.
            organisation.legal_form = LegalForm.SARL
        organisations.append(organisation)

    cases, numbers = [], defaultdict(int)
    for plan, organisation in zip(plans, organisations, strict=True):
        ur_id = ur_of[organisation.departement_id]
        numbers[(ur_id, plan.created_on.year)] += 1
        cases.append(
            _case(
                ctx,
                plan,
                organisation,
                ur_id,
                format_reference(
                    ur_codes[ur_id], plan.created_on.year, numbers[(ur_id, plan.created_on.year)]
                ),
                ctx.rng.choice(officers[ur_id]),
                partners,
            )
        )
    # New cooperatives first: the targets they took over point to them.
    Organisation.objects.bulk_create([plan.cooperative for plan in plans if plan.cooperative])
    for plan, organisation in zip(plans, organisations, strict=True):
        if plan.cooperative:
            organisation.taken_over_by = plan.cooperative
    Organisation.objects.bulk_create(organisations)
    for plan, case, organisation in zip(plans, cases, organisations, strict=True):
        case.organisation = organisation
        if case.stage == Stage.INCORPORATED:
            case.cooperative = plan.cooperative or organisation
    Case.objects.bulk_create(cases)
    # Counters outlive wiped demo cases (they belong to the UR): overwrite them.
    CaseReferenceCounter.objects.bulk_create(
        [
            CaseReferenceCounter(regional_union_id=ur_id, year=year, last_number=number)
            for (ur_id, year), number in numbers.items()
        ],
        update_conflicts=True,
        unique_fields=["regional_union", "year"],
        update_fields=["last_number"],
    )
    Membership.objects.bulk_create(
        [row for plan, case in zip(plans, cases, strict=True) for row in _members(ctx, plan, case)],
        batch_size=2000,
    )
    changes, activities = [], []
    for plan, case in zip(plans, cases, strict=True):
        officer, director = case.assigned_officer, directors[case.regional_union_id]
        changes.append(
            StageChange(
                case=case,
                transition="create",
                source_stage="",
                target_stage=Stage.LEAD,
                by=officer,
                at=plan.moments[0],
            )
        )
        for event, at in zip(_past(plan, ctx.today), plan.moments[1:], strict=True):
            changes.append(
                StageChange(
                    case=case,
                    transition=event.transition,
                    source_stage=event.source,
                    target_stage=event.target,
                    by=director if event.by_director else officer,
                    at=at,
                    data=event.data,
                )
            )
        activities += _activities(ctx, plan, case)
    StageChange.objects.bulk_create(changes, batch_size=2000)
    Activity.objects.bulk_create(activities, batch_size=2000)


def _moment(ctx: DemoContext, day: datetime.date) -> datetime.datetime:
    hour, minute = ctx.rng.randint(8, 18), ctx.rng.randint(0, 59)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _past(plan: Plan, today: datetime.date) -> list[Event]:
    return [event for event in plan.events if event.on <= today]


def _plan(ctx: DemoContext, kind: str, created_on: datetime.date) -> Plan:
    """Walk the workflow from ``lead``: forward steps, maybe a pause, maybe an end."""
    rng = ctx.rng
    scic = rng.random() < SCIC_SHARE[kind]
    plan = Plan(kind=kind, scic=scic, created_on=created_on)
    low, high = DURATION_DAYS["creation_scic" if kind == CaseKind.CREATION and scic else kind]
    active_days = rng.uniform(low, high)
    path = list(FORWARD)
    if kind == CaseKind.TAKEOVER_DISTRESS and rng.random() < 0.7:
        # Courts give weeks: the diagnostic is skipped, straight to structuring.
        path = [
            (Stage.LEAD, "qualify"),
            (Stage.QUALIFICATION, "start_structuring"),
            *FORWARD[3:],
        ]
    # Days in each stage, jittered, then scaled so that they add up to the active duration.
    raw = [STAGE_WEIGHTS[stage] * rng.uniform(0.7, 1.3) for stage, _ in path]
    stays = [max(1, round(active_days * weight / sum(raw))) for weight in raw]

    ending, end_index = "incorporate", len(path) - 1
    draw = rng.random()
    if draw < DECLINE_SHARE:
        ending, end_index = "decline", rng.choice([0, 0, 1])
    elif draw < DECLINE_SHARE + ABANDON_SHARE:
        ending = "abandon"
        end_index = rng.choices(range(len(path)), ABANDON_STAGE_WEIGHTS[: len(path)])[0]
    hold_index = rng.randrange(end_index + 1) if rng.random() < HOLD_SHARE else None
    reopened = ending == "abandon" and rng.random() < REOPEN_SHARE

    day = created_on
    index = 0
    while index < len(path):
        stage, transition = path[index]
        stay = stays[index]
        if index == hold_index:
            before = rng.randint(0, stay - 1) if stay > 1 else 0
            paused_on = day + datetime.timedelta(days=before)
            review_on = paused_on + datetime.timedelta(days=rng.randint(45, 120))
            plan.events.append(
                Event("put_on_hold", stage, Stage.ON_HOLD, paused_on, data={"review_on": review_on})
            )
            plan.hold_review_on = review_on
            resumed_on = paused_on + datetime.timedelta(days=rng.randint(30, 180))
            plan.events.append(Event("resume", Stage.ON_HOLD, stage, resumed_on))
            # The clock restarts at resumption; the stage keeps its remaining days.
            day = resumed_on - datetime.timedelta(days=before)
            hold_index = None
            continue
        if index == end_index and ending in ("decline", "abandon"):
            end_on = max(
                day + datetime.timedelta(days=rng.randint(1, stay)),
                (plan.events[-1].on if plan.events else day) + datetime.timedelta(days=1),
            )
            if ending == "decline":
                plan.decline_reason = rng.choice(list(DeclineReason))
                plan.events.append(
                    Event(
                        "decline",
                        stage,
                        Stage.DECLINED,
                        end_on,
                        data={"decline_reason": plan.decline_reason},
                    )
                )
                return plan
            plan.abandon_reason = _abandon_reason(ctx, kind)
            if plan.abandon_reason == AbandonReason.OTHER:
                plan.abandon_comment = "Projet mis de côté par les porteurs (démo)."
            plan.events.append(
                Event(
                    "abandon",
                    stage,
                    Stage.ABANDONED,
                    end_on,
                    data={"abandon_reason": plan.abandon_reason},
                )
            )
            if not reopened:
                return plan
            reopened, ending = False, "incorporate"
            day = end_on + datetime.timedelta(days=rng.randint(30, 200))
            plan.events.append(Event("reopen", Stage.ABANDONED, stage, day, by_director=True))
            end_index = len(path) - 1
            continue
        day += datetime.timedelta(days=stay)
        spec = TRANSITIONS[transition]
        plan.events.append(Event(transition, stage, spec.target, day))
        index += 1
    return plan


def _court_calendar(case: Case, done, on) -> None:
    """The court's milestones around the offer deadline, in the law's order (opening ≤ hearing
    ≤ plan judgment ≤ possession ≤ registration). Fixed offsets, no draw from the generator:
    the rest of the demo stays the same."""
    deadline = case.court_offer_deadline
    if deadline is None:
        return
    case.opening_judgment_on = deadline - datetime.timedelta(days=45)
    if "incorporate" in done:
        gap = max(0, (on["incorporate"] - deadline).days)
        case.court_hearing_on = deadline + datetime.timedelta(days=gap // 3)
        case.plan_judgment_on = deadline + datetime.timedelta(days=2 * gap // 3)
        case.possession_on = case.plan_judgment_on
    elif "start_closing" in done:
        # A hearing three weeks after the deadline: some fall ahead, and feed the alert.
        case.court_hearing_on = deadline + datetime.timedelta(days=21)


def _abandon_reason(ctx: DemoContext, kind: str) -> str:
    reasons, weights = zip(*ABANDON_REASON_WEIGHTS.items(), strict=True)
    if kind == CaseKind.TAKEOVER_DISTRESS and ctx.rng.random() < 0.4:
        return AbandonReason.COURT_CHOSE_OTHER_BID
    return ctx.rng.choices(reasons, weights)[0]


def _case(ctx, plan: Plan, organisation, ur_id, reference, officer, partners) -> Case:
    """The case as it stands today, holding the data its past transitions required."""
    rng = ctx.rng
    past = _past(plan, ctx.today)
    stage = past[-1].target if past else Stage.LEAD
    plan.moments = [_moment(ctx, plan.created_on)]
    for event in past:
        # Same-day events keep their order: replaying the history must give the stage.
        at = max(_moment(ctx, event.on), plan.moments[-1] + datetime.timedelta(minutes=1))
        plan.moments.append(at)
    done = {event.transition for event in past}
    on = {event.transition: event.on for event in past}
    takeover = plan.kind in (CaseKind.TAKEOVER, CaseKind.TAKEOVER_DISTRESS)
    jobs = ctx.lognormal_int(5, 1.2, 2, 300) if takeover else rng.randint(2, 12)
    source = rng.choices(list(CaseSource), [35, 10, 50, 5])[0]
    local_partners = [p for p in partners if p.regional_union_id in (None, ur_id)]
    case = Case(
        reference=reference,
        kind=plan.kind,
        stage=stage,
        regional_union_id=ur_id,
        assigned_officer=officer,
        source=source,
        source_partner=rng.choice(local_partners)
        if source == CaseSource.PARTNER and local_partners
        else None,
        jobs_at_stake=jobs if rng.random() < 0.5 else None,
        created_at=plan.moments[0],
        stage_changed_at=plan.moments[-1],
        version=len(past),
    )
    if "start_structuring" in done or "start_feasibility" in done:
        case.jobs_at_stake = jobs
    if plan.kind == CaseKind.TAKEOVER and "start_structuring" in done:
        case.valuation = Decimal(jobs * rng.randint(20, 60) * 1000)
        case.owner_agreement_on = on["start_structuring"] - datetime.timedelta(
            days=rng.randint(5, 40)
        )
    if plan.kind == CaseKind.TAKEOVER_DISTRESS:
        last = plan.events[-1].on if plan.events else plan.created_on
        case.court_offer_deadline = last - datetime.timedelta(days=rng.randint(0, 20))
        if "start_structuring" not in done and stage not in (Stage.DECLINED, Stage.ABANDONED):
            case.court_offer_deadline = None if rng.random() < 0.3 else case.court_offer_deadline
        if "start_structuring" in done:
            case.court_offer_deadline = max(case.court_offer_deadline, on["start_structuring"])
        _court_calendar(case, done, on)
    if plan.kind in legal.ROUTES_BY_KIND and not legal.default_route(plan.kind):
        # Chosen while structuring; a few older leads already know it.
        if "start_structuring" in done or rng.random() < 0.1:
            case.route = _route(ctx, plan, organisation)
    else:
        case.route = legal.default_route(plan.kind)
    if "start_financing" in done:
        if not case.route:
            case.route = _route(ctx, plan, organisation)
        form = _target_form(ctx, plan)
        case.target_form = form
        case.seed_scop = (
            legal.seed_scop_allowed(case.route, form)
            and organisation.legal_form in SOCIETES
            and rng.random() < SEED_SCOP_SHARE
        )
        if plan.kind == CaseKind.CREATION:
            if plan.scic:
                case.member_categories = rng.randint(3, 5)
            else:
                case.founding_members = rng.randint(2, 9)
    if plan.kind == CaseKind.TAKEOVER and "start_closing" in done:
        # Mostly two months' notice or more; a few short ones feed the alert.
        notice = rng.randint(61, 120) if rng.random() < 0.9 else rng.randint(20, 55)
        signing = plan.events[-1].on if plan.events[-1].transition == "incorporate" else None
        anchor = signing or on["start_closing"] + datetime.timedelta(days=30)
        case.employees_informed_on = min(
            anchor - datetime.timedelta(days=notice), on["start_closing"]
        )
        case.signing_on = anchor
    if "incorporate" in done:
        registered = on["incorporate"]
        case.registered_on = registered
        case.jobs_at_incorporation = max(2, round(jobs * rng.uniform(0.6, 1.1)))
        if plan.kind in (CaseKind.CREATION, CaseKind.CONVERSION) and rng.random() < 0.5:
            case.general_meeting_on = registered - datetime.timedelta(days=rng.randint(10, 40))
        form = TargetForm(case.target_form)
        if legal.is_newco(case.route):
            # The new cooperative: its own SIREN, where the business is; the target is sold
            # or liquidated and keeps its history.
            cooperative = Organisation(
                name=f"{organisation.name} Coop",
                siren=ctx.next_siren(),
                naf_code=organisation.naf_code,
                naf_version=organisation.naf_version,
                employees=case.jobs_at_incorporation,
                postal_code=organisation.postal_code,
                departement_id=organisation.departement_id,
            )
            plan.cooperative = cooperative
            organisation.status = legal.target_status_after(case.route)
        else:
            cooperative = organisation
            if not organisation.siren:
                organisation.siren = ctx.next_siren()
        case.cooperative_siren = cooperative.siren
        cooperative.cooperative_type = (
            CooperativeType.SCIC if form.is_scic else CooperativeType.SCOP
        )
        cooperative.legal_form = form.legal_form
        cooperative.cooperative_since = registered
        cooperative.status = OrganisationStatus.ACTIVE
        if case.seed_scop:
            cooperative.seed_scop_until = legal.seed_scop_deadline(registered)
    if stage == Stage.ABANDONED:
        case.abandon_reason, case.abandon_comment = plan.abandon_reason, plan.abandon_comment
        case.previous_stage = past[-1].source
    if stage == Stage.DECLINED:
        case.decline_reason = plan.decline_reason
    if stage == Stage.ON_HOLD:
        case.review_on = plan.hold_review_on
        case.previous_stage = past[-1].source
    if stage not in (Stage.INCORPORATED, Stage.ABANDONED, Stage.DECLINED):
        # Open cases carry a next action; some are overdue, as in real life.
        case.next_action = rng.choice(
            [
                "Rappeler le cédant",
                "Envoyer le modèle de statuts",
                "Préparer le comité d'engagement",
                "Réunion d'information des salariés",
                "Relancer l'expert-comptable",
            ]
        )
        case.next_action_on = ctx.today + datetime.timedelta(days=rng.randint(-20, 30))
    return case


# Share of the cases still structuring or financing whose members the law would not accept
# yet (the case page shows what is short).
MEMBERS_NOT_YET_LAWFUL_SHARE = 0.15


def _members(ctx: DemoContext, plan: Plan, case: Case) -> list[Membership]:
    """The members entered while structuring: lawful for every case that went to signing,
    sometimes short before. Their own random stream (seeded by the reference), so that the
    rest of the demo does not change with them."""
    done = {event.transition for event in _past(plan, ctx.today)}
    if "start_structuring" not in done:
        return []
    rng = random.Random(f"members-{case.reference}")
    signed = "start_closing" in done
    lawful = signed or rng.random() >= MEMBERS_NOT_YET_LAWFUL_SHARE
    jobs = case.jobs_at_incorporation or case.jobs_at_stake or 5
    form = case.target_form or ("scic_sas" if plan.scic else "scop_sarl")
    if TargetForm(form).is_scic:
        rows = _scic_members(rng, jobs, lawful, case.member_categories)
    else:
        rows = _scop_members(rng, jobs, lawful, form, case.seed_scop, case.founding_members)
    cooperative = case.cooperative if case.stage == Stage.INCORPORATED else None
    return [
        Membership(
            case=case,
            cooperative=cooperative,
            category=category,
            members=members,
            capital=Decimal(capital),
            votes=Decimal(votes),
            updated_by=case.assigned_officer,
        )
        for category, members, capital, votes in rows
    ]


def _scop_members(rng, jobs, lawful, form, seed_scop, founders):
    """Employee members (about 68 % of the jobs, DOMAIN.md) and a few others; one vote each."""
    minimum = legal.SCOP_MIN_MEMBERS[TargetForm(form).legal_form]
    employees = max(minimum, founders or 0, round(jobs * rng.uniform(0.5, 0.9)))
    # Others stay under 35 % of the votes (a Scop d'amorçage: under half).
    others = rng.randint(0, max(0, (employees * 35) // 65))
    employees_capital = employees * rng.choice([500, 1000, 1500, 2500, 5000])
    if seed_scop:
        employees_share = rng.uniform(0.15, 0.45)
    elif lawful:
        employees_share = rng.uniform(0.6, 0.95)
    else:
        employees_share = rng.uniform(0.3, 0.48)
    others_capital = round(employees_capital * (1 - employees_share) / employees_share, -2)
    rows = [("employees", employees, employees_capital, employees)]
    if others or others_capital:
        others = max(1, others)
        if seed_scop:
            others = min(others, employees - 1)
        rows.append(("others", others, others_capital, others))
    return rows


def _scic_members(rng, jobs, lawful, categories):
    """Employees, beneficiaries and one to three more categories; public bodies under half of
    the capital. A Scic not yet lawful still lacks its beneficiaries."""
    employees = max(1, round(jobs * rng.uniform(0.4, 0.8)))
    rows = [("employees", employees, employees * rng.choice([100, 500, 1000]), employees)]
    if lawful:
        users = rng.randint(5, 80)
        rows.append(("beneficiaries", users, users * rng.choice([20, 50, 100]), users))
    extra = max(1, (categories or rng.randint(3, 5)) - len(rows))
    for category in rng.sample(
        ["producers", "volunteers", "public_bodies", "others"], min(extra, 3)
    ):
        members = 1 if category == "public_bodies" else rng.randint(1, 12)
        rows.append((category, members, members * rng.choice([100, 500, 1000]), members))
    capital = sum(row[2] for row in rows)
    public = next((row for row in rows if row[0] == "public_bodies"), None)
    if public and public[2] * 2 > capital:
        # Public bodies hold at most half: theirs is capped at the others' total.
        rows[rows.index(public)] = (public[0], public[1], capital - public[2], public[3])
    return rows


def _target_form(ctx: DemoContext, plan: Plan) -> str:
    if plan.scic:
        return ctx.rng.choices(
            [TargetForm.SCIC_SAS, TargetForm.SCIC_SARL, TargetForm.SCIC_SA], [70, 25, 5]
        )[0]
    return ctx.rng.choices(
        [TargetForm.SCOP_SARL, TargetForm.SCOP_SAS, TargetForm.SCOP_SA], [55, 40, 5]
    )[0]


def _route(ctx: DemoContext, plan: Plan, organisation: Organisation) -> str:
    """A takeover's route: only a société can transform itself (an EI is always bought)."""
    weights = ROUTE_WEIGHTS[plan.kind]
    if organisation.legal_form not in SOCIETES:
        weights = {route: w for route, w in weights.items() if legal.is_newco(route)}
    routes, shares = zip(*weights.items(), strict=True)
    return ctx.rng.choices(routes, shares)[0]


def _activities(ctx: DemoContext, plan: Plan, case: Case) -> list[Activity]:
    rng = ctx.rng
    last = _past(plan, ctx.today)
    end = last[-1].on if last else plan.created_on
    span = max(1, (end - plan.created_on).days)
    activities = []
    for _ in range(rng.randint(0, 3)):
        kind = rng.choice([ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.NOTE])
        activities.append(
            Activity(
                case=case,
                kind=kind,
                subject={
                    ActivityKind.CALL: "Point téléphonique",
                    ActivityKind.MEETING: "Rendez-vous sur site",
                    ActivityKind.NOTE: "Compte rendu",
                }[kind],
                happened_on=plan.created_on + datetime.timedelta(days=rng.randint(0, span)),
                assignee=case.assigned_officer,
                created_by=case.assigned_officer,
                minutes_spent=rng.choice([15, 30, 45, 60, 90, 120]),
                created_at=_moment(ctx, plan.created_on),
            )
        )
    if case.next_action_on:
        activities.append(
            Activity(
                case=case,
                kind=ActivityKind.TASK,
                subject=case.next_action,
                due_on=case.next_action_on,
                assignee=case.assigned_officer,
                created_by=case.assigned_officer,
                created_at=_moment(ctx, end),
            )
        )
    return activities
