"""Territorial equity: intensity index and inequality measures (DOMAIN.md, "Measuring
territorial equity"). Pure functions on plain sequences, no database, no pandas.

Unit i (a département, a région or a regional union) holds ``A_i`` of a resource (cases,
officer minutes, euros, incorporations) for a base ``E_i`` (its population). Every base must
be positive: a unit without inhabitants has no intensity. Sums use ``math.fsum`` so that the
Theil identity holds to rounding.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

UNDER_SERVED_BELOW = 50.0


def _check(resources: Sequence[float], bases: Sequence[float]) -> tuple[list, list]:
    a = [float(value) for value in resources]
    e = [float(value) for value in bases]
    if len(a) != len(e):
        raise ValueError("resources and bases must have the same length")
    if any(value <= 0 for value in e):
        raise ValueError("every base must be positive")
    if any(value < 0 for value in a):
        raise ValueError("resources cannot be negative")
    return a, e


def per_inhabitants(resource: float, base: float, per: float = 100_000) -> float:
    """``resource`` per ``per`` inhabitants (per 100,000 by default)."""
    if base <= 0:
        raise ValueError("the base must be positive")
    return per * float(resource) / float(base)


def intensity_indices(resources: Sequence[float], bases: Sequence[float]) -> list[float | None]:
    """100 × (A_i / E_i) / (ΣA / ΣE) for each unit: 100 is the national average.

    ``None`` for every unit when nothing at all was allocated (no average to compare with).
    """
    a, e = _check(resources, bases)
    total_a, total_e = math.fsum(a), math.fsum(e)
    if total_a == 0:
        return [None] * len(a)
    average = total_a / total_e
    return [100.0 * (a_i / e_i) / average for a_i, e_i in zip(a, e, strict=True)]


def under_served(indices: Sequence[float | None], below: float = UNDER_SERVED_BELOW) -> list[bool]:
    """Units whose index is below ``below`` (50: half the national intensity)."""
    return [index is not None and index < below for index in indices]


def hoover_index(resources: Sequence[float], bases: Sequence[float]) -> float:
    """½ Σ |A_i/ΣA − E_i/ΣE|: the share of the resource to move for a proportional split."""
    a, e = _check(resources, bases)
    total_a, total_e = math.fsum(a), math.fsum(e)
    if total_a == 0:
        return 0.0
    return 0.5 * math.fsum(
        abs(a_i / total_a - e_i / total_e) for a_i, e_i in zip(a, e, strict=True)
    )


def lorenz_curve(resources: Sequence[float], bases: Sequence[float]) -> list[tuple[float, float]]:
    """Points (cumulative share of the base, cumulative share of the resource), from (0, 0)
    to (1, 1), units sorted by increasing intensity A_i / E_i."""
    a, e = _check(resources, bases)
    total_a, total_e = math.fsum(a), math.fsum(e)
    order = sorted(range(len(a)), key=lambda i: (a[i] / e[i], i))
    points = [(0.0, 0.0)]
    cumulative_a = cumulative_e = 0.0
    for i in order:
        cumulative_a += a[i]
        cumulative_e += e[i]
        points.append((cumulative_e / total_e, cumulative_a / total_a if total_a else 0.0))
    if points[-1] != (1.0, 1.0) and total_a:
        # Rounding of the running sums: the curve ends at (1, 1) by definition.
        points[-1] = (1.0, 1.0)
    return points


def gini_index(resources: Sequence[float], bases: Sequence[float]) -> float:
    """Population-weighted Gini: G = 1 − Σ (x_k − x_{k−1}) (y_k + y_{k−1}) on the Lorenz curve."""
    points = lorenz_curve(resources, bases)
    if math.fsum(float(value) for value in resources) == 0:
        return 0.0
    area = math.fsum((x1 - x0) * (y1 + y0) for (x0, y0), (x1, y1) in itertools.pairwise(points))
    return 1.0 - area


def _theil(a: list[float], e: list[float]) -> float:
    total_a, total_e = math.fsum(a), math.fsum(e)
    if total_a == 0:
        return 0.0
    terms = []
    for a_i, e_i in zip(a, e, strict=True):
        if a_i == 0:
            continue  # s ln s → 0
        s, p = a_i / total_a, e_i / total_e
        terms.append(s * math.log(s / p))
    return math.fsum(terms)


def theil_index(resources: Sequence[float], bases: Sequence[float]) -> float:
    """Theil T = Σ s_i ln(s_i / p_i), s_i = A_i/ΣA, p_i = E_i/ΣE (units with A_i = 0 add 0)."""
    a, e = _check(resources, bases)
    return _theil(a, e)


@dataclass(frozen=True)
class TheilDecomposition:
    total: float
    between: float
    within: float
    # Per group: (resource share s_g, base share p_g, T within the group).
    groups: dict[Hashable, tuple[float, float, float]]


def theil_decomposition(
    resources: Sequence[float], bases: Sequence[float], groups: Sequence[Hashable]
) -> TheilDecomposition:
    """T = T_between + Σ_g s_g T_within(g): the between part treats each group (a UR) as one
    unit; the within part is the Theil index inside each group, weighted by its share."""
    a, e = _check(resources, bases)
    if len(groups) != len(a):
        raise ValueError("one group per unit")
    total_a, total_e = math.fsum(a), math.fsum(e)
    members: dict[Hashable, list[int]] = {}
    for i, group in enumerate(groups):
        members.setdefault(group, []).append(i)
    detail, between_terms, within_terms = {}, [], []
    for group, indexes in members.items():
        a_g = [a[i] for i in indexes]
        e_g = [e[i] for i in indexes]
        s_g = math.fsum(a_g) / total_a if total_a else 0.0
        p_g = math.fsum(e_g) / total_e
        t_g = _theil(a_g, e_g)
        detail[group] = (s_g, p_g, t_g)
        if s_g > 0:
            between_terms.append(s_g * math.log(s_g / p_g))
            within_terms.append(s_g * t_g)
    return TheilDecomposition(
        total=_theil(a, e),
        between=math.fsum(between_terms),
        within=math.fsum(within_terms),
        groups=detail,
    )
