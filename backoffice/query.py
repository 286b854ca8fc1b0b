"""Reading a back-office page's query string: a malformed value is ignored, never a 500.

People edit URLs, bookmarks go stale and scanners send anything: ``?charge=²`` (a digit to
``str.isdigit`` that ``int`` refuses), ``?page=99999999999999999999`` (an offset beyond the
database's integers) or ``?charge=-1`` mean "no such filter", not an error page.
"""

from __future__ import annotations

# The largest id or page a filter takes (PostgreSQL's integer); beyond it, no such row.
MAX_NUMBER = 2**31 - 1


def positive_int(value: str | None, *, default: int | None = None) -> int | None:
    """``value`` as a positive ASCII integer within ``MAX_NUMBER``, else ``default``."""
    if value and value.isascii() and value.isdigit():
        number = int(value)
        if 0 < number <= MAX_NUMBER:
            return number
    return default
