"""Writes of the follow-up: the record, cessation, membership, révision, annual reviews.

Every service is keyword-only and atomic, locks the row it changes, checks that the actor may
work on that cooperative (its UR's officers and director, administrators, or ``SYSTEM``),
validates with the models' rules (each error names its field) and saves. Nothing is written
when anything is refused.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import scoping
from crm.actors import is_system
from crm.models import Organisation, OrganisationStatus
from crm.roles import Role
from followup.models import AnnualReview, CeaseCause, CooperativeFollowUp
from transmission.choices import Stage

# Roles that keep a cooperative's follow-up (inside their territory).
EDITOR_ROLES = frozenset({Role.OFFICER, Role.DIRECTOR, Role.ADMINISTRATOR})
# Fields an annual review carries (everything but the keys and the audit columns).
REVIEW_FIELDS = (
    "jobs",
    "members",
    "employee_members",
    "employee_capital_share",
    "employee_vote_share",
    "share_capital",
    "turnover",
    "result",
    "result_to_employees",
    "result_to_dividends",
    "result_to_reserves",
    "general_meeting_turnout",
    "women_members",
    "board_members",
    "women_on_board",
    "training_hours",
    "staff_turnover",
)
FOLLOW_UP_FIELDS = (
    "confederation_member",
    "confederation_member_since",
    "ur_member",
    "ur_member_since",
    "revision_interval_years",
    "last_revision_on",
)


class FollowUpForbidden(PermissionDenied):
    pass


def may_edit(user, organisation: Organisation) -> bool:
    if is_system(user):
        return True
    if user is None or not getattr(user, "is_active", False):
        return False
    if not user.is_superuser and scoping.user_role(user) not in EDITOR_ROLES:
        return False
    return scoping.can_access(user, organisation)


def _check(by, organisation: Organisation) -> None:
    if by is None or not may_edit(by, organisation):
        raise FollowUpForbidden(_("You may not keep the follow-up of this cooperative."))


def _user_or_none(by):
    return None if is_system(by) else by


def _cooperative(organisation: Organisation) -> Organisation:
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not locked.is_cooperative:
        raise ValidationError(
            {"organisation": _("Only a cooperative (Scop or Scic) has a follow-up.")}
        )
    return locked


@transaction.atomic
def follow_up_open(*, organisation: Organisation, by, case=None) -> CooperativeFollowUp:
    """The cooperative's follow-up record, created once (a second call returns it)."""
    _check(by, organisation)
    _cooperative(organisation)
    follow_up, created = CooperativeFollowUp.objects.get_or_create(
        organisation=organisation, defaults={"case": case}
    )
    if not created and case is not None and follow_up.case_id is None:
        follow_up.case = case
        follow_up.save(update_fields=["case"])
    return follow_up


def follow_up_on_incorporation(*, case, source_stage, target_stage, stage_change) -> None:
    """Stage-change listener: an incorporated case hands over to the cooperative's record.

    Runs inside the transition's transaction (after transmission recorded the cooperative,
    ``case.cooperative``), so the record commits or rolls back with the incorporation.
    """
    if target_stage != Stage.INCORPORATED:
        return
    from crm.actors import SYSTEM

    # The cooperative's own legal person: the target itself only on a transformation.
    follow_up_open(organisation=case.cooperative, case=case, by=SYSTEM)


@transaction.atomic
def follow_up_update(*, follow_up: CooperativeFollowUp, by, **fields: Any) -> CooperativeFollowUp:
    """Membership of the confederation and the UR, the révision interval and last date."""
    unknown = set(fields) - set(FOLLOW_UP_FIELDS)
    if unknown:
        raise TypeError(f"follow_up_update() got unexpected fields: {sorted(unknown)}")
    _check(by, follow_up.organisation)
    locked = CooperativeFollowUp.objects.select_for_update().get(pk=follow_up.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    if locked.last_revision_on and locked.last_revision_on > timezone.localdate():
        raise ValidationError(
            {"last_revision_on": _("The date of the last révision cannot be in the future.")}
        )
    locked.full_clean()
    locked.save()
    follow_up.refresh_from_db()
    return locked


@transaction.atomic
def cooperative_cease(
    *, organisation: Organisation, on: datetime.date, cause: str, by
) -> CooperativeFollowUp:
    """The cooperative ceased on ``on`` for ``cause``: the date on the organisation (its one
    place), the cause on the follow-up, both or neither."""
    _check(by, organisation)
    locked = _cooperative(organisation)
    errors: dict[str, list[str]] = {}
    if locked.cooperative_ceased_on is not None:
        errors.setdefault("on", []).append(
            _("This cooperative already ceased on %(date)s.")
            % {"date": locked.cooperative_ceased_on.strftime("%d/%m/%Y")}
        )
    if not isinstance(on, datetime.date):
        errors.setdefault("on", []).append(_("Give the date of cessation."))
    else:
        if on > timezone.localdate():
            errors.setdefault("on", []).append(_("The date of cessation cannot be in the future."))
        if locked.cooperative_since and on < locked.cooperative_since:
            errors.setdefault("on", []).append(
                _("The date of cessation cannot be before the cooperative started (%(date)s).")
                % {"date": locked.cooperative_since.strftime("%d/%m/%Y")}
            )
    if cause not in CeaseCause.values:
        errors.setdefault("cause", []).append(_("Choose the cause of cessation."))
    if errors:
        raise ValidationError(errors)
    follow_up, _created = CooperativeFollowUp.objects.select_for_update().get_or_create(
        organisation=locked
    )
    locked.cooperative_ceased_on = on
    locked.status = OrganisationStatus.CEASED
    locked.save(update_fields=["cooperative_ceased_on", "status", "updated_at"])
    follow_up.cease_cause = cause
    follow_up.save(update_fields=["cease_cause"])
    organisation.refresh_from_db()
    return follow_up


@transaction.atomic
def annual_review_record(
    *, follow_up: CooperativeFollowUp, year: int, by, **values: Any
) -> AnnualReview:
    """Create or replace the review of ``year`` (every rule checked, errors by field)."""
    unknown = set(values) - set(REVIEW_FIELDS)
    if unknown:
        raise TypeError(f"annual_review_record() got unexpected fields: {sorted(unknown)}")
    _check(by, follow_up.organisation)
    follow_up = (
        CooperativeFollowUp.objects.select_for_update()
        .select_related("organisation")
        .get(pk=follow_up.pk)
    )
    review = AnnualReview.objects.filter(follow_up=follow_up, year=year).first() or AnnualReview(
        follow_up=follow_up, year=year
    )
    for name in REVIEW_FIELDS:
        if name in values:
            setattr(review, name, values[name])
    review.recorded_by = _user_or_none(by)
    review.recorded_at = timezone.now()
    review.full_clean()
    review.save()
    return review


def reviews_import(*, file, format: str, by, dry_run: bool = False):
    """Import annual reviews from a CSV or XLSX file, all or nothing.

    Returns django-import-export's ``Result``: ``has_errors()`` / ``has_validation_errors()``
    and, per row, the French messages naming the column. A dry run validates everything and
    writes nothing.
    """
    from followup.resources import AnnualReviewResource, read_dataset

    dataset = read_dataset(file, format)
    resource = AnnualReviewResource(by=by)
    return resource.import_data(dataset, dry_run=dry_run, raise_errors=False)
