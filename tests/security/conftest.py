"""Counts the authorization matrix's cells for ``make reliability`` (scripts/reliability.py).

When ``RELIABILITY_COUNTS`` names a file, each matrix test adds its cells checked and failed
to it (one JSON object per line)."""

import json
import os

import pytest


class Cells(list):
    def __init__(self):
        super().__init__()
        self.failures = 0

    def failed(self, count: int) -> None:
        self.failures += count


@pytest.fixture
def matrix_cells():
    cells = Cells()
    yield cells
    target = os.environ.get("RELIABILITY_COUNTS")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(
                json.dumps({"kind": "matrix", "checked": len(cells), "failed": cells.failures})
                + "\n"
            )
