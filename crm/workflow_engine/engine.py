"""The engine: a ``Workflow`` (the description and what it answers) and ``run_transition``."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.validation import full_clean_resolved
from crm.workflow_engine.description import (
    Applied,
    AvailableTransition,
    Errors,
    Guard,
    History,
    Input,
    Transition,
    TransitionContext,
    Wording,
)
from crm.workflow_engine.reasons import Reason, validation_reasons


def _nothing(*args, **kwargs) -> None:
    return None


@dataclass(frozen=True)
class Workflow:
    state_field: str
    transitions: Mapping[str, Transition]
    inputs: Mapping[str, Sequence[Input]]
    guards: Mapping[str, Sequence[Guard]]
    # Why ``user`` may not run the transition on the object (None: they may).
    permission: Callable[[Any, Transition, Any], str | None]
    wording: Wording
    history: History
    errors: Errors = field(default_factory=Errors)
    extra_inputs: Mapping[str, Sequence[str]] = field(default_factory=dict)
    kind_of: Callable[[Any], Any] = _nothing
    # Defaults a transition fills in when the caller leaves a field out: (obj, name, ctx).
    prepare: Callable[[Any, str, TransitionContext], None] = _nothing
    # The locked queryset (None: the row alone, ``nowait``: a held lock is a conflict at once).
    lock: Callable[[type[models.Model]], models.QuerySet] | None = None
    # Rows locked right after the object, in the same transaction (a parent whose rules read
    # the object and that the object's lock query cannot reach: a nullable relation).
    lock_also: Callable[[Any], None] = _nothing
    nowait: bool = False
    full_clean: bool = False  # validate the model (per-field errors) before saving
    changed_at_field: str | None = None  # set to now by every transition

    # --- Reading the description ----------------------------------------------------------

    def spec(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise self.errors.unknown(_(self.wording.unknown) % {"name": name}) from None

    def input_fields(self, obj, name: str) -> list[str]:
        """The model fields the transition ``name`` collects for this object's kind."""
        self.spec(name)
        kind = self.kind_of(obj)
        return [i.field for i in self.inputs[name] if i.kinds is None or kind in i.kinds]

    def history_label(self, name: str) -> str:
        """What a history row's transition name reads as, in French: the transition's label,
        "Opened" for the first row (``create``), a plain "Change recorded" for a name the
        workflow no longer knows (never the code)."""
        if name in self.transitions:
            return str(self.transitions[name].label)
        if name == "create":
            return str(_("Opened (first record of the history)"))
        return str(_("Change recorded"))

    def extra_inputs_of(self, name: str) -> list[str]:
        return list(self.extra_inputs.get(name, ()))

    def split_input(self, obj, name: str, data: Mapping[str, Any]) -> tuple[dict, dict]:
        """Model fields and extra inputs; anything else (another kind's field) is an error."""
        taken = set(self.input_fields(obj, name))
        extra_names = set(self.extra_inputs_of(name))
        fields = {k: v for k, v in data.items() if k in taken}
        extra = {k: v for k, v in data.items() if k in extra_names}
        unexpected = sorted(set(data) - set(fields) - set(extra))
        if unexpected:
            raise self.errors.unexpected(
                _("The transition “%(name)s” does not take: %(fields)s.")
                % {"name": name, "fields": ", ".join(unexpected)}
            )
        return fields, extra

    def state_refusal(self, obj, name: str) -> str | None:
        transition = self.spec(name)
        if getattr(obj, self.state_field) not in transition.sources:
            state = getattr(obj, f"get_{self.state_field}_display")()
            return _(self.wording.wrong_state) % {
                "transition": transition.label,
                self.state_field: state,
            }
        return None

    def permission_refusal(self, obj, name: str, user) -> str | None:
        return self.permission(obj, self.spec(name), user)

    def guard_reasons(self, obj, name: str, context: TransitionContext) -> list[Reason]:
        return [reason for guard in self.guards[name] for reason in guard(obj, context)]

    def blocking_reasons(self, obj, name: str, data=None, *, by=None) -> list[Reason]:
        """Every reason ``name`` may not run on ``obj`` with ``data`` (permission aside).

        Checked on a copy: the object itself is not changed.
        """
        refusal = self.state_refusal(obj, name)
        if refusal:
            return [Reason(None, refusal)]
        fields, extra = self.split_input(obj, name, data or {})
        preview = copy.copy(obj)
        for field_name, value in fields.items():
            setattr(preview, field_name, value)
        context = TransitionContext(by=by, extra=extra)
        self.prepare(preview, name, context)
        return self.guard_reasons(preview, name, context)

    def available_transitions(self, obj, user) -> list[AvailableTransition]:
        """The transitions starting from the object's state, for buttons and the API.

        ``permitted``: the user may run it; ``allowed``: they may, and nothing blocks it with
        the object as it stands (the fields its form collects may still change that).
        """
        result = []
        for name, transition in self.transitions.items():
            if getattr(obj, self.state_field) not in transition.sources:
                continue
            refusal = self.permission_refusal(obj, name, user)
            reasons = (
                [Reason(None, refusal)] if refusal else self.blocking_reasons(obj, name, by=user)
            )
            result.append(
                AvailableTransition(
                    name=name,
                    label=str(transition.label),
                    permitted=refusal is None,
                    allowed=not reasons,
                    reasons=[str(reason) for reason in reasons],
                    fields=self.input_fields(obj, name),
                    extra_inputs=self.extra_inputs_of(name),
                )
            )
        return result

    # --- Running a transition --------------------------------------------------------------

    def _locked(self, obj):
        try:
            model = type(obj)
            if self.lock is None:
                queryset = model._default_manager.select_for_update(nowait=self.nowait)
            else:
                queryset = self.lock(model)
            locked = queryset.get(pk=obj.pk)
            self.lock_also(locked)
        except DatabaseError as error:
            # PostgreSQL: "could not obtain lock on row" (55P03). Never queue behind a colleague.
            raise self.errors.conflict(_(self.wording.conflict)) from error
        if locked.version != obj.version:
            raise self.errors.conflict(_(self.wording.conflict))
        return locked

    def run(
        self,
        *,
        obj,
        name: str,
        by,
        comment: str = "",
        data: Mapping[str, Any],
        after_apply: Callable[[Applied], None] | None = None,
        side_effects: Callable[[Applied], None] | None = None,
        before_save: Callable[[Any, str, dict], None] | None = None,
    ):
        transition = self.spec(name)
        fields, extra = self.split_input(obj, name, data)
        with transaction.atomic():
            locked = self._locked(obj)
            refusal = self.permission_refusal(locked, name, by)
            if refusal:
                raise self.errors.forbidden([refusal])
            refusal = self.state_refusal(locked, name)
            if refusal:
                raise self.errors.refused([refusal])
            for field_name, value in fields.items():
                setattr(locked, field_name, value)
            context = TransitionContext(by=by, extra=extra)
            self.prepare(locked, name, context)
            reasons = self.guard_reasons(locked, name, context)
            if reasons:
                raise self.errors.refused(reasons)
            source = getattr(locked, self.state_field)
            getattr(locked, transition.name)()
            if before_save is not None:
                # What the saved row must already hold (e.g. a record a constraint requires).
                before_save(locked, name, extra)
            if self.full_clean:
                try:
                    locked.full_clean(exclude=[self.state_field])
                except ValidationError as error:
                    raise self.errors.refused(validation_reasons(error)) from error
            now = timezone.now()
            locked.version += 1
            if self.changed_at_field:
                setattr(locked, self.changed_at_field, now)
            locked.save()
            record = self._append_history(locked, name, source, by, now, comment, fields, extra)
            applied = Applied(obj=locked, name=name, source=source, record=record, by=by)
            if after_apply is not None:
                after_apply(applied)  # inside the transaction: commits or rolls back with it
            if side_effects is not None:
                transaction.on_commit(lambda: side_effects(applied))
        obj.refresh_from_db()
        return locked

    def create(
        self,
        obj,
        *,
        by,
        comment: str = "",
        data: dict | None = None,
        at=None,
        resolved: bool = False,
    ):
        """Validate and save a new object in its initial state, with its first history row
        ("create", from no state): the history replays from the very beginning.

        ``resolved``: the caller loaded every related object itself and handles the
        database's unique and check refusals (crm.validation.full_clean_resolved)."""
        if resolved:
            full_clean_resolved(obj, exclude=[self.state_field])
        else:
            obj.full_clean(exclude=[self.state_field])
        obj.save()
        source_field, target_field = self.history.states
        return apps.get_model(self.history.model).objects.create(
            **{self.history.parent: obj, source_field: ""},
            **{target_field: getattr(obj, self.state_field)},
            transition="create",
            by=by,
            at=at or timezone.now(),
            comment=comment,
            data=data or {},
        )

    def _append_history(self, obj, name, source, by, at, comment, fields, extra):
        data = {key: _plain(value) for key, value in fields.items() if value not in (None, "")}
        data.update(self.history.data(obj, name, fields, extra))
        source_field, target_field = self.history.states
        return apps.get_model(self.history.model).objects.create(
            **{self.history.parent: obj, source_field: source},
            **{target_field: getattr(obj, self.state_field)},
            transition=name,
            by=by,
            at=at,
            comment=comment,
            data=data,
            **self.history.columns(obj, name),
        )


def _plain(value):
    """What a JSON history keeps of a value: a row by its primary key."""
    return value.pk if isinstance(value, models.Model) else value


def run_transition(
    workflow: Workflow,
    *,
    obj,
    name: str,
    by,
    comment: str = "",
    after_apply: Callable[[Applied], None] | None = None,
    side_effects: Callable[[Applied], None] | None = None,
    before_save: Callable[[Any, str, dict], None] | None = None,
    **data: Any,
):
    """Run the transition ``name`` of ``workflow`` on ``obj`` for the user ``by`` (see above).

    ``data``: the fields and extra inputs the transition collects. ``after_apply`` runs inside
    the transaction (what must commit with the change: listeners writing an outbox row);
    ``side_effects`` after the commit; ``before_save(obj, name, extra)`` after the guards and
    the state change, before the object is saved (rows the saved object must point to).
    Raises the workflow's ``unknown`` / ``unexpected`` errors for a wrong call, its
    ``forbidden`` (permission), ``refused`` (every reason at once) or ``conflict``; then
    nothing is written. Returns the saved object and refreshes the caller's copy.
    """
    return workflow.run(
        obj=obj,
        name=name,
        by=by,
        comment=comment,
        data=data,
        after_apply=after_apply,
        side_effects=side_effects,
        before_save=before_save,
    )


def fsm_transition(workflow: Workflow, name: str, **kwargs):
    """The django-fsm decorator of a transition, built from the description.

    No ``conditions``: the guards run once, in ``run_transition``, before the method is
    called; the fsm method only changes the object. ``permission`` answers django-fsm's
    ``has_transition_perm`` with the workflow's rule.
    """
    from django_fsm import transition as fsm

    spec = workflow.transitions[name]

    def permission(obj, user) -> bool:
        return workflow.permission(obj, spec, user) is None

    permission.__name__ = f"may_{name}"
    return fsm(
        field=workflow.state_field,
        source=list(spec.sources),
        target=kwargs.pop("target", spec.target),
        permission=permission,
        custom={"label": spec.label},
        **kwargs,
    )
