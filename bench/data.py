"""Data at scale, through the demo pipeline's bulk paths.

The shapes are seed_demo's (the same ``<app>.demo`` modules run: organisations, cases across
kinds, stages, URs and filières, their stage histories, activities, financing plans and
lines), drawn from the same weighted geography, so some URs are far bigger than others
(Ouest and Pays de la Loire weigh 10-15 times Corse). Partners are skewed on top: one
national partner sends about half of all partner leads, as the largest network does.

Then the fixtures a benchmark needs are added, each in bulk: a partner with an API key (P1,
P3), two officers of the biggest UR with 2,000 and 100 active cases (B7) and two cases with
500 and 10 timeline items (B10).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from crm.demo_framework import DemoContext
from crm.identifiers import luhn_check_digit

SCALES = {"tiny": 60, "1k": 1_000, "10k": 10_000, "100k": 100_000}
BOARD_LARGE, BOARD_SMALL = 2_000, 100
TIMELINE_LARGE, TIMELINE_SMALL = 500, 10


class BenchContext(DemoContext):
    """seed_demo's context with room for a million SIRENs (still starting with 0, fictitious)."""

    def next_siren(self) -> str:
        self._siren_serial += 1
        partial = f"0{self._siren_serial:07d}"
        return partial + luhn_check_digit(partial)


@dataclass
class Fixtures:
    partner_id: int
    partner_key: str
    board_user_id: int
    officer_user_id: int
    board_officer_large_id: int
    board_officer_small_id: int
    timeline_case_large_id: int
    timeline_case_small_id: int
    cases: int
    stage_changes: int
    board: tuple[int, int]
    timeline: tuple[int, int]

    # Kept beside a kept database (``python -m bench --keep``), so that ``--reuse`` can run
    # the benchmarks again on the same data: the partner key's plaintext is nowhere else.
    def save(self, path) -> None:
        import json
        from dataclasses import asdict
        from pathlib import Path

        Path(path).write_text(json.dumps(asdict(self), indent=1))

    @classmethod
    def load(cls, path) -> Fixtures:
        import json
        from pathlib import Path

        values = json.loads(Path(path).read_text())
        values["board"], values["timeline"] = tuple(values["board"]), tuple(values["timeline"])
        return cls(**values)


def generate(
    cases: int,
    *,
    seed: int = 2024,
    today: datetime.date | None = None,
    board: tuple[int, int] = (BOARD_LARGE, BOARD_SMALL),
    timeline: tuple[int, int] = (TIMELINE_LARGE, TIMELINE_SMALL),
) -> Fixtures:
    """Fill the (empty) current database with ``cases`` cases and the bench fixtures."""
    from crm.management.commands.seed_demo import demo_modules

    ctx = BenchContext(
        rng=random.Random(seed),
        today=today or timezone.localdate(),
        options={"cases": cases, "case_years": 5, "cooperatives": max(10, cases // 4)},
    )
    with transaction.atomic():
        for module in demo_modules():
            module.seed(ctx)
        _skew_partners(ctx)
    result = fixtures(ctx.rng, board=board, timeline=timeline)
    analyze()
    return result


def analyze() -> None:
    """Planner statistics for data loaded in one go: a database in service has them (its
    autovacuum keeps them), a freshly filled one only once autovacuum comes by, and until then
    PostgreSQL plans the dashboards' joins for a few dozen rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _skew_partners(ctx: DemoContext) -> None:
    """Half of the partner leads to the first national partner (the largest network)."""
    from transmission.models import Case

    partners = ctx.shared.get("partners") or []
    if not partners:
        return
    ids = list(
        Case.objects.filter(source_partner__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )[::2]
    for start in range(0, len(ids), 5000):
        Case.objects.filter(pk__in=ids[start : start + 5000]).update(source_partner=partners[0])


def fixtures(rng: random.Random, *, board: tuple[int, int], timeline: tuple[int, int]) -> Fixtures:
    from api import services as api_services
    from crm.models import Partner, RegionalUnion, User
    from crm.roles import Role
    from crm.services import officer_profile_set
    from transmission.models import Activity, Case, StageChange

    biggest = (
        Case.objects.values("regional_union").annotate(n=Count("pk")).order_by("-n").first()
    )["regional_union"]
    union = RegionalUnion.objects.get(pk=biggest)
    officers = []
    for label in ("large", "small"):
        user = User.objects.create(
            username=f"bench.board.{label}",
            email=f"bench.board.{label}@demo.invalid",
            first_name="Banc",
            last_name=label.capitalize(),
        )
        officer_profile_set(user=user, role=Role.OFFICER, regional_union=union)
        officers.append(user)
    _active_cases_for(officers[0], board[0])
    _active_cases_for(officers[1], board[1])

    board_member = User.objects.get(username="board")
    officer = User.objects.get(username="officer.ouest")
    partner = Partner.objects.order_by("pk").first()
    _key, plaintext = api_services.partner_key_create(partner=partner)

    large, small = (
        Case.objects.filter(assigned_officer=officers[index]).order_by("pk").first()
        for index in (0, 1)
    )
    for case, items in ((large, timeline[0]), (small, timeline[1])):
        have = StageChange.objects.filter(case=case).count() + case.activities.count()
        start = case.created_at
        Activity.objects.bulk_create(
            Activity(
                case=case,
                kind="note",
                subject=f"Compte rendu {number}",
                notes="Échange de démonstration.",
                happened_on=(start + datetime.timedelta(hours=number)).date(),
                assignee=case.assigned_officer,
                created_by=case.assigned_officer,
                minutes_spent=rng.choice([15, 30, 45]),
                created_at=start + datetime.timedelta(hours=number),
            )
            for number in range(max(0, items - have))
        )
    return Fixtures(
        partner_id=partner.pk,
        partner_key=plaintext,
        board_user_id=board_member.pk,
        officer_user_id=officer.pk,
        board_officer_large_id=officers[0].pk,
        board_officer_small_id=officers[1].pk,
        timeline_case_large_id=large.pk,
        timeline_case_small_id=small.pk,
        cases=Case.objects.count(),
        stage_changes=StageChange.objects.count(),
        board=board,
        timeline=timeline,
    )


def _active_cases_for(user, count: int) -> None:
    """Give ``user`` ``count`` active cases of its UR, taken over from other officers.

    Reassignment is not a stage change: the cases keep their histories. Where the UR has too
    few active cases, the remainder is made of fresh leads (with their creation row)."""
    from transmission.choices import ACTIVE_STAGES
    from transmission.models import Case

    ur = user.officer_profile.regional_union_id
    pool = list(
        Case.objects.filter(regional_union_id=ur, stage__in=ACTIVE_STAGES)
        .exclude(assigned_officer__username__startswith="bench.")
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    Case.objects.filter(pk__in=pool).update(assigned_officer=user)
    missing = count - len(pool)
    if missing > 0:
        _fresh_leads(user, ur, missing)


def _fresh_leads(user, ur: int, count: int) -> None:
    from crm.models import Organisation
    from transmission.choices import Stage
    from transmission.models import Case, StageChange

    template = Case.objects.filter(regional_union_id=ur).select_related("organisation").first()
    now = timezone.now()
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Entreprise banc {user.pk}-{n} (démo)",
            postal_code=template.organisation.postal_code,
            departement_id=template.organisation.departement_id,
            naf_code=template.organisation.naf_code,
            naf_version=template.organisation.naf_version,
            legal_form=template.organisation.legal_form,
            employees=5,
        )
        for n in range(count)
    )
    cases = Case.objects.bulk_create(
        Case(
            reference=f"BENCH-{user.pk}-{n:05d}",
            kind=template.kind,
            stage=Stage.LEAD,
            regional_union_id=ur,
            organisation=organisation,
            assigned_officer=user,
            source=template.source,
            created_at=now,
        )
        for n, organisation in enumerate(organisations)
    )
    StageChange.objects.bulk_create(
        StageChange(
            case=case,
            transition="create",
            source_stage="",
            target_stage=Stage.LEAD,
            by=user,
            at=now,
        )
        for case in cases
    )


def prepare_schema() -> None:
    """Migrations, the cache table and the probe table of the INSERT baseline."""
    from bench.views import PROBE_DDL

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(PROBE_DDL)
