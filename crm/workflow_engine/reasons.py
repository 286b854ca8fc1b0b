"""Refusals: ``Reason(field, message)`` and the one hierarchy of workflow errors."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError


@dataclass(frozen=True)
class Reason:
    """Why a transition is refused: a French sentence, and the input field it is about (if any)."""

    field: str | None
    message: str

    def __str__(self) -> str:
        return str(self.message)


def as_reasons(items: Iterable[Reason | str], field: str | None = None) -> list[Reason]:
    """Plain messages (e.g. from the financing gate) as reasons that name no field."""
    return [item if isinstance(item, Reason) else Reason(field, str(item)) for item in items]


def field_errors(reasons: Iterable[Reason], non_field_key: str = NON_FIELD_ERRORS) -> dict:
    """The messages keyed by field, fields first in the order met, the others last."""
    errors: dict[str, list[str]] = {}
    rest: list[str] = []
    for reason in reasons:
        if reason.field:
            errors.setdefault(reason.field, []).append(str(reason))
        else:
            rest.append(str(reason))
    if rest:
        errors[non_field_key] = rest
    return errors


# --- Errors: one hierarchy for every workflow ------------------------------------------------


class WorkflowError(Exception):
    """Base of what a transition raises; ``str()`` is a French sentence."""


class TransitionRefused(WorkflowError):
    """The transition may not run: ``reasons`` (messages) and ``refusals`` (``Reason``s)."""

    def __init__(self, reasons: Iterable[Reason | str]):
        self.refusals = as_reasons(reasons)
        self.reasons = [str(reason) for reason in self.refusals]
        super().__init__(" ".join(self.reasons))

    @property
    def field_errors(self) -> dict[str, list[str]]:
        return field_errors(self.refusals)


class TransitionForbidden(TransitionRefused, PermissionDenied):
    """The user may not run this transition on this object (API: 403)."""


class TransitionConflict(TransitionRefused):
    """Someone else is changing or has just changed the same object (API: 409)."""

    def __init__(self, message: str):
        super().__init__([message])


def validation_reasons(error: ValidationError) -> list[Reason]:
    if hasattr(error, "error_dict"):
        return [
            Reason(None if name == NON_FIELD_ERRORS else name, str(message))
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [Reason(None, str(message)) for message in error.messages]
