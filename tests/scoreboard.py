"""Counts the reliability tests report to the scoreboard (scripts/reliability.py).

When ``RELIABILITY_COUNTS`` names a file, ``record`` appends one JSON object per call (the
file is shared by every test process); otherwise it does nothing, so the tests run alike
with or without the scoreboard. Kinds and their counts:

- ``matrix``: ``checked``, ``failed`` — authorization cells (URL × actor);
- ``fuzzing``: ``cases``, ``server_errors`` — schemathesis cases and 5xx answers;
- ``concurrency``: ``trials``, ``winners`` — simultaneous requests and how many did the work;
- ``kills``: ``sent``, ``lost``, ``duplicated`` — leads under killed workers;
- ``gdpr``: ``residues`` — erased values still found in a text column.
"""

from __future__ import annotations

import json
import os

COUNTS_ENV = "RELIABILITY_COUNTS"


def record(kind: str, **counts: int) -> None:
    target = os.environ.get(COUNTS_ENV)
    if not target:
        return
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"kind": kind, **counts}) + "\n")
