"""How the apps above transmission plug into it: every extension point, in one place.

``transmission`` may not import the apps above it (``financement``, ``api``, ...). Where it must
let them take part, it declares the point here and they register from their
``AppConfig.ready()``; nothing depends on the order of ``INSTALLED_APPS``.

1. **The financing gate** (``set_financing_gate``): whether a case may enter or leave the
   ``financing`` stage. ``financement`` registers the plan's gate; until then the default gate
   answers that no case has a plan, so no case can enter ``financing``.
   See ``transmission.financing_gate.FinancingGate`` for the two questions it answers.

2. **Stage-change listeners** (``on_stage_change``): called inside the transition's
   transaction as ``callback(case=..., source_stage=..., target_stage=..., stage_change=...)``;
   what a listener writes (an outbox row) commits or rolls back with the stage change, and an
   exception aborts the transition. No slow or external work there: enqueue it.
   ``api`` registers the partner webhooks this way; ``followup`` opens the cooperative's
   follow-up record at incorporation.

3. **Extra case-admin inlines** (``register_case_admin_inline``): inlines shown on the case's
   admin page after transmission's own (``financement`` adds the financing plan). An inline
   that writes defines ``save_inline_formset(request, case, formset)``, which the case admin
   calls instead of saving the formset itself, so that writes still go through services.

One extension point lives lower, in ``crm`` (for every app, not only those above transmission):

4. **GDPR sources** (``crm.gdpr.register_source``, ``register_purge_candidates``): each app
   that holds personal data (``transmission``, ``financement``, ``api``) registers what it
   holds, so export, erasure and purge reach every copy. See ``crm/gdpr.py``.
"""

from __future__ import annotations

from django.utils.module_loading import import_string

from transmission.events import on_stage_change, stage_change_listeners
from transmission.financing_gate import FinancingGate, financing_gate, set_financing_gate

__all__ = [
    "FinancingGate",
    "case_admin_inlines",
    "financing_gate",
    "on_stage_change",
    "register_case_admin_inline",
    "set_financing_gate",
    "stage_change_listeners",
]

# Dotted paths: the admin classes are imported when the case admin first needs them, not from
# AppConfig.ready() (admin modules register models as they load).
_case_admin_inlines: list[str] = []


def register_case_admin_inline(dotted_path: str) -> None:
    """Add an inline (``"app.admin.SomeInline"``) to the case admin page, once."""
    if dotted_path not in _case_admin_inlines:
        _case_admin_inlines.append(dotted_path)


def case_admin_inlines() -> list[type]:
    return [import_string(path) for path in _case_admin_inlines]
