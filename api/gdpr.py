"""What the API holds about people outside ``Person``, for ``crm.gdpr``: the bodies of
rejected submissions, kept as received (nothing a partner sends is lost) for 30 days."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from api.models import RejectedSubmission
from crm.gdpr import Subject
from crm.redaction import redact_text, redact_value


def _rejected(subject: Subject):
    condition = Q(pk__in=[])
    for term in subject.terms:
        if len(term) >= 5:
            condition |= Q(body__icontains=term)
    return RejectedSubmission.objects.filter(condition)


class ApiSource:
    label = "api"

    def export(self, subject: Subject) -> list[dict[str, Any]]:
        return [
            {
                "record": "rejected_submission",
                "id": rejected.pk,
                "received_at": rejected.received_at,
                "body": rejected.body,
            }
            for rejected in _rejected(subject)
        ]

    def erase(self, subject: Subject) -> int:
        changed = 0
        for rejected in _rejected(subject):
            rejected.body = redact_text(rejected.body, subject.terms)
            rejected.errors = redact_value(rejected.errors, subject.terms)
            rejected.save(update_fields=["body", "errors"])
            changed += 1
        return changed
