"""The parts of a workflow description: transitions, inputs, wording, errors, history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise

from crm.workflow_engine.reasons import (
    Reason,
    TransitionConflict,
    TransitionForbidden,
    TransitionRefused,
)


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise
    sources: tuple[str, ...]
    # None: the fsm method returns the target (e.g. back to the stage a case left).
    target: str | None
    # Who may run it, in the words of the workflow's permission rule.
    actors: tuple[str, ...] = ()


class Input(NamedTuple):
    """A model field a transition collects; ``kinds``: for which kinds of object (None: all)."""

    field: str
    kinds: tuple[str, ...] | None = None


@dataclass
class TransitionContext:
    """Who runs the transition, what they gave that is not a model field, and the day."""

    by: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    today: Any = field(default_factory=timezone.localdate)


Guard = Callable[[Any, TransitionContext], list[Reason]]


@dataclass(frozen=True)
class Applied:
    """A transition that has just run (what ``after_apply`` and ``side_effects`` receive)."""

    obj: Any
    name: str
    source: str
    record: Any
    by: Any


def refuse_other_fields(fields, editable: set[str], message: str) -> None:
    """Outside a transition, only ``editable`` fields change: the rest go through transitions
    (``message``, translated, names them with %(fields)s)."""
    forbidden = sorted(set(fields) - editable)
    if forbidden:
        raise ValidationError(message % {"fields": ", ".join(forbidden)})


@dataclass(frozen=True)
class History:
    """The workflow's append-only record (an ``AppendOnlyRecord``): one row per transition."""

    model: str  # "app_label.Model"
    parent: str  # the row's foreign key to the object
    states: tuple[str, str]  # its (source, target) fields
    # What the row keeps beyond the fields given: (obj, name, fields, extra) -> dict.
    data: Callable[[Any, str, dict, dict], dict] = lambda obj, name, fields, extra: {}
    # Other columns of the row: (obj, name) -> dict.
    columns: Callable[[Any, str], dict] = lambda obj, name: {}


@dataclass(frozen=True)
class Wording:
    """The workflow's own sentences, as msgids (``gettext_noop``): translated when used."""

    unknown: str  # the name is no transition of it: %(name)s
    # The object is not in a source state: %(transition)s, and the state under the state
    # field's own name (%(stage)s, %(status)s).
    wrong_state: str
    conflict: str  # someone changed the object meanwhile


@dataclass(frozen=True)
class Errors:
    """The workflow's own exception classes (each a subclass of the engine's)."""

    unknown: type[Exception] = ValueError
    unexpected: type[Exception] = ValueError
    refused: type[TransitionRefused] = TransitionRefused
    forbidden: type[TransitionForbidden] = TransitionForbidden
    conflict: type[TransitionConflict] = TransitionConflict


@dataclass
class AvailableTransition:
    name: str
    label: str
    permitted: bool
    allowed: bool
    reasons: list[str]
    fields: list[str]
    extra_inputs: list[str]
