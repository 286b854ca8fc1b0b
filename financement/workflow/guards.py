"""The guards of the financing-line workflow: each returns the ``Reason(field, message)``s that
block its transition (empty: no objection); the engine runs them once, all of them."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from crm.workflow_engine import Guard, Reason
from financement.choices import InstrumentFamily, LineStatus


def _euros(value: Decimal) -> str:
    return number_format(value, 2, force_grouping=True)


def _positive(line, field_name: str, label: str) -> list[Reason]:
    value = getattr(line, field_name)
    if value is None:
        return [Reason(field_name, _("%(field)s is missing.") % {"field": label})]
    if value < 0:
        return [Reason(field_name, _("%(field)s cannot be negative.") % {"field": label})]
    if value == 0:
        return [Reason(field_name, _("%(field)s must be more than zero.") % {"field": label})]
    return []


def _dated(line, field_name: str, label: str, ctx) -> list[Reason]:
    value = getattr(line, field_name)
    if value is None:
        return [Reason(field_name, _("%(field)s is missing.") % {"field": label})]
    if value > ctx.today:
        return [Reason(field_name, _("%(field)s cannot be in the future.") % {"field": label})]
    return []


def _committee(line) -> list[Reason]:
    reasons = []
    session = line.committee_session
    if line.is_movement_tool and session is None:
        message = _(
            "The committee session is missing: the movement's tools are decided by the "
            "regional commitment committee."
        )
        reasons.append(Reason("committee_session", message))
    if session is None:
        return reasons
    national = line.instrument.needs_national_committee(line.amount_requested)
    if national and not session.is_national:
        message = _(
            "The committee session must be one of the national committee: %(amount)s € "
            "requested exceeds the regional delegation of %(ceiling)s €."
        ) % {
            "amount": _euros(line.amount_requested),
            "ceiling": _euros(line.instrument.regional_delegation_ceiling),
        }
        reasons.append(Reason("committee_session", message))
    elif not national and session.regional_union_id != line.plan.holder.regional_union_id:
        message = _("The committee session belongs to another regional union than the case.")
        reasons.append(Reason("committee_session", message))
    return reasons


def _secured_line_alive(line) -> list[Reason]:
    if line.family != InstrumentFamily.GUARANTEE or line.secures_id is None:
        return []
    if line.secures.status in (LineStatus.DECLINED, LineStatus.WITHDRAWN):
        return [Reason(None, _("The line this guarantee secures was declined or withdrawn."))]
    return []


def _amount(line, amount: str, label: str, ceiling: str, too_much: str, keys) -> list[Reason]:
    """A positive amount within the ``ceiling`` field; ``too_much`` names both (``keys``)."""
    reasons = _positive(line, amount, label)
    value, limit = getattr(line, amount), getattr(line, ceiling) or 0
    if not reasons and value > limit:
        reasons.append(Reason(amount, too_much % {keys[0]: _euros(value), keys[1]: _euros(limit)}))
    return reasons


def guard_request(line, ctx) -> list[Reason]:
    return _positive(line, "amount_requested", _("The amount requested")) + _secured_line_alive(
        line
    )


def guard_approve(line, ctx) -> list[Reason]:
    too_much = _(
        "The amount committed (%(committed)s €) cannot exceed the amount requested "
        "(%(requested)s €)."
    )
    reasons = _amount(
        line,
        "amount_committed",
        _("The amount committed"),
        "amount_requested",
        too_much,
        ("committed", "requested"),
    )
    reasons += _dated(line, "decision_on", _("The decision date"), ctx)
    reasons += _committee(line)
    reasons += _secured_line_alive(line)
    return reasons


def guard_decline(line, ctx) -> list[Reason]:
    return _dated(line, "decision_on", _("The decision date"), ctx) + _committee(line)


def guard_withdraw(line, ctx) -> list[Reason]:
    return []


def guard_disburse(line, ctx) -> list[Reason]:
    if line.family == InstrumentFamily.GUARANTEE:
        return [Reason(None, _("A guarantee is never paid out: it secures another line."))]
    too_much = _(
        "The amount disbursed (%(disbursed)s €) cannot exceed the amount committed "
        "(%(committed)s €)."
    )
    reasons = _amount(
        line,
        "amount_disbursed",
        _("The amount disbursed"),
        "amount_committed",
        too_much,
        ("disbursed", "committed"),
    )
    reasons += _dated(line, "disbursed_on", _("The payment date"), ctx)
    if line.disbursed_on and line.decision_on and line.disbursed_on < line.decision_on:
        message = _("The payment date cannot precede the decision date.")
        reasons.append(Reason("disbursed_on", message))
    return reasons


def guard_repay(line, ctx) -> list[Reason]:
    return []


def guard_write_off(line, ctx) -> list[Reason]:
    return []


GUARDS: dict[str, list[Guard]] = {
    "request": [guard_request],
    "approve": [guard_approve],
    "decline": [guard_decline],
    "withdraw": [guard_withdraw],
    "disburse": [guard_disburse],
    "repay": [guard_repay],
    "write_off": [guard_write_off],
}
