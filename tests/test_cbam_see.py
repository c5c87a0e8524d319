"""SEE over the precursor graph, checked by hand substitution (DOMAIN.md §1.6):
SEE_g = AttrEm_g / AL_g + sum_i (M_i / AL_g) x SEE_i, direct and indirect separately."""

from __future__ import annotations

from datetime import date

import pytest

from carbonaudit.cbam.compute import compute
from carbonaudit.cbam.model import Installation, Precursor, Process, Product, Site


def _codes(result) -> list[str]:
    return [f.code for f in result.findings]


def _site() -> Site:
    return Site(name="Dongguan Metals", country="CN", unlocode="CNDGG",
                period_start=date(2026, 1, 1), period_end=date(2026, 12, 31))


def _sinter(country: str = "CN", **kw) -> Precursor:
    base = dict(id="PP1", name="Sinter", good="Sintered Ore", country=country,
                purchased={"All production routes": 1600.0}, consumed_in={"Pig iron": 1600.0},
                other_uses=0.0, see_direct=0.2, see_direct_source="Measured",
                specific_electricity=0.05, electricity_ef=0.6, electricity_ef_source="D.4(b)")
    base.update(kw)
    return Precursor(**base)


def _chain(precursor: Precursor | None = None) -> Installation:
    """Sinter (purchased) -> pig iron (P1) -> crude steel (P2) -> steel products (P3)."""
    p1 = Process("P1", "Pig iron", "Pig iron", production={"Blast furnace route": 1000.0},
                 to_market=100.0, consumed_in={"Crude steel": 900.0}, direct_emissions=1500.0,
                 electricity_consumed=100.0, electricity_ef=0.5, electricity_ef_source="D.4(b)")
    p2 = Process("P2", "Crude steel", "Crude steel",
                 production={"Basic oxygen steelmaking": 1000.0}, to_market=200.0,
                 consumed_in={"Wire": 800.0}, direct_emissions=300.0,
                 electricity_consumed=500.0, electricity_ef=0.5, electricity_ef_source="D.4(b)")
    p3 = Process("P3", "Wire", "Iron or steel products",
                 production={"All production routes": 750.0}, to_market=750.0,
                 direct_emissions=75.0, electricity_consumed=150.0, electricity_ef=0.5,
                 electricity_ef_source="D.4(b)")
    return Installation(site=_site(), processes=[p1, p2, p3],
                        precursors=[precursor or _sinter()],
                        products=[Product("Wire", "72171010", "Wire rod coil")])


# Hand substitution, written out (not the code's inverse):
SEE_PP_DIR, SEE_PP_IND = 0.2, 0.05 * 0.6
P1_DIR = 1500 / 1000 + (1600 / 1000) * SEE_PP_DIR                 # 1.82
P1_IND = 100 * 0.5 / 1000 + (1600 / 1000) * SEE_PP_IND            # 0.098
P2_DIR = 300 / 1000 + (900 / 1000) * P1_DIR                       # 1.938
P2_IND = 500 * 0.5 / 1000 + (900 / 1000) * P1_IND                 # 0.3382
P3_DIR = 75 / 750 + (800 / 750) * P2_DIR                          # 2.1672
P3_IND = 150 * 0.5 / 750 + (800 / 750) * P2_IND
P3_ELEC = 150 / 750 + (800 / 750) * (500 / 1000 + (900 / 1000) * (100 / 1000 + 1.6 * 0.05))
# Definitive: only the sinter's indirect emissions count (not an Annex II good).
P3_COUNTED = (800 / 750) * (900 / 1000) * (1600 / 1000) * SEE_PP_IND


def test_three_process_chain_matches_hand_substitution():
    r = compute(_chain(), regime="transitional")
    p1, p2, p3 = r.processes
    assert p1.see_direct == pytest.approx(1.82)
    assert p1.see_indirect == pytest.approx(0.098)
    assert p2.see_direct == pytest.approx(1.938)
    assert p2.see_indirect == pytest.approx(0.3382)
    assert p3.see_direct == pytest.approx(P3_DIR)
    assert p3.see_direct == pytest.approx(2.1672)
    assert p3.see_indirect == pytest.approx(P3_IND)
    assert p3.embedded_electricity_mwh_per_t == pytest.approx(P3_ELEC)
    assert p3.se_direct == pytest.approx(0.1)
    assert [u.name for u in p3.precursors] == ["Crude steel"]
    assert p3.precursors[0].per_t == pytest.approx(800 / 750)
    assert "cbam-precursor-cycle" not in _codes(r)


def test_definitive_vs_transitional_totals():
    definitive = compute(_chain(), regime="definitive", year=2026)
    transitional = compute(_chain(), regime="transitional")
    d, t = definitive.products[0], transitional.products[0]
    # Steel products are Annex II: in the definitive period only direct emissions count,
    # plus (IR 2025/2547 Annex I 3.1) the indirect emissions of the non-Annex-II sinter.
    assert d.indirect_counted is False
    assert d.see_indirect == pytest.approx(P3_IND)  # still reported for information
    assert d.see_indirect_counted == pytest.approx(P3_COUNTED)
    assert d.see_counted == pytest.approx(P3_DIR + P3_COUNTED)
    assert d.see_total == pytest.approx(P3_DIR + P3_IND)      # direct + indirect, always
    assert "precursors outside Annex II" in d.see_counted_rule
    # Transitional: indirect emissions count for every good except electricity.
    assert t.indirect_counted is True
    assert t.see_total == pytest.approx(P3_DIR + P3_IND)
    assert t.see_counted == pytest.approx(P3_DIR + P3_IND)


def test_cement_counts_indirect_in_definitive_period():
    clinker = Process("P1", "Kiln", "Cement clinker", ["Only direct production"],
                      production={"All production routes": 800.0},
                      to_market=0.0, consumed_in={"Mill": 800.0}, direct_emissions=680.0,
                      electricity_consumed=80.0, electricity_ef=0.7,
                      electricity_ef_source="D.4(a)")
    cement = Process("P2", "Mill", "Cement", ["Only direct production"],
                     production={"All production routes": 1000.0},
                     to_market=1000.0, direct_emissions=10.0, electricity_consumed=40.0,
                     electricity_ef=0.7, electricity_ef_source="D.4(a)")
    inst = Installation(site=_site(), processes=[clinker, cement],
                        products=[Product("Mill", "25232900", "CEM I")])
    r = compute(inst, regime="definitive", year=2026)
    see_dir = 10 / 1000 + 0.8 * 680 / 800            # 0.69
    see_ind = 40 * 0.7 / 1000 + 0.8 * 80 * 0.7 / 800  # 0.084
    product = r.products[0]
    assert product.indirect_counted is True
    assert product.see_direct == pytest.approx(0.69)
    assert product.see_indirect == pytest.approx(see_ind)
    assert product.see_total == pytest.approx(see_dir + see_ind)
    assert product.see_counted == pytest.approx(see_dir + see_ind)
    assert product.see_counted_rule.startswith("definitive period: direct + indirect")
    assert not [f for f in r.findings if f.severity == "error"]


def test_cycle_is_an_error_naming_the_cycle_and_never_raises():
    a = Process("P1", "Melt", "Crude steel", production={"Electric arc furnace": 100.0},
                to_market=90.0, consumed_in={"Roll": 10.0}, direct_emissions=50.0)
    b = Process("P2", "Roll", "Iron or steel products",
                production={"All production routes": 100.0}, to_market=95.0,
                consumed_in={"Melt": 5.0}, direct_emissions=5.0)
    c = Process("P3", "Coat", "Iron or steel products",
                production={"All production routes": 10.0}, to_market=10.0,
                direct_emissions=1.0)
    d = Process("P4", "Bend", "Iron or steel products",
                production={"All production routes": 10.0}, to_market=10.0,
                direct_emissions=1.0)
    b.consumed_in["Bend"] = 0.0  # a zero row is not an edge
    a.consumed_in["Bend"] = 0.0
    inst = Installation(site=_site(), processes=[a, b, c, d])
    b.to_market = 95.0
    r = compute(inst, regime="definitive", year=2026)
    cycles = [f for f in r.findings if f.code == "cbam-precursor-cycle"]
    assert len(cycles) == 1
    assert cycles[0].severity == "error"
    assert "Melt → Roll → Melt" in cycles[0].message
    melt, roll, coat, _ = r.processes
    assert melt.see_direct is None and roll.see_direct is None
    assert coat.see_direct == pytest.approx(1.0 / 10.0)


def test_downstream_of_a_cycle_gets_no_see_and_self_loop_is_a_cycle():
    a = Process("P1", "Loop", "Crude steel", production={"Electric arc furnace": 100.0},
                to_market=80.0, consumed_in={"Loop": 10.0, "After": 10.0},
                direct_emissions=50.0)
    b = Process("P2", "After", "Iron or steel products",
                production={"All production routes": 10.0}, to_market=10.0,
                direct_emissions=1.0)
    r = compute(Installation(site=_site(), processes=[a, b]))
    cycles = [f for f in r.findings if f.code == "cbam-precursor-cycle"]
    assert cycles and "Loop → Loop" in cycles[0].message
    assert r.processes[1].see_direct is None


def test_precursor_from_eu_or_annex_iii_counts_as_zero_in_definitive_period():
    for country in ("DE", "NO", "CH"):
        r = compute(_chain(_sinter(country=country)), regime="definitive", year=2026)
        assert "cbam-precursor-counted-zero" in _codes(r)
        assert r.precursors[0].counted_as_zero is True
        p1 = r.processes[0]
        assert p1.see_direct == pytest.approx(1500 / 1000)  # sinter's 0.2 t/t counts as 0
        assert p1.see_indirect == pytest.approx(100 * 0.5 / 1000)
    # In the transitional period the same precursor counts.
    r = compute(_chain(_sinter(country="DE")), regime="transitional")
    assert r.processes[0].see_direct == pytest.approx(P1_DIR)
    assert "cbam-precursor-counted-zero" not in _codes(r)


def test_precursor_without_see_is_an_error_and_blocks_its_consumers():
    r = compute(_chain(_sinter(see_direct=None, see_direct_source=None)))
    assert "cbam-precursor-see-missing" in _codes(r)
    assert "cbam-precursor-see-source-missing" in _codes(r)
    assert all(p.see_direct is None for p in r.processes)


def test_share_of_default_values():
    r = compute(_chain(_sinter(see_direct_source="Default", justification="Data gaps")),
                regime="transitional")
    p1, _, p3 = r.processes
    # As the template: the share of SEE (direct) coming from default-valued precursors.
    assert p1.share_default_pct == pytest.approx(100 * 1.6 * 0.2 / P1_DIR)
    via = (800 / 750) * (900 / 1000) * (1600 / 1000) * 0.2
    assert p3.share_default_pct == pytest.approx(100 * via / P3_DIR)
    assert r.products[0].share_default_pct == pytest.approx(100 * via / P3_DIR)


def test_default_without_justification_is_a_warning():
    r = compute(_chain(_sinter(see_direct_source="Default")))
    assert "cbam-precursor-default-justification-missing" in _codes(r)


def test_purchased_precursor_balance_and_unknown_consumer():
    r = compute(_chain(_sinter(purchased={"All production routes": 2000.0},
                               consumed_in={"Pig iron": 1600.0, "Sinter plant": 50.0})))
    assert "cbam-precursor-mass-balance" in _codes(r)
    assert "cbam-unknown-process" in _codes(r)
    assert r.precursors[0].mass_balance_control == pytest.approx(2000 - 1650)


def test_ammonia_info_follows_the_regulation_not_the_template():
    ammonia = Process("P1", "NH3", "Ammonia", production={"Other production routes": 100.0},
                      to_market=100.0, direct_emissions=200.0, electricity_consumed=50.0,
                      electricity_ef=0.6, electricity_ef_source="D.4(b)")
    inst = Installation(site=_site(), processes=[ammonia],
                        products=[Product("NH3", "28141000", "Anhydrous ammonia")])
    r = compute(inst, regime="definitive", year=2026)
    notes = [f for f in r.findings if f.code == "cbam-indirect-rule-differs-from-template"]
    assert len(notes) == 1 and notes[0].severity == "info"
    assert "Annex II of Reg. (EU) 2023/956" in notes[0].message
    product = r.products[0]
    assert product.indirect_counted is True
    assert product.see_total == pytest.approx(200 / 100 + 50 * 0.6 / 100)
    r2 = compute(inst, regime="transitional")
    assert "cbam-indirect-rule-differs-from-template" not in _codes(r2)


def test_process_without_production_has_no_see_and_an_error():
    inst = _chain()
    inst.processes[0].production = {"Blast furnace route": 0.0}
    r = compute(inst)
    assert "cbam-process-no-production" in _codes(r)
    assert all(p.see_direct is None for p in r.processes)
