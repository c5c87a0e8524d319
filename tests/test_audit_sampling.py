"""Emissions-weighted sampling: interval, sample size, certainty rows, reproducibility.

Frames are built by hand (status and co2e_kg are all `select` reads), so every expected
row follows from the numbers written here.
"""

import math
import random

import pandas as pd
import pytest

from carbonaudit.audit.sampling import CERTAINTY, R_FACTORS, SYSTEMATIC, select
from carbonaudit.errors import UsageError


def frame(emissions, status=None):
    return pd.DataFrame({"status": status or ["assessed"] * len(emissions),
                         "co2e_kg": emissions})


def test_r_factors_are_the_poisson_zero_error_factors():
    # -ln(1 - confidence), rounded up to two decimals as audit tables print them
    for conf, r in R_FACTORS.items():
        assert r == math.ceil(-math.log(1 - conf / 100) * 100) / 100
    assert R_FACTORS == {90: 2.31, 95: 3.00, 99: 4.61}


def test_the_worked_example_gives_80_rows():
    # VERIFICATION.md §1.4: 12,000 rows totalling 48,000 t; materiality 5 % = 2,400 t;
    # performance 75 % = 1,800 t; 95 % (R = 3) -> J = 600 t -> n = 48,000 / 600 = 80.
    f = frame([4000.0] * 12_000)
    s = select(f, tolerable_kg=1_800_000.0, confidence_pct=95, seed=11)
    assert s.interval_kg == pytest.approx(600_000.0)
    assert s.expected_size == pytest.approx(80.0)
    assert s.certainty_rows == 0
    # 80 points s, s + J, ... fit below 48,000 t for any start 0 < s < J.
    assert 0 < s.random_start_kg < 600_000
    assert len(s.selected) == 80
    # Every 150th row (600 t / 4 t): row k*150 + floor(s / 4 t).
    first = math.floor(s.random_start_kg / 4000.0)
    assert s.selected == [first + 150 * k for k in range(80)]


def test_certainty_rows_and_the_systematic_rest_by_hand():
    e = [5000.0, 100.0, 250.0, -1200.0, 300.0, 0.0, 400.0, 999.0, 350.0]
    # TM 3,000 kg at 95 % (R = 3) -> J = 1,000 kg: rows 0 (5,000) and 3 (|-1,200|) are
    # taken with certainty; the rest by the points start, start + J, ... over them.
    s = select(frame(e), tolerable_kg=3000.0, confidence_pct=95, seed=3)
    j = 1000.0
    assert s.interval_kg == pytest.approx(j)
    assert {i for i, r in s.reasons.items() if r == CERTAINTY} == {0, 3}
    rest = [1, 2, 4, 6, 7, 8]          # the zero row (5) can never be hit
    sizes = [abs(e[i]) for i in rest]  # 100, 250, 300, 400, 999, 350 -> 2,399 in all
    start = random.Random(3).random() * j
    points = [start + k * j for k in range(3) if start + k * j < sum(sizes)]
    hits = []
    for p in points:
        cum = 0.0
        for i, size in zip(rest, sizes, strict=True):
            if cum <= p < cum + size:
                hits.append(i)
                break
            cum += size
    assert {i for i, r in s.reasons.items() if r == SYSTEMATIC} == set(hits)
    assert s.zero_rows == 1 and s.population_rows == 8
    covered = sum(abs(e[i]) for i in s.selected)
    assert s.coverage_kg == pytest.approx(covered)
    assert s.coverage_pct == pytest.approx(covered / sum(abs(x) for x in e) * 100)


def test_same_seed_same_sample_and_rejected_rows_are_not_sampled():
    e = [float(x) for x in range(1, 400)]
    status = ["assessed"] * 399
    status[10] = "rejected"
    a = select(frame(e, status), 9000.0, 99, seed=42)
    b = select(frame(e, status), 9000.0, 99, seed=42)
    assert a.selected == b.selected and a.random_start_kg == b.random_start_kg
    assert 10 not in a.selected
    c = select(frame(e, status), 9000.0, 99, seed=43)
    assert c.random_start_kg != a.random_start_kg
    assert a.plan()["seed"] == 42 and a.plan()["sort_order"].startswith("input order")


def test_bad_confidence_is_a_usage_error():
    with pytest.raises(UsageError):
        select(frame([1.0]), 10.0, 80, seed=1)
