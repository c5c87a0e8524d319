"""Attribution to production processes and the CHP tool (DOMAIN.md §1.5), by hand."""

from __future__ import annotations

import pytest

from carbonaudit.cbam.attribution import attribute, chp_split
from carbonaudit.cbam.model import Process, Where
from carbonaudit.findings import Location


def _codes(findings) -> list[str]:
    return [f.code for f in findings]


def _process(**kw) -> Process:
    base = dict(id="P1", name="Clinker kiln", good="Cement clinker",
                production={"All production routes": 1000.0}, to_market=1000.0,
                direct_emissions=800.0, electricity_consumed=0.0,
                included=["Only direct production"])
    base.update(kw)
    return Process(**base)


def test_attributed_direct_and_indirect_arithmetic():
    p = _process(direct_emissions=1000.0,
                 heat_imported=10.0, heat_imported_ef=106.67,
                 heat_exported=2.0, heat_exported_ef=60.0,
                 waste_gas_imported=5.0, waste_gas_exported=3.0,
                 electricity_exported=100.0, electricity_exported_ef=0.5,
                 electricity_consumed=2000.0, electricity_ef=0.6,
                 electricity_ef_source="D.4(b)")
    r, findings = attribute(p)
    assert findings == []
    heat = 10 * 106.67 - 2 * 60                 # 946.7 t
    waste_gas = 56.1 * 5 - 56.1 * 0.667 * 3     # 280.5 - 112.2561
    exported = 100 * 0.5                        # 50 t
    assert r.heat_t == pytest.approx(946.7)
    assert r.waste_gas_t == pytest.approx(168.2439)
    assert r.electricity_exported_t == pytest.approx(exported)
    assert r.attributed_direct == pytest.approx(1000 + heat + waste_gas - exported)
    assert r.attributed_indirect == pytest.approx(2000 * 0.6)
    assert r.total_production == 1000
    assert r.mass_balance_control == 0


def test_production_is_summed_over_routes_and_balanced():
    p = _process(good="Crude steel",
                 production={"Basic oxygen steelmaking": 600.0, "Electric arc furnace": 400.0},
                 to_market=700.0, consumed_in={"Rolling": 250.0}, non_cbam=50.0)
    r, findings = attribute(p)
    assert r.total_production == 1000
    assert r.consumed_in_other == 250
    assert r.mass_balance_control == 0  # 1000 - 700 - 250 - 50
    assert "cbam-process-mass-balance" not in _codes(findings)


def test_mass_balance_that_does_not_close_is_a_finding():
    r, findings = attribute(_process(to_market=990.0))
    assert r.mass_balance_control == pytest.approx(10)
    assert "cbam-process-mass-balance" in _codes(findings)


def test_mass_balance_rounding_is_tolerated():
    _, findings = attribute(_process(to_market=1000.0 - 1e-9))
    assert "cbam-process-mass-balance" not in _codes(findings)


@pytest.mark.parametrize("production", [{}, {"All production routes": None},
                                        {"All production routes": 0.0}])
def test_no_production_level_is_an_error(production):
    p = _process(production=production,
                 where=Where(fields={"production": Location(sheet="D_Processes", cell="L16")}))
    _, findings = attribute(p)
    hit = [f for f in findings if f.code == "cbam-process-no-production"]
    assert hit and hit[0].severity == "error"
    assert hit[0].location.cell == "L16"


def test_electricity_ef_source_must_be_one_of_the_seven_codes():
    _, findings = attribute(_process(electricity_consumed=10.0, electricity_ef=0.5,
                                     electricity_ef_source="grid average"))
    assert "cbam-electricity-ef-source-invalid" in _codes(findings)
    for code in ("D.4(a)", "D.4(b)", "D.4.1", "D.4.2", "D.4.3.1", "D.4.3.2", "Mix"):
        _, ok = attribute(_process(electricity_consumed=10.0, electricity_ef=0.5,
                                   electricity_ef_source=code))
        assert ok == [], code


def test_electricity_without_ef_or_source_is_an_error():
    _, findings = attribute(_process(electricity_consumed=10.0))
    assert {"cbam-electricity-ef-missing", "cbam-electricity-ef-source-missing"} <= set(
        _codes(findings))


def test_negative_amounts_and_unknown_good_are_errors():
    _, findings = attribute(_process(good="Steel wire", heat_imported=-1.0,
                                     heat_imported_ef=56.1))
    assert "cbam-unknown-good" in _codes(findings)
    assert "cbam-negative-value" in _codes(findings)


def test_chp_split_by_reference_efficiencies():
    # 100 TJ fuel -> 55 TJ heat and 25 TJ electricity (25 / 0.0036 MWh); 5610 t CO2
    mwh = 25 / 0.0036
    split = chp_split(100.0, 5610.0, 55.0, mwh, eta_ref_heat=0.88, eta_ref_el=0.442)
    heat_term, el_term = 0.55 / 0.88, 0.25 / 0.442
    f_heat = heat_term / (heat_term + el_term)   # 0.52497...
    assert split.eta_heat == pytest.approx(0.55)
    assert split.eta_el == pytest.approx(0.25)
    assert split.f_heat == pytest.approx(f_heat)
    assert split.emissions_heat_t == pytest.approx(f_heat * 5610)
    assert split.emissions_el_t == pytest.approx((1 - f_heat) * 5610)
    assert split.ef_heat == pytest.approx(f_heat * 5610 / 55)
    assert split.ef_el == pytest.approx((1 - f_heat) * 5610 / mwh)
    assert split.fuel_heat_tj == pytest.approx(f_heat * 100)


def test_chp_split_uses_template_defaults_when_not_measured():
    split = chp_split(100.0, 1000.0, None, None, eta_ref_heat=0.9, eta_ref_el=0.5)
    f_heat = (0.55 / 0.9) / (0.55 / 0.9 + 0.25 / 0.5)
    assert split.f_heat == pytest.approx(f_heat)
    assert split.ef_heat is None and split.ef_el is None
