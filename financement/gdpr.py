"""What financement holds about people outside ``Person``, for ``crm.gdpr``: comments typed
on the financing lines and their decisions, in the cases of the person's organisations."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from crm.gdpr import Subject
from crm.redaction import redact_row, redact_text, redact_value
from financement.models import FinancingLine, LineDecision


def _organisation_ids(subject: Subject) -> list[int]:
    return [person.organisation_id for person in subject.people if person.organisation_id]


def _lines(subject: Subject):
    organisations = _organisation_ids(subject)
    return FinancingLine.objects.filter(
        Q(plan__case__organisation_id__in=organisations)
        | Q(plan__support__organisation_id__in=organisations)
    ).exclude(comment="")


def _decisions(subject: Subject):
    organisations = _organisation_ids(subject)
    return LineDecision.objects.filter(
        Q(line__plan__case__organisation_id__in=organisations)
        | Q(line__plan__support__organisation_id__in=organisations)
    )


def _changed(value, terms) -> bool:
    return bool(value) and redact_value(value, terms) != value


class FinancingSource:
    label = "financement"

    def export(self, subject: Subject) -> list[dict[str, Any]]:
        terms = subject.terms
        rows = [
            {"record": "financing_line", "id": line.pk, "comment": line.comment}
            for line in _lines(subject)
            if _changed(line.comment, terms)
        ]
        rows += [
            {"record": "line_decision", "id": d.pk, "comment": d.comment, "data": d.data}
            for d in _decisions(subject)
            if _changed(d.comment, terms) or _changed(d.data, terms)
        ]
        return rows

    def erase(self, subject: Subject) -> int:
        terms = subject.terms
        changed = 0
        for line in _lines(subject):
            if _changed(line.comment, terms):
                FinancingLine.objects.filter(pk=line.pk).update(
                    comment=redact_text(line.comment, terms)
                )
                changed += 1
        for decision in _decisions(subject):
            if _changed(decision.comment, terms) or _changed(decision.data, terms):
                redact_row(
                    LineDecision,
                    decision.pk,
                    comment=redact_text(decision.comment, terms),
                    data=redact_value(decision.data, terms),
                )
                changed += 1
        return changed
