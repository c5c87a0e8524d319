"""Uncertainty (IPCC 2006 Vol 1 Ch 3 Approaches 1 and 2), checked by independent arithmetic."""

import math

import numpy as np
import pandas as pd
import pytest

from carbonaudit.audit.distributions import Z95, multiplier, normal_cdf, problem, variance
from carbonaudit.audit.uncertainty import assess_uncertainty, rank
from carbonaudit.audit.uncertainty_inputs import (
    defaults,
    lookup,
    origin_of,
    parse_percent,
    row_parameters,
)

COLUMNS = ["status", "scope", "co2e_kg", "activity", "item", "factor_id_used", "site",
           "ad_uncertainty_pct", "ef_uncertainty_pct"]


def frame(*rows):
    return pd.DataFrame(list(rows), columns=COLUMNS)


def row(kg, ad, ef, *, site="A", factor="f1", scope=1, activity="stationary_combustion",
        item="natural_gas"):
    return ["assessed", scope, kg, activity, item, factor, site, ad, ef]


def total(u, approach):
    return u.section[approach]["total"]["uncertainty_pct"]


def test_one_row_5_and_7_percent_gives_8_6_percent_both_ways():
    u = assess_uncertainty(frame(row(1000.0, "5", "7")))
    expected = math.sqrt(5 ** 2 + 7 ** 2)  # Eq 3.1: 8.602 %
    a1 = total(u, "approach_1")
    assert a1["lower"] == pytest.approx(expected) and a1["upper"] == pytest.approx(expected)
    assert round(expected, 1) == 8.6
    a2 = total(u, "approach_2")
    assert abs(a2["lower"] - expected) < 0.5 and abs(a2["upper"] - expected) < 0.5
    assert u.section["approach_2"]["total"]["convergence"]["converged"]


def test_two_independent_equal_rows_at_10_percent_give_7_07_percent():
    # Different sites: independent activity data; the factor is exact, so sharing it is moot.
    u = assess_uncertainty(frame(row(500.0, "10", "0", site="A"),
                                 row(500.0, "10", "0", site="B")))
    expected = math.sqrt((0.1 * 500) ** 2 * 2) / 1000 * 100  # Eq 3.2: 7.071 %
    assert total(u, "approach_1")["upper"] == pytest.approx(expected)
    assert round(expected, 2) == 7.07
    a2 = total(u, "approach_2")
    assert abs(a2["lower"] - expected) < 0.5 and abs(a2["upper"] - expected) < 0.5


def test_rows_of_one_site_series_and_rows_of_one_factor_move_together():
    same_series = assess_uncertainty(frame(row(500.0, "10", "0"), row(500.0, "10", "0")))
    assert total(same_series, "approach_1")["upper"] == pytest.approx(10.0)
    assert abs(total(same_series, "approach_2")["upper"] - 10.0) < 0.5
    # one factor at +/-10 % used at two sites: one draw, so no averaging out
    shared = assess_uncertainty(frame(row(500.0, "0", "10", site="A"),
                                      row(500.0, "0", "10", site="B")))
    assert total(shared, "approach_1")["upper"] == pytest.approx(10.0)
    assert abs(total(shared, "approach_2")["upper"] - 10.0) < 0.5
    # two different factors: independent again
    apart = assess_uncertainty(frame(row(500.0, "0", "10", site="A", factor="f1"),
                                     row(500.0, "0", "10", site="B", factor="f2")))
    assert total(apart, "approach_1")["upper"] == pytest.approx(100 * math.sqrt(0.5) / 10)


def test_contribution_to_variance_and_scopes():
    # 900 kg at +/-10 % (scope 1) and 100 kg at +/-20 % (scope 2): H = (G D)^2 / (sum D)^2
    u = assess_uncertainty(frame(
        row(900.0, "10", "0", factor="gas"),
        row(100.0, "20", "0", factor="grid", scope=2, activity="purchased_electricity",
            item="grid")))
    a1 = u.section["approach_1"]
    by_factor = {s["factor_id"]: s for s in a1["sources"]}
    assert by_factor["gas"]["contribution_to_variance"] == pytest.approx(90 ** 2 / 1000 ** 2)
    assert by_factor["grid"]["contribution_to_variance"] == pytest.approx(20 ** 2 / 1000 ** 2)
    assert by_factor["gas"]["share_of_variance"] == pytest.approx(8100 / 8500)
    assert by_factor["gas"]["variance_rank"] == 1
    assert a1["total"]["uncertainty_pct"]["upper"] == pytest.approx(math.sqrt(8500) / 10)
    scopes = {s["scope"]: s["uncertainty_pct"]["upper"] for s in a1["by_scope"]}
    assert scopes == pytest.approx({"scope_1": 10.0, "scope_2_location": 20.0})
    shares = u.section["approach_2"]["share_of_variance_by_source"]
    mc = {a1["sources"][s["source_index"]]["factor_id"]: s["share"] for s in shares}
    assert abs(mc["gas"] - 8100 / 8500) < 0.03


def test_asymmetric_inputs_propagate_each_side_and_warn_above_30_percent():
    u = assess_uncertainty(frame(row(1000.0, "-20/+60", "0")))
    a1 = total(u, "approach_1")
    assert (a1["lower"], a1["upper"]) == pytest.approx((20.0, 60.0))
    codes = {f.code for f in u.findings}
    assert {"uncertainty-above-30-percent", "uncertainty-strongly-asymmetric"} <= codes
    warn = next(f for f in u.findings if f.code == "uncertainty-above-30-percent")
    assert warn.location.pointer == "/uncertainty/approach_1/sources/0"
    # the lognormal keeps the mean at the point estimate and its percentile ratio at 1.6/0.8
    a2 = u.section["approach_2"]["total"]
    assert abs(a2["mean_kgco2e"] - 1000.0) < 5
    assert a2["p97_5_kgco2e"] / a2["p2_5_kgco2e"] == pytest.approx(1.6 / 0.8, rel=0.03)


def test_seeded_runs_repeat_and_a_different_seed_differs_a_little():
    rows = frame(row(1000.0, "5", "7"))
    a = assess_uncertainty(rows, seed=1).section["approach_2"]["total"]
    b = assess_uncertainty(rows, seed=1).section["approach_2"]["total"]
    c = assess_uncertainty(rows, seed=2).section["approach_2"]["total"]
    assert a == b and a["p2_5_kgco2e"] != c["p2_5_kgco2e"]
    assert u_draws(rows) == 2000


def u_draws(rows):
    return assess_uncertainty(rows, draws=2000).section["approach_2"]["draws"]


def test_ghg_protocol_rank_bands():
    assert [rank(x) for x in (0, 5, 5.01, 15, 15.5, 30, 30.01)] == [
        "High", "High", "Good", "Good", "Fair", "Fair", "Poor"]


def test_distributions_put_the_95_percent_range_where_asked():
    z = np.random.default_rng(7).standard_normal(400_000)
    for dist in ("normal", "triangular", "uniform"):
        m = multiplier(z, 0.2, 0.2, dist)
        lo, hi = np.percentile(m, [2.5, 97.5])
        assert (lo, hi) == pytest.approx((0.8, 1.2), abs=0.004), dist
        assert m.mean() == pytest.approx(1.0, abs=0.002)
        assert m.var() == pytest.approx(variance(0.2, 0.2, dist), rel=0.02)
    m = multiplier(z, 0.3, 0.8, "lognormal")
    assert m.mean() == pytest.approx(1.0, abs=0.003)
    assert m.var() == pytest.approx(variance(0.3, 0.8, "lognormal"), rel=0.02)
    assert abs(Z95 - 1.959964) < 1e-6


def test_normal_cdf_agrees_with_math_erf():
    z = np.linspace(-6, 6, 121)
    exact = np.array([0.5 * (1 + math.erf(x / math.sqrt(2))) for x in z])
    assert np.max(np.abs(normal_cdf(z) - exact)) < 2e-7


def test_percentage_cells():
    assert parse_percent("5") == (0.05, 0.05)
    assert parse_percent("±7.5 %") == (0.075, 0.075)
    assert parse_percent("+/-10") == (0.1, 0.1)
    assert parse_percent("-3/+8") == pytest.approx((0.03, 0.08))
    assert parse_percent("−3 / +8%") == pytest.approx((0.03, 0.08))
    assert parse_percent(12) == (0.12, 0.12)
    for bad in ("abc", "5-7", "", "-5"):
        assert parse_percent(bad) is None, bad
    assert problem(1.2, 1.2, "lognormal")  # a lower bound of -120 % is impossible
    assert problem(0.1, 0.2, "normal")  # normal is symmetric


def test_bad_cells_are_listed_and_keep_the_default():
    rows = frame(row(1.0, "lots", ""), row(1.0, "", "7"))
    p = row_parameters(rows)
    assert [(c, t) for _, c, t, _ in p.problems] == [("ad_uncertainty_pct", "lots")]
    ids = p.source_ids
    assert ids[p.ad_source[0]] == ids[p.ad_source[1]] == "ad.combustion.unspecified"
    assert (ids[p.ef_source[0]], ids[p.ef_source[1]]) == ("ef.natural_gas", "row")
    assert p.ef_upper[1] == pytest.approx(0.07)


def test_default_table_is_sourced_and_most_specific_row_wins():
    table = defaults()
    assert all(d.source and d.status in ("verified", "secondary", "derived", "unverified")
               for d in table.values())
    # nothing recalled is shipped as verified
    assert not any(d.status == "verified" for d in table.values())
    assert lookup("emission_factor", "stationary_combustion", "natural_gas", "*").id == \
        "ef.natural_gas"
    assert lookup("emission_factor", "stationary_combustion", "peat", "*").id == \
        "ef.combustion.other"
    assert lookup("emission_factor", "franchises", "x", "*").id == "ef.any"
    assert lookup("activity_data", "purchased_goods", "steel", "metered").id == "ad.any.metered"
    assert lookup("activity_data", "stationary_combustion", "lpg", "unspecified").id == \
        "ad.combustion.unspecified"
    assert lookup("activity_data", "waste", "x", "unspecified").id == "ad.any.unspecified"
    assert origin_of("Invoice") == "invoiced" and origin_of("估算") == "estimated"
    assert origin_of("") == "unspecified" and origin_of("guess") is None


def test_too_few_draws_is_a_usage_error():
    from carbonaudit.errors import UsageError

    with pytest.raises(UsageError):
        assess_uncertainty(frame(row(1.0, "5", "5")), draws=10)
