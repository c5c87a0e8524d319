"""The communication document (COMMUNICATION.md), its JSON Schema, and the installation and
product checks `compute` makes."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest

from carbonaudit.cbam.compute import compute
from carbonaudit.cbam.document import build_document
from carbonaudit.cbam.model import (
    COMBUSTION,
    CarbonPrice,
    CemsSource,
    DataQuality,
    GoodCategory,
    Installation,
    PfcSource,
    Precursor,
    Process,
    Product,
    Site,
    SourceStream,
)
from carbonaudit.schemas import validate_document


def _codes(result) -> list[str]:
    return [f.code for f in result.findings]


def _installation(**site_kw) -> Installation:
    site = dict(name="Dongguan Metals Works", country="CN", unlocode="CNDGG",
                period_start=date(2026, 1, 1), period_end=date(2026, 12, 31))
    site.update(site_kw)
    rod = Precursor("PP1", "Wire rod", "Iron or steel products", "CN",
                    purchased={"All production routes": 1030.0},
                    consumed_in={"Fastener forming": 1030.0}, other_uses=0.0,
                    see_direct=1.9, see_direct_source="Measured", specific_electricity=0.5,
                    electricity_ef=0.8, electricity_ef_source="D.4(b)")
    forming = Process("P1", "Fastener forming", "Iron or steel products",
                      production={"All production routes": 1000.0}, to_market=1000.0,
                      direct_emissions=2356.2 / 10, electricity_consumed=600.0,
                      electricity_ef=0.8, electricity_ef_source="D.4(b)")
    return Installation(
        site=Site(**site),
        goods=[GoodCategory("G1", "Iron or steel products", ["All production routes"])],
        streams=[SourceStream("SS1", COMBUSTION, "Natural gas", 1200.0, "1000Nm3", ncv=35.0,
                              ef=56.1, ef_unit="tCO2/TJ")],
        pfc=[PfcSource("PFC1", "slope", "CWPB", 500000.0, frequency=2.17, duration=1.23,
                       sef_cf4=0.146, f_c2f6=0.122, collection_efficiency=0.98)],
        cems=[CemsSource("CEMS1", "Stack", "N2O", 0.0, 64.2925, 4.0, 265.0)],
        processes=[forming], precursors=[rod],
        products=[Product("Fastener forming", "7318 15 58", "Hex bolts M10",
                          qualifying={"% Mn": 0.8},
                          carbon_price=CarbonPrice("National ETS", 0.5, "CNY", 80.0, "None",
                                                   0.0, 20.0))],
        data_quality=DataQuality(general="Mostly measurements & analyses"),
        source_path="installation.xlsx", source_sha256="a" * 64,
    )


def _doc(inst: Installation | None = None, **kw) -> dict:
    inst = inst or _installation()
    return build_document(compute(inst, **kw), inst, tool_version="0.2.0")


def test_document_validates_and_has_the_communication_shape():
    doc = _doc()
    assert validate_document(doc, "cbam-communication") == []
    assert list(doc) == ["document_type", "schema_version", "tool_version", "period", "input",
                         "installation", "goods", "methodology", "totals_t", "processes",
                         "precursors", "products", "findings_summary"]
    assert doc["period"] == {"regime": "definitive", "year": 2026, "start": "2026-01-01",
                             "end": "2026-12-31"}
    stream = doc["methodology"]["source_streams"][0]
    assert stream["co2e_fossil_t"] == pytest.approx(1200 * 35 / 1000 * 56.1)  # 2356.2
    assert stream["energy_fossil_tj"] == pytest.approx(42.0)
    assert stream["oxidation_factor"] == 100.0 and stream["conversion_factor"] is None
    assert doc["methodology"]["pfc"][0]["co2e_t"] == pytest.approx(1587424.347)
    assert doc["methodology"]["cems"][0]["co2e_fossil_t"] == pytest.approx(18059.76325)
    by_method = doc["methodology"]["by_method_t"]
    assert doc["totals_t"]["direct"] == pytest.approx(
        by_method["calculation"] + by_method["pfc"] + by_method["measurement"])
    assert doc["totals_t"]["indirect"] == pytest.approx(600 * 0.8)


def test_product_values_follow_the_rules():
    product = _doc()["products"][0]
    assert product["cn_code"] == "73181558"
    assert product["good"] == "Iron or steel products"
    assert product["unit"] == "tCO2e/t"
    see_direct = 235.62 / 1000 + 1.03 * 1.9
    see_indirect = 600 * 0.8 / 1000 + 1.03 * 0.5 * 0.8
    assert product["see_direct"] == pytest.approx(see_direct)
    assert product["see_indirect"] == pytest.approx(see_indirect)
    # Iron or steel products are Annex II: the definitive period counts the direct part
    # only (see_counted); see_total is direct + indirect as the template defines it.
    assert product["indirect_counted"] is False
    assert product["see_total"] == pytest.approx(see_direct + see_indirect)
    assert product["see_counted"] == pytest.approx(see_direct)
    assert product["carbon_price"]["effective_per_t"] == pytest.approx(80.0 - 20.0)
    assert product["qualifying"] == {"% Mn": 0.8}
    assert product["embedded_electricity_mwh_per_t"] == pytest.approx(0.6 + 1.03 * 0.5)


def test_document_is_deterministic_plain_json():
    a = json.dumps(_doc(), sort_keys=False)
    b = json.dumps(_doc(), sort_keys=False)
    assert a == b
    doc = _doc()
    assert type(doc["processes"][0]["see_direct"]) is float


def test_transitional_document_counts_indirect():
    doc = _doc(regime="transitional")
    assert validate_document(doc, "cbam-communication") == []
    product = doc["products"][0]
    assert product["indirect_counted"] is True
    assert product["see_total"] == pytest.approx(product["see_direct"] + product["see_indirect"])
    assert product["see_counted"] == pytest.approx(product["see_total"])


@pytest.mark.parametrize("breaker", [
    lambda d: d.pop("products"),
    lambda d: d["period"].__setitem__("regime", "provisional"),
    lambda d: d["processes"][0].__setitem__("electricity_ef_source", "D.5"),
    lambda d: d["products"][0].__setitem__("see_direct", "2.1"),
    lambda d: d["period"].__setitem__("start", "01/01/2026"),
    lambda d: d.__setitem__("extra", 1),
])
def test_broken_document_fails_the_schema(breaker):
    doc = copy.deepcopy(_doc())
    breaker(doc)
    assert validate_document(doc, "cbam-communication")


def test_document_with_errors_still_validates():
    inst = _installation(country="XX", unlocode=None)
    inst.processes[0].production = {}
    inst.products.append(Product("Nowhere", "12345678", "Mystery"))
    doc = _doc(inst)
    assert validate_document(doc, "cbam-communication") == []
    assert doc["findings_summary"]["error"] >= 4


# ---------------------------------------------------------------- installation checks


@pytest.mark.parametrize("site_kw,code", [
    ({"country": "XX"}, "cbam-country-unknown"),
    ({"country": None}, "cbam-country-unknown"),
    ({"unlocode": None}, "cbam-unlocode-missing"),
    ({"unlocode": "DGG"}, "cbam-unlocode-invalid"),
    ({"period_start": date(2026, 12, 31), "period_end": date(2026, 1, 1)}, "cbam-period-order"),
    ({"period_end": None}, "cbam-period-missing"),
    ({"name": ""}, "cbam-installation-name-missing"),
])
def test_installation_checks(site_kw, code):
    r = compute(_installation(**site_kw))
    assert code in _codes(r)


def test_period_must_match_declaration_year_in_definitive_regime():
    r = compute(_installation(), regime="definitive", year=2027)
    assert "cbam-period-year-mismatch" in _codes(r)
    r = compute(_installation(period_start=date(2025, 7, 1), period_end=date(2026, 6, 30)),
                regime="definitive", year=2026)
    assert "cbam-period-year-mismatch" in _codes(r)
    r = compute(_installation(), regime="transitional", year=2027)
    assert "cbam-period-year-mismatch" not in _codes(r)


# -------------------------------------------------------------------- product checks


def test_cn_code_not_in_annex_i_is_an_error():
    inst = _installation()
    inst.products[0].cn_code = "73181500"  # split into 73181520…73181595 in Annex I
    r = compute(inst)
    assert "cbam-cn-not-annex-i" in _codes(r)


def test_cn_code_of_another_category_is_an_error():
    inst = _installation()
    inst.products[0].cn_code = "76042910"  # an aluminium product made by a steel process
    r = compute(inst)
    hit = [f for f in r.findings if f.code == "cbam-route-category-mismatch"]
    assert hit and "route does not belong to its category" in hit[0].message


def test_bubbled_category_is_accepted():
    inst = _installation()
    inst.processes[0].good = "Crude steel"
    inst.processes[0].included = ["Iron or steel products"]
    r = compute(inst)
    assert "cbam-route-category-mismatch" not in _codes(r)


def test_unknown_process_of_a_product_is_an_error():
    inst = _installation()
    inst.products[0].process = "Galvanising"
    r = compute(inst)
    assert "cbam-unknown-process" in _codes(r)
    assert r.products[0].see_direct is None


def test_unknown_regime_is_a_finding_not_an_exception():
    r = compute(_installation(), regime="provisional")
    assert "cbam-regime-unknown" in _codes(r)
