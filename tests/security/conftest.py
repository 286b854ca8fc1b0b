"""Counts the authorization matrix's cells for the reliability scoreboard (tests.scoreboard)."""

import pytest

from tests import scoreboard


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
    scoreboard.record("matrix", checked=len(cells), failed=cells.failures)
