"""What transmission holds about people outside ``Person``, for ``crm.gdpr``.

A person's name, e-mail or phone may stand in the raw body and payload of the partner leads
about their organisation, in the notes of activities, in the comments and data of the stage
history, and in a case's free-text fields. Rows are looked for in the cases of the person's
organisations, and anywhere the e-mail address or the phone number appears (identifiers
precise enough to search the whole table for).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q, QuerySet

from crm.gdpr import Subject
from crm.models import Person
from crm.redaction import redact_row, redact_text, redact_value
from transmission.choices import Stage
from transmission.models import Activity, Case, LeadSubmission, StageChange

CASE_TEXT_FIELDS = ("next_action", "abandon_comment")


def _identifiers(subject: Subject) -> list[str]:
    values = {subject.email, *(person.phone for person in subject.people)}
    return [value for value in values if value and len(value) >= 5]


def _mentions(fields: tuple[str, ...], subject: Subject) -> Q:
    condition = Q(pk__in=[])
    for value in _identifiers(subject):
        for name in fields:
            condition |= Q(**{f"{name}__icontains": value})
    return condition


def _organisation_ids(subject: Subject) -> list[int]:
    return [person.organisation_id for person in subject.people if person.organisation_id]


def _cases(subject: Subject) -> QuerySet[Case]:
    return Case.objects.filter(
        Q(organisation_id__in=_organisation_ids(subject)) | _mentions(CASE_TEXT_FIELDS, subject)
    )


def _submissions(subject: Subject) -> QuerySet[LeadSubmission]:
    return LeadSubmission.objects.filter(
        Q(case__organisation_id__in=_organisation_ids(subject))
        | _mentions(("raw_body",), subject)
        | Q(payload__contact__email__iexact=subject.email or "\x00")
    )


def _activities(subject: Subject) -> QuerySet[Activity]:
    return Activity.objects.filter(
        Q(case__organisation_id__in=_organisation_ids(subject))
        | _mentions(("subject", "notes"), subject)
    )


def _history(subject: Subject) -> QuerySet[StageChange]:
    return StageChange.objects.filter(
        Q(case__organisation_id__in=_organisation_ids(subject)) | _mentions(("comment",), subject)
    )


def _mentioning(rows, fields, terms) -> list:
    """The rows of which one of ``fields`` holds one of ``terms`` (case-insensitive)."""
    found = []
    for row in rows:
        for name in fields:
            value = getattr(row, name)
            if value and redact_value(value, terms) != value:
                found.append(row)
                break
    return found


class TransmissionSource:
    label = "transmission"

    def export(self, subject: Subject) -> list[dict[str, Any]]:
        terms = subject.terms
        rows: list[dict[str, Any]] = []
        for submission in _mentioning(_submissions(subject), ("raw_body", "payload"), terms):
            rows.append(
                {
                    "record": "lead_submission",
                    "id": str(submission.pk),
                    "received_at": submission.created_at,
                    "payload": submission.payload,
                    "raw_body": submission.raw_body,
                }
            )
        for activity in _mentioning(_activities(subject), ("subject", "notes"), terms):
            rows.append(
                {
                    "record": "activity",
                    "id": activity.pk,
                    "subject": activity.subject,
                    "notes": activity.notes,
                    "happened_on": activity.happened_on,
                }
            )
        for change in _mentioning(_history(subject), ("comment", "data"), terms):
            rows.append(
                {
                    "record": "stage_change",
                    "id": change.pk,
                    "at": change.at,
                    "comment": change.comment,
                    "data": change.data,
                }
            )
        for case in _mentioning(_cases(subject), CASE_TEXT_FIELDS, terms):
            rows.append(
                {"record": "case", "id": case.pk, **{f: getattr(case, f) for f in CASE_TEXT_FIELDS}}
            )
        return rows

    def erase(self, subject: Subject) -> int:
        terms = subject.terms
        changed = 0
        for submission in _mentioning(_submissions(subject), ("raw_body", "payload"), terms):
            submission.raw_body = redact_text(submission.raw_body, terms)
            submission.payload = redact_value(submission.payload, terms)
            submission.save(update_fields=["raw_body", "payload"])
            changed += 1
        for activity in _mentioning(_activities(subject), ("subject", "notes"), terms):
            activity.subject = redact_text(activity.subject, terms)
            activity.notes = redact_text(activity.notes, terms)
            activity.save(update_fields=["subject", "notes"])
            changed += 1
        for change in _mentioning(_history(subject), ("comment", "data"), terms):
            redact_row(
                StageChange,
                change.pk,
                comment=redact_text(change.comment, terms),
                data=redact_value(change.data, terms),
            )
            changed += 1
        for case in _mentioning(_cases(subject), CASE_TEXT_FIELDS, terms):
            Case.objects.filter(pk=case.pk).update(
                **{name: redact_text(getattr(case, name), terms) for name in CASE_TEXT_FIELDS}
            )
            changed += 1
        return changed


def purge_candidates(cutoff: datetime.date) -> QuerySet[Person]:
    """People of organisations whose cases all came to nothing (declined or abandoned) and
    saw no stage change nor activity since ``cutoff``."""
    stale_cases = Case.objects.filter(stage__in=[Stage.DECLINED, Stage.ABANDONED]).annotate(
        last_change=Max("stage_changes__at"), last_activity=Max("activities__created_at")
    )
    recent = Q(last_change__date__gte=cutoff) | Q(last_activity__date__gte=cutoff)
    live_or_recent = Case.objects.filter(organisation=OuterRef("organisation_id")).filter(
        ~Q(stage__in=[Stage.DECLINED, Stage.ABANDONED])
        | Q(pk__in=stale_cases.filter(recent).values("pk"))
    )
    return (
        Person.objects.filter(organisation__cases__in=stale_cases)
        .exclude(Exists(live_or_recent))
        .distinct()
    )
