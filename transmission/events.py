"""Listeners of stage changes, called inside the transition's transaction.

An extension point (listed with the others in ``transmission.extension_points``): the apps
above register a callback (in their ``AppConfig.ready``). A listener runs before the commit,
so what it writes (an outbox row) commits or rolls back with the stage change itself. It must
not do slow or external work.

A listener is called as ``callback(case=..., source_stage=..., target_stage=...,
stage_change=...)``; an exception aborts the transition.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

StageChangeListener = Callable[..., Any]

_listeners: list[StageChangeListener] = []


def on_stage_change(callback: StageChangeListener) -> StageChangeListener:
    """Register ``callback`` (once, however often ``ready`` runs); usable as a decorator."""
    if callback not in _listeners:
        _listeners.append(callback)
    return callback


def stage_change_listeners() -> list[StageChangeListener]:
    return list(_listeners)


def stage_change_notify(*, case, source_stage: str, target_stage: str, stage_change) -> None:
    for callback in list(_listeners):
        callback(
            case=case,
            source_stage=source_stage,
            target_stage=target_stage,
            stage_change=stage_change,
        )
