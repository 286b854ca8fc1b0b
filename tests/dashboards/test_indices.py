"""Equity indices and Kaplan–Meier against values computed by hand (no database)."""

import math
import random

import pytest

from dashboards import indices, survival

# Three units: A = 10, 30, 60 for E = 100, 100, 200 (ΣA = 100, ΣE = 400, average 0.25).
A = [10, 30, 60]
E = [100, 100, 200]


def flat(points):
    return [value for point in points for value in point]


def test_intensity_index_is_100_at_the_national_average():
    assert indices.intensity_indices(A, E) == pytest.approx([40.0, 120.0, 120.0])
    assert indices.under_served([40.0, 120.0, None, 49.99, 50.0]) == [
        True,
        False,
        False,
        True,
        False,
    ]
    assert indices.intensity_indices([0, 0], [1, 2]) == [None, None]
    assert indices.per_inhabitants(3, 150_000) == pytest.approx(2.0)


def test_hoover_index():
    # ½ (|0.1 − 0.25| + |0.3 − 0.25| + |0.6 − 0.5|) = ½ × 0.3
    assert indices.hoover_index(A, E) == pytest.approx(0.15)
    assert indices.hoover_index([1, 2], [1, 2]) == pytest.approx(0.0)


def test_lorenz_curve_and_gini():
    assert flat(indices.lorenz_curve(A, E)) == pytest.approx([0, 0, 0.25, 0.1, 0.5, 0.4, 1, 1])
    # 1 − (0.25 × 0.1 + 0.25 × 0.5 + 0.5 × 1.4) = 1 − 0.85
    assert indices.gini_index(A, E) == pytest.approx(0.15)
    assert indices.gini_index([5, 10], [1, 2]) == pytest.approx(0.0)
    # All the resource in a unit holding half the population: G = 0.5.
    assert indices.gini_index([0, 7], [5, 5]) == pytest.approx(0.5)


def test_theil_index_and_its_decomposition():
    expected = 0.1 * math.log(0.1 / 0.25) + 0.3 * math.log(0.3 / 0.25) + 0.6 * math.log(1.2)
    assert indices.theil_index(A, E) == pytest.approx(expected, abs=1e-12)
    assert expected == pytest.approx(0.0724607, abs=1e-6)
    split = indices.theil_decomposition(A, E, ["ouest", "ouest", "ara"])
    between = 0.4 * math.log(0.4 / 0.5) + 0.6 * math.log(0.6 / 0.5)
    within_ouest = 0.25 * math.log(0.25 / 0.5) + 0.75 * math.log(0.75 / 0.5)
    assert split.between == pytest.approx(between, abs=1e-12)
    assert split.groups["ouest"] == pytest.approx((0.4, 0.5, within_ouest))
    assert split.groups["ara"] == pytest.approx((0.6, 0.5, 0.0))
    assert split.within == pytest.approx(0.4 * within_ouest, abs=1e-12)
    assert abs(split.between + split.within - split.total) < 1e-9


def test_theil_identity_holds_on_random_territories():
    rng = random.Random(12)
    for _ in range(200):
        n = rng.randint(1, 101)
        a = [rng.choice([0, rng.randint(1, 500)]) for _ in range(n)]
        e = [rng.randint(1_000, 2_500_000) for _ in range(n)]
        g = [rng.randint(1, 9) for _ in range(n)]
        split = indices.theil_decomposition(a, e, g)
        assert abs(split.between + split.within - split.total) < 1e-9
        assert split.total == pytest.approx(indices.theil_index(a, e), abs=1e-12)


def test_units_without_resource_add_nothing_to_theil():
    assert indices.theil_index([0, 10], [1, 1]) == pytest.approx(math.log(2))


def test_bases_must_be_positive():
    with pytest.raises(ValueError):
        indices.theil_index([1], [0])
    with pytest.raises(ValueError):
        indices.hoover_index([1, 2], [1])


def test_kaplan_meier_by_hand():
    # Five spells: ended on days 2, 5, 5; still running when observed on days 3 and 8.
    rows = [(2, True, 1), (3, False, 1), (5, True, 2), (8, False, 1)]
    curve = survival.kaplan_meier(rows)
    # S(2) = 1 − 1/5 = 0.8; at risk on day 5: 3, S(5) = 0.8 × (1 − 2/3)
    assert flat(curve) == pytest.approx([0, 1.0, 2, 0.8, 5, 0.8 / 3])
    summary = survival.summarise(rows)
    assert (summary.spells, summary.events, summary.censored) == (5, 3, 2)
    assert summary.median == 5
    assert summary.p90 is None  # the curve never falls to 0.1: unknown, not guessed


def test_kaplan_meier_without_censoring_is_the_empirical_quantile():
    rows = [(day, True, 1) for day in range(1, 11)]
    summary = survival.summarise(rows)
    assert summary.median == 5
    assert summary.p90 == 9


def test_ties_events_before_censorings():
    # Same day: 1 event and 1 censored among 2 → S = 0.5 (the censored one was at risk).
    assert survival.kaplan_meier([(4, True, 1), (4, False, 1)]) == [(0.0, 1.0), (4.0, 0.5)]
