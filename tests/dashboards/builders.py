"""Hand-made cases with an explicit, dated history (tests only).

``case_with_history`` writes the case as it stands and one history row per step, at the
times given, so that expected figures can be computed by hand from the steps.
"""

import datetime
import itertools

from django.utils import timezone

from tests.factories import OrganisationFactory, regional_union, valid_siren
from transmission.choices import Stage, TargetForm
from transmission.models import Case, StageChange
from transmission.services import format_reference

_serial = itertools.count(1)
NOW = timezone.now()


def ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def case_with_history(
    steps,
    *,
    kind="takeover",
    ur="ouest",
    postal_code="35000",
    created_days_ago=None,
    organisation=None,
    **fields,
):
    """``steps``: [(days ago, target stage), ...] after the creation (the first row, to lead).

    The case rests in the last step's stage; ``previous_stage``, reasons and registration
    data are filled in as that stage requires unless given.
    """
    serial = next(_serial)
    created = ago(
        created_days_ago if created_days_ago is not None else (steps[0][0] + 1 if steps else 1)
    )
    stage = steps[-1][1] if steps else Stage.LEAD
    sources = [Stage.LEAD, *(target for _, target in steps)][: len(steps)]
    data = {}
    if stage in (Stage.ABANDONED, Stage.ON_HOLD) and steps:
        data["previous_stage"] = sources[-1]
    if stage == Stage.ABANDONED:
        data["abandon_reason"] = "not_viable"
    if stage == Stage.ON_HOLD:
        data["review_on"] = timezone.localdate() + datetime.timedelta(days=30)
    if stage == Stage.DECLINED:
        data["decline_reason"] = "duplicate"
    if stage == Stage.INCORPORATED:
        data.update(
            cooperative_siren=valid_siren(90_000 + serial),
            target_form=TargetForm.SCOP_SARL,
            registered_on=timezone.localdate(),
        )
    data.update(fields)
    case = Case(
        reference=format_reference("DASH", 2026, serial),
        kind=kind,
        stage=stage,
        organisation=organisation or OrganisationFactory(postal_code=postal_code),
        regional_union=regional_union(ur),
        created_at=created,
        stage_changed_at=ago(steps[-1][0]) if steps else created,
        **data,
    )
    if stage == Stage.INCORPORATED and case.cooperative_id is None:
        # Built in its final stage: the company transformed itself (one organisation).
        case.cooperative = case.organisation
    case.save()
    StageChange.objects.create(case=case, transition="create", target_stage=Stage.LEAD, at=created)
    for (days, target), source in zip(steps, sources, strict=True):
        StageChange.objects.create(
            case=case, transition="test", source_stage=source, target_stage=target, at=ago(days)
        )
    return case
