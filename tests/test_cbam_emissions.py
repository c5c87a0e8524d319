"""Source streams, PFC and CEMS against the Commission template's own example rows.

Expected numbers are the template's cached results (B_EmInst rows Ex.1-Ex.3, the PFC example
row 97 and CEMS Ex.1/Ex.2 of template v2.1.1) or arithmetic from DOMAIN.md §1.4 written out.
"""

from __future__ import annotations

import pytest

from carbonaudit.cbam.emissions import (
    cems_emissions,
    compute_stream,
    pfc_emissions,
)
from carbonaudit.cbam.model import (
    COMBUSTION,
    MASS_BALANCE,
    PROCESS,
    CemsSource,
    PfcSource,
    SourceStream,
    Where,
)
from carbonaudit.findings import Location


def _codes(findings) -> list[str]:
    return [f.code for f in findings]


def _where(**cells: str) -> Where:
    return Where(row=Location(sheet="B_EmInst", cell="D17"),
                 fields={k: Location(sheet="B_EmInst", cell=v) for k, v in cells.items()})


# ------------------------------------------------------------------ template example rows


def test_template_ex1_combustion_heavy_fuel_oil():
    s = SourceStream("Ex.1", COMBUSTION, "Heavy fuel oil", 252000, "t", ncv=45, ef=73,
                     ef_unit="tCO2/TJ", oxidation_factor=100, biomass=0)
    r, findings = compute_stream(s)
    assert findings == []
    # 252000 t x 45 GJ/t / 1000 = 11340 TJ; x 73 t/TJ = 827820 t (template AU14 / AX14)
    assert r.energy_fossil_tj == pytest.approx(11340)
    assert r.co2e_fossil == pytest.approx(827820)
    assert r.co2e_bio == 0
    assert r.energy_bio_tj == 0


def test_template_ex2_process_emissions_raw_meal():
    s = SourceStream("Ex.2", PROCESS, "Raw meal for clinker", 121000, "t", ef=0.08794,
                     ef_unit="tCO2/t", conversion_factor=100, biomass=0)
    r, findings = compute_stream(s)
    assert findings == []
    assert r.co2e_fossil == pytest.approx(10640.74)  # template AU15; 121000 x 0.08794
    assert r.energy_fossil_tj == 0  # no NCV: the template shows 0 TJ


def test_template_ex3_mass_balance_uses_3_664_not_44_over_12():
    s = SourceStream("Ex.3", MASS_BALANCE, "Steel", -1808226, "t", carbon_content=0.003878,
                     biomass=0)
    r, findings = compute_stream(s)
    assert findings == []  # a negative mass-balance output is fine
    assert r.co2e_fossil == pytest.approx(-25693.068768192, rel=1e-12)  # template AU16
    with_44_12 = -1808226 * 0.003878 * 44 / 12
    assert r.co2e_fossil != pytest.approx(with_44_12, rel=1e-6)


def test_pfc_template_example_slope_method():
    p = PfcSource("Ex.", "slope", "Centre Worked Pre-Bake (CWPB)", 500000, frequency=2.17,
                  duration=1.23, sef_cf4=0.146, f_c2f6=0.122, collection_efficiency=0.98)
    r, findings = pfc_emissions(p)
    assert findings == []
    assert r.cf4_t == pytest.approx(194.8443)          # template AN97
    assert r.c2f6_t == pytest.approx(23.7710046)       # template AO97
    assert r.co2e == pytest.approx(1587424.347)        # template AU97


def test_pfc_overvoltage_by_hand():
    p = PfcSource("PFC2", "overvoltage", "SWPB", 1000, aeo=20, current_efficiency=0.95,
                  ovc=1.16, f_c2f6=0.121)
    r, findings = pfc_emissions(p)
    assert findings == []
    cf4 = 1000 * (20 / 0.95) * 1.16 / 1000          # DOMAIN §1.4 method B
    assert r.cf4_t == pytest.approx(cf4)
    assert r.c2f6_t == pytest.approx(cf4 * 0.121)
    # blank collection efficiency = 1
    assert r.co2e == pytest.approx(cf4 * 6630 + cf4 * 0.121 * 11100)


def test_cems_template_ex1_n2o():
    c = CemsSource("Ex.1", "N2O", "N2O", 0, concentration=64.2925, hours=4, flow=265)
    r, findings = cems_emissions(c)
    assert findings == []
    assert r.gas_t == pytest.approx(68.15005)          # template AD111
    assert r.co2e_fossil == pytest.approx(18059.76325)  # template AU111 (GWP 265)
    assert r.co2e_bio == 0


def test_cems_template_ex2_co2_with_biomass():
    c = CemsSource("Ex.2", "CO2 transfer", "CO2", 15, concentration=1820, hours=5000, flow=50)
    r, findings = cems_emissions(c)
    assert findings == []
    assert r.co2e_fossil == pytest.approx(386750)  # template AU112
    assert r.co2e_bio == pytest.approx(68250)      # template AV112


# ----------------------------------------------------------------------- formula details


def test_biomass_split_and_energy_content():
    s = SourceStream("SS1", COMBUSTION, "Wood/coal mix", 1000, "t", ncv=20, ef=90,
                     ef_unit="tCO2/TJ", biomass=25)
    r, _ = compute_stream(s)
    tj = 1000 * 20 / 1000                        # 20 TJ
    assert r.co2e_fossil == pytest.approx(tj * 90 * 0.75)
    assert r.co2e_bio == pytest.approx(tj * 90 * 0.25)
    assert r.energy_fossil_tj == pytest.approx(15)
    assert r.energy_bio_tj == pytest.approx(5)


def test_blank_oxidation_factor_is_100_and_a_given_one_applies():
    blank = SourceStream("SS1", COMBUSTION, "Natural gas", 1200, "1000Nm3", ncv=35, ef=56.1,
                         ef_unit="tCO2/TJ")
    r, _ = compute_stream(blank)
    assert r.co2e_fossil == pytest.approx(1200 * 35 / 1000 * 56.1)  # 2356.2
    assert r.oxidation_factor == 100
    given = SourceStream("SS2", COMBUSTION, "Natural gas", 1200, "1000Nm3", ncv=35, ef=56.1,
                         ef_unit="tCO2/TJ", oxidation_factor=99.5)
    r2, _ = compute_stream(given)
    assert r2.co2e_fossil == pytest.approx(2356.2 * 0.995)


def test_ef_per_volume_ignores_ncv():
    s = SourceStream("SS1", COMBUSTION, "Natural gas", 100, "1000Nm3", ncv=35, ef=1.9,
                     ef_unit="tCO2/1000Nm3")
    r, findings = compute_stream(s)
    assert findings == []
    assert r.co2e_fossil == pytest.approx(100 * 1.9)


def test_process_uses_conversion_factor_not_oxidation_factor():
    s = SourceStream("SS1", PROCESS, "Limestone", 1000, "t", ef=0.44, ef_unit="tCO2/t",
                     oxidation_factor=10, conversion_factor=90)
    r, _ = compute_stream(s)
    assert r.co2e_fossil == pytest.approx(1000 * 0.44 * 0.9)


# ------------------------------------------------------------------------------ bad input


def test_inconsistent_units_is_an_error_at_the_ef_unit_cell():
    s = SourceStream("SS1", COMBUSTION, "Natural gas", 100, "1000Nm3", ef=1.9,
                     ef_unit="tCO2/t", where=_where(ef_unit="K17"))
    r, findings = compute_stream(s)
    assert _codes(findings) == ["cbam-stream-inconsistent-units"]
    assert findings[0].severity == "error"
    assert findings[0].location.cell == "K17"
    assert r.co2e_fossil is None


def test_ef_per_tj_without_ncv_is_incomplete_at_the_ncv_cell():
    s = SourceStream("SS1", COMBUSTION, "Coal", 100, "t", ef=94.6, ef_unit="tCO2/TJ",
                     where=_where(ncv="H17"))
    r, findings = compute_stream(s)
    assert _codes(findings) == ["cbam-stream-incomplete"]
    assert findings[0].location.cell == "H17"
    assert "ncv" in findings[0].message
    assert r.co2e_fossil is None


def test_mass_balance_without_carbon_content_is_incomplete():
    s = SourceStream("SS1", MASS_BALANCE, "Coke", 100, "t")
    r, findings = compute_stream(s)
    assert _codes(findings) == ["cbam-stream-incomplete"]
    assert r.co2e_fossil is None


def test_missing_method_is_incomplete():
    s = SourceStream("SS1", None, "Coke", 100, "t", ef=3, ef_unit="tCO2/t")
    r, findings = compute_stream(s)
    assert "cbam-stream-incomplete" in _codes(findings)
    assert r.co2e_fossil is None


def test_negative_activity_for_combustion_is_an_error():
    s = SourceStream("SS1", COMBUSTION, "Diesel", -5, "t", ncv=43, ef=74.1, ef_unit="tCO2/TJ",
                     where=_where(activity_data="F17"))
    r, findings = compute_stream(s)
    assert _codes(findings) == ["cbam-stream-negative-activity"]
    assert findings[0].location.cell == "F17"
    assert r.co2e_fossil is None


def test_negative_activity_for_process_is_an_error():
    s = SourceStream("SS1", PROCESS, "Limestone", -5, "t", ef=0.44, ef_unit="tCO2/t")
    _, findings = compute_stream(s)
    assert _codes(findings) == ["cbam-stream-negative-activity"]


@pytest.mark.parametrize("field,value", [("oxidation_factor", 150), ("conversion_factor", -1),
                                         ("biomass", 101)])
def test_percentages_outside_0_100_are_errors(field, value):
    s = SourceStream("SS1", PROCESS, "Limestone", 10, "t", ef=0.44, ef_unit="tCO2/t",
                     where=_where(**{field: "N17"}))
    setattr(s, field, value)
    r, findings = compute_stream(s)
    assert _codes(findings) == ["cbam-stream-percent-out-of-range"]
    assert findings[0].location.cell == "N17"
    assert r.co2e_fossil is None


def test_unknown_ad_unit_and_method_are_errors_not_exceptions():
    s = SourceStream("SS1", "burning", "x", "lots", "kg", ef="?", ef_unit="kg/t")  # type: ignore[arg-type]
    r, findings = compute_stream(s)
    assert "cbam-stream-method-unknown" in _codes(findings)
    assert "cbam-stream-unit-unknown" in _codes(findings)
    assert r.co2e_fossil is None


def test_pfc_collection_efficiency_as_percent_is_an_error():
    p = PfcSource("PFC1", "slope", "CWPB", 1000, frequency=1, duration=1, sef_cf4=0.143,
                  f_c2f6=0.121, collection_efficiency=98)
    r, findings = pfc_emissions(p)
    assert _codes(findings) == ["cbam-pfc-collection-efficiency"]
    assert r.co2e is None


def test_pfc_incomplete_and_unknown_method():
    _, findings = pfc_emissions(PfcSource("PFC1", "slope", "CWPB", 1000, f_c2f6=0.1))
    assert _codes(findings) == ["cbam-pfc-incomplete"]
    _, findings = pfc_emissions(PfcSource("PFC2", "tier 3", "CWPB", 1000))
    assert _codes(findings) == ["cbam-pfc-method-unknown"]


def test_cems_unknown_gas_and_missing_values():
    r, findings = cems_emissions(CemsSource("C1", "Stack", "CH4", 0, 1.0, None, 10))
    assert set(_codes(findings)) == {"cbam-cems-gas-unknown", "cbam-cems-incomplete"}
    assert r.co2e_fossil is None


def test_overflowing_stream_is_an_error_not_inf():
    s = SourceStream("SS1", COMBUSTION, "Gas", 1e308, "1000Nm3", ncv=35.9, ef=56.1,
                     ef_unit="tCO2/TJ", where=_where(activity_data="F17"))
    r, findings = compute_stream(s)
    assert _codes(findings) == ["cbam-stream-not-finite"]
    assert findings[0].location.cell == "F17"
    assert r.co2e_fossil is None and r.energy_fossil_tj is None
