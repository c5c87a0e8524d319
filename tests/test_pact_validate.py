"""PACT footprint validation: hand-built v2 and v3 footprints with every optional field pass;
each constraint has a negative case with its stable code and JSON pointer."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from carbonaudit.pact.validate import PactKind, validate_footprints

FIXTURES = Path(__file__).parent / "fixtures" / "pact"


def load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def codes(found) -> list[tuple[str, str]]:
    return [(f.code, f.location.pointer) for f in found]


def errors(found) -> list[tuple[str, str]]:
    return [(f.code, f.location.pointer) for f in found if str(f.severity) == "error"]


@pytest.mark.parametrize("name", ["v2_full", "v3_full"])
def test_full_footprints_are_valid_in_every_wrapping(name):
    fp = load(name)
    assert validate_footprints(fp) == []
    assert validate_footprints([fp]) == []
    assert validate_footprints({"data": [fp]}) == []
    assert validate_footprints({"data": fp}) == []


def test_schemas_credit_pact():
    from carbonaudit.schemas import load_schema

    for name in ("pact-v2", "pact-v3"):
        text = load_schema(name)["description"]
        assert "WBCSD" in text and "PACT Technical Specifications" in text
        assert "not a copy" in text


def mutate(doc: dict, path: str, value) -> dict:
    doc = copy.deepcopy(doc)
    *parents, last = path.split("/")
    obj = doc
    for key in parents:
        obj = obj[int(key)] if isinstance(obj, list) else obj[key]
    if value is DELETE:
        del obj[last]
    else:
        obj[last] = value
    return doc


DELETE = object()

# (fixture, path, new value, expected code, expected pointer inside {"data": [fp]})
CASES = [
    ("v3_full", "pcf/declaredUnitAmount", "0", "pact-not-positive",
     "/data/0/pcf/declaredUnitAmount"),
    ("v2_full", "pcf/unitaryProductAmount", "0.0", "pact-not-positive",
     "/data/0/pcf/unitaryProductAmount"),
    ("v3_full", "pcf/biogenicCO2Uptake", "0.5", "pact-positive-value",
     "/data/0/pcf/biogenicCO2Uptake"),
    ("v2_full", "pcf/biogenicCarbonWithdrawal", "0.5", "pact-positive-value",
     "/data/0/pcf/biogenicCarbonWithdrawal"),
    ("v3_full", "pcf/fossilGhgEmissions", "-1.2", "pact-negative-value",
     "/data/0/pcf/fossilGhgEmissions"),
    ("v2_full", "pcf/fossilGhgEmissions", "-0.1", "pact-negative-value",
     "/data/0/pcf/fossilGhgEmissions"),
    ("v3_full", "pcf/ipccCharacterizationFactors", [], "pact-empty-list",
     "/data/0/pcf/ipccCharacterizationFactors"),
    ("v2_full", "pcf/ipccCharacterizationFactorsSources", [], "pact-empty-list",
     "/data/0/pcf/ipccCharacterizationFactorsSources"),
    ("v3_full", "specVersion", "3.0", "pact-invalid-spec-version", "/data/0/specVersion"),
    ("v2_full", "specVersion", "2.3", "pact-invalid-spec-version", "/data/0/specVersion"),
    ("v3_full", "created", "2023-1-08T14:47:32Z", "pact-invalid-datetime", "/data/0/created"),
    ("v2_full", "pcf/referencePeriodStart", "2025-01-01", "pact-invalid-datetime",
     "/data/0/pcf/referencePeriodStart"),
    ("v3_full", "id", "not-a-uuid", "pact-invalid-uuid", "/data/0/id"),
    ("v2_full", "precedingPfIds", ["3fa85f645717-4562-b3fc-2c963f66afa6x"], "pact-invalid-uuid",
     "/data/0/precedingPfIds/0"),
    ("v3_full", "productIds", ["pact:product:1"], "pact-invalid-urn", "/data/0/productIds/0"),
    ("v2_full", "companyIds", ["harbour"], "pact-invalid-urn", "/data/0/companyIds/0"),
    ("v3_full", "pcf/pcfExcludingBiogenicUptake", 8.42, "pact-wrong-type",
     "/data/0/pcf/pcfExcludingBiogenicUptake"),
    ("v3_full", "pcf/fossilCarbonContent", "1e-3", "pact-invalid-decimal",
     "/data/0/pcf/fossilCarbonContent"),
    ("v2_full", "pcf/fossilCarbonContent", "0,5", "pact-invalid-decimal",
     "/data/0/pcf/fossilCarbonContent"),
    ("v2_full", "pcf/dqi/temporalDQR", 0.5, "pact-out-of-range", "/data/0/pcf/dqi/temporalDQR"),
    ("v2_full", "pcf/exemptedEmissionsPercent", 101, "pact-out-of-range",
     "/data/0/pcf/exemptedEmissionsPercent"),
    ("v3_full", "pcf/declaredUnitOfMeasurement", "tonne", "pact-invalid-value",
     "/data/0/pcf/declaredUnitOfMeasurement"),
    ("v2_full", "pcf/declaredUnit", "piece", "pact-invalid-value", "/data/0/pcf/declaredUnit"),
    ("v3_full", "pcf/declaredUnitAmount", DELETE, "pact-missing-field",
     "/data/0/pcf/declaredUnitAmount"),
    ("v2_full", "productCategoryCpc", DELETE, "pact-missing-field",
     "/data/0/productCategoryCpc"),
    ("v2_full", "pcf/geographyCountry", "China", "pact-invalid-country",
     "/data/0/pcf/geographyCountry"),
    ("v3_full", "status", "Draft", "pact-invalid-value", "/data/0/status"),
    ("v3_full", "specVersion", "4.0.0", "pact-unknown-spec-version", "/data/0/specVersion"),
]


# Rules only the specification's prose states (the official schemas accept these documents):
# a warning quoting the rule by default, an error under strict.
PROSE_CASES = [
    ("v3_full", "pcf/referencePeriodEnd", "2024-06-01T00:00:00Z", "pact-period-order",
     "/data/0/pcf/referencePeriodEnd"),
    ("v2_full", "pcf/referencePeriodEnd", "2025-01-01T00:00:00Z", "pact-period-order",
     "/data/0/pcf/referencePeriodEnd"),
    ("v3_full", "validityPeriodEnd", "2025-12-31T00:00:00Z", "pact-validity-order",
     "/data/0/validityPeriodEnd"),
    ("v2_full", "validityPeriodEnd", "2026-01-01T00:00:00Z", "pact-validity-order",
     "/data/0/validityPeriodEnd"),
    ("v2_full", "pcf/packagingEmissionsIncluded", False, "pact-packaging-not-included",
     "/data/0/pcf/packagingGhgEmissions"),
    ("v3_full", "pcf/packagingEmissionsIncluded", False, "pact-packaging-not-included",
     "/data/0/pcf/packagingGhgEmissions"),
    ("v2_full", "pcf/geographyRegionOrSubregion", "Eastern Asia", "pact-geography-conflict",
     "/data/0/pcf/geographyCountry"),
    ("v3_full", "pcf/geographyCountry", "US", "pact-geography-conflict",
     "/data/0/pcf/geographyCountrySubdivision"),
    ("v2_full", "pcf/primaryDataShare", DELETE, "pact-data-quality-required",
     "/data/0/pcf/primaryDataShare"),
    ("v2_full", "pcf/dqi", DELETE, "pact-data-quality-required", "/data/0/pcf/dqi"),
    ("v3_full", "pcf/primaryDataShare", "100.5", "pact-out-of-range",
     "/data/0/pcf/primaryDataShare"),
    ("v3_full", "pcf/dqi/temporalDQR", "5.5", "pact-out-of-range",
     "/data/0/pcf/dqi/temporalDQR"),
    ("v3_full", "pcf/dqi/geographicalDQR", "0.9", "pact-out-of-range",
     "/data/0/pcf/dqi/geographicalDQR"),
]


@pytest.mark.parametrize(("fixture", "path", "value", "code", "where"), CASES,
                         ids=[f"{c[0]}:{c[1]}={c[2]!r}" for c in CASES])
def test_each_constraint_has_a_finding(fixture, path, value, code, where):
    found = validate_footprints({"data": [mutate(load(fixture), path, value)]})
    assert (code, where) in errors(found), codes(found)
    assert all(f.message and f.code.startswith("pact-") for f in found)


@pytest.mark.parametrize(("fixture", "path", "value", "code", "where"), PROSE_CASES,
                         ids=[f"{c[0]}:{c[1]}={c[2]!r}" for c in PROSE_CASES])
def test_each_prose_rule_warns_quoting_it_and_is_an_error_under_strict(fixture, path, value,
                                                                        code, where):
    doc = {"data": [mutate(load(fixture), path, value)]}
    found = validate_footprints(doc)
    assert errors(found) == [], codes(found)
    hit = [f for f in found if (f.code, f.location.pointer) == (code, where)]
    assert len(hit) == 1 and str(hit[0].severity) == "warning", codes(found)
    assert "The PACT specification says: \u201c" in hit[0].message
    assert (code, where) in errors(validate_footprints(doc, strict=True))


@pytest.mark.parametrize("geo", [{"geographyRegionOrSubregion": "Eastern Asia"},
                                 {"geographyCountry": "CN"}, {}])
def test_v3_each_geography_alone_is_valid(geo):
    fp = load("v3_full")
    del fp["pcf"]["geographyCountrySubdivision"]
    fp["pcf"].update(geo)
    assert validate_footprints(fp) == []


def test_v3_combined_geography_is_a_warning():
    # v3 text: one granularity per footprint; its official examples combine all three.
    fp = load("v3_full")
    fp["pcf"].update(geographyRegionOrSubregion="Eastern Asia", geographyCountry="CN")
    found = validate_footprints(fp)
    assert codes(found) == [("pact-geography-combined", "/pcf/geographyCountry")]
    assert str(found[0].severity) == "warning"


def test_v3_dqr_scale_is_one_to_five():
    # PACT v3: each DQR "MUST be between 1 and 5 inclusive" (v2 used 1 to 3).
    fp = load("v3_full")
    fp["pcf"]["dqi"] = {"technologicalDQR": "1", "geographicalDQR": "4.1", "temporalDQR": "5"}
    assert validate_footprints(fp) == []
    fp2 = load("v2_full")
    fp2["pcf"]["dqi"]["geographicalDQR"] = 4.1
    assert errors(validate_footprints(fp2)) == [("pact-out-of-range", "/pcf/dqi/geographicalDQR")]


def test_v2_before_2025_needs_only_one_of_share_and_dqi():
    fp = load("v2_full")
    fp["pcf"]["referencePeriodStart"] = "2023-01-01T00:00:00Z"
    fp["pcf"]["referencePeriodEnd"] = "2024-01-01T00:00:00Z"
    del fp["pcf"]["dqi"]
    assert validate_footprints(fp) == []
    del fp["pcf"]["primaryDataShare"]
    assert codes(validate_footprints(fp)) == [("pact-data-quality-required", "/pcf")]
    assert errors(validate_footprints(fp, strict=True)) == [("pact-data-quality-required",
                                                             "/pcf")]


def test_v3_biogenic_balance_is_a_warning_with_rounding_tolerance():
    fp = load("v3_full")
    fp["pcf"]["pcfIncludingBiogenicUptake"] = "8.40"  # 8.42 - 0.04 = 8.38: 0.02 off, tol 0.01
    found = validate_footprints(fp)
    assert codes(found) == [("pact-biogenic-balance", "/pcf/pcfIncludingBiogenicUptake")]
    assert str(found[0].severity) == "warning"
    # Official-example style rounding: 0.384 + (-1.61) = -1.226, published as -1.23.
    fp["pcf"].update(pcfExcludingBiogenicUptake="0.384", biogenicCO2Uptake="-1.61",
                     pcfIncludingBiogenicUptake="-1.23", biogenicCarbonContent="0.44")
    assert validate_footprints(fp) == []


def test_unknown_field_is_a_warning_and_duplicate_ids_an_error_under_strict():
    fp = load("v2_full")
    fp["pcf"]["pcfExcludingBiogenic"] = "2.65"  # v3-style spelling in a v2 footprint
    found = validate_footprints([fp, fp])
    assert ("pact-unknown-field", "/0/pcf/pcfExcludingBiogenic") in codes(found)
    assert ("pact-duplicate-id", "/1/id") in codes(found) and errors(found) == []
    assert ("pact-duplicate-id", "/1/id") in errors(validate_footprints([fp, fp], strict=True))


def test_missing_spec_version_is_inferred_and_reported():
    fp = load("v3_full")
    del fp["specVersion"]
    assert errors(validate_footprints(fp)) == [("pact-missing-field", "/specVersion")]


@pytest.mark.parametrize("doc", [{"hello": 1}, 42, "text", {"data": 3}])
def test_not_a_footprint_document(doc):
    assert errors(validate_footprints(doc)) == [("pact-not-a-footprint-document", "/")]


@pytest.mark.parametrize(("doc", "where"), [([], "/"), ({"data": []}, "/data")])
def test_document_without_footprints_is_a_warning(doc, where):
    found = validate_footprints(doc)
    assert codes(found) == [("pact-no-footprints", where)]
    assert str(found[0].severity) == "warning"


def test_array_item_that_is_not_an_object():
    assert errors(validate_footprints({"data": [load("v3_full"), 7]})) == [
        ("pact-not-an-object", "/data/1")]


def test_pact_kind_detects_and_reports(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"data": [load("v2_full"), load("v3_full")]}), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([mutate(load("v3_full"), "pcf/declaredUnitAmount", "0")]),
                   encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('{"specVersion": "3.0.0", "pcf": ', encoding="utf-8")
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"\n")
    other = tmp_path / "other.json"
    other.write_text('{"rows": [1, 2]}', encoding="utf-8")
    kind = PactKind()
    assert kind.detect(good) and kind.detect(bad)
    assert not kind.detect(tmp_path / "missing.json")
    report = kind.validate([good, bad, broken, empty, other], {})
    assert report.kind == "pact"
    # other.json holds no footprint, so it adds none to the counts (was passing -1).
    assert report.rows == {"footprints": 3, "passing": 2, "failing": 1}
    assert [i["path"] for i in report.inputs] == [str(p) for p in (good, bad, broken, empty,
                                                                  other)]
    got = {(f.code, f.location.file, f.location.pointer) for f in report.findings}
    assert ("pact-not-positive", str(bad), "/0/pcf/declaredUnitAmount") in got
    assert any(c == "pact-invalid-json" and f == str(broken) for c, f, _ in got)
    assert ("pact-not-a-footprint-document", str(other), "/") in got
    assert [f.message for f in report.findings if f.location.file == str(empty)] == [
        "The file is empty; a PACT document is a JSON object or array."]
