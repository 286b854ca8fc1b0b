"""The demo data pipeline shared by every app.

``seed_demo`` imports ``<app>.demo`` for each installed Relève app, lowest layer first, and
calls its ``seed(ctx)``. A module may also define ``add_arguments(parser)`` for its options.
Everything random draws from ``ctx.rng`` so a seed always gives the same data set.
"""

import datetime
import math
import random
from dataclasses import dataclass, field
from typing import Any

from crm.identifiers import luhn_check_digit

# Demo SIRENs start with "000": no real company has such a number, and they pass Luhn.
DEMO_SIREN_PREFIX = "000"
DEMO_PASSWORD = "releve-demo"


@dataclass
class DemoAccount:
    username: str
    description: str


@dataclass
class DemoContext:
    rng: random.Random
    today: datetime.date
    options: dict[str, Any]
    accounts: list[DemoAccount] = field(default_factory=list)
    # Objects a lower app created for the apps above it (e.g. "officers_by_ur").
    shared: dict[str, Any] = field(default_factory=dict)
    _siren_serial: int = 0

    def next_siren(self) -> str:
        self._siren_serial += 1
        partial = f"{DEMO_SIREN_PREFIX}{self._siren_serial:05d}"
        return partial + luhn_check_digit(partial)

    def lognormal_int(self, median: float, sigma: float, low: int, high: int) -> int:
        value = self.rng.lognormvariate(math.log(median), sigma)
        return max(low, min(high, round(value)))
