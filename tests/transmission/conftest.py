import pytest

from transmission import financing_gate


class FakeGate:
    """A financing plan the test controls: present or not, balanced or not."""

    def __init__(self, has_plan: bool = True, balanced: bool = True):
        self.has_plan = has_plan
        self.balanced = balanced

    def reasons_blocking_entry(self, case) -> list[str]:
        return [] if self.has_plan else ["Le dossier n'a pas de plan de financement."]

    def reasons_blocking_exit(self, case) -> list[str]:
        if not self.has_plan:
            return ["Le dossier n'a pas de plan de financement."]
        return [] if self.balanced else ["Le plan de financement n'est pas équilibré."]

    def case_has_plan(self, case) -> bool:
        return self.has_plan


@pytest.fixture
def gate():
    """Install a controllable financing gate for one test, then restore the previous one."""
    previous = financing_gate.financing_gate()
    fake = FakeGate()
    financing_gate.set_financing_gate(fake)
    yield fake
    financing_gate.set_financing_gate(previous)
