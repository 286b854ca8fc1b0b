"""Formatting for the back office: euros and percentages the French way, stage labels."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

from transmission.choices import Stage

register = template.Library()


@register.filter
def euros(value) -> str:
    """``1234567.5`` → ``1 234 567,50 €`` (non-breaking spaces); empty for None."""
    if value in (None, ""):
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0€"


@register.filter
def ratio(value, digits: int = 2) -> str:
    """A leverage (``2.5`` → ``2,50``); empty for None."""
    if value is None:
        return ""
    return number_format(Decimal(value), decimal_pos=int(digits), use_l10n=True)


@register.filter
def stage_label(code: str) -> str:
    if not code:
        return ""
    try:
        return str(Stage(code).label)
    except ValueError:
        return code


@register.filter
def may_import(user) -> bool:
    """Officers and directors import organisations and people (the service checks again)."""
    from backoffice.access import works_on_cases

    return works_on_cases(user)


@register.filter
def percent(value, digits: int = 1) -> str:
    """A share in per cent (``40`` → ``40,0 %``, non-breaking space); empty for None."""
    if value is None:
        return ""
    text = number_format(Decimal(value), decimal_pos=int(digits), use_l10n=True)
    return f"{text}\u00a0%"
