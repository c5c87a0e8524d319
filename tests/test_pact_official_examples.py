"""Documents shaped like the official PACT examples pass by default; what only the
specification's prose rules out is a warning quoting it, an error under strict; NaN or
Infinity anywhere is always an error.  Fixtures: tests/fixtures/pact/official/ (README there)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from carbonaudit.pact.export import export_footprints
from carbonaudit.pact.validate import PactKind, validate_footprints

OFFICIAL = Path(__file__).parent / "fixtures" / "pact" / "official"

# file -> the warnings it must get (code, JSON pointer): the prose rules it breaks.
EXPECTED = {
    "v2_get_footprint_response": [
        ("pact-provider-name-empty", "/data/pcf/assurance/providerName")],
    "v2_list_footprints_response": [
        ("pact-provider-name-empty", "/data/0/pcf/assurance/providerName")],
    "v2_fulfilled_event": [
        ("pact-provider-name-empty", "/data/pfs/0/pcf/assurance/providerName")],
    "v2_conformance_mock": [
        ("pact-data-quality-required", "/data/0/pcf/dqi"),
        ("pact-data-quality-required", "/data/0/pcf/primaryDataShare"),
        ("pact-unknown-field", "/data/0/pcf/carbonFootprintBreakdown"),
        ("pact-unknown-field", "/data/0/pcf/carbonFootprintTotalkg")],
    "v3_example_4": [],
    "v3_list_footprints_response": [
        ("pact-provider-name-empty", "/data/0/pcf/verification/providerName")],
    "v3_conformance_mock": [],
}


def load(name: str) -> object:
    return json.loads((OFFICIAL / f"{name}.json").read_text(encoding="utf-8"))


def pairs(found, severity: str | None = None) -> list[tuple[str, str]]:
    return sorted((f.code, f.location.pointer) for f in found
                  if severity is None or str(f.severity) == severity)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_official_example_shapes_pass_by_default(name):
    found = validate_footprints(load(name), f"{name}.json")
    assert pairs(found, "error") == []
    assert pairs(found) == sorted(EXPECTED[name])
    assert all(str(f.severity) == "warning" for f in found)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_prose_rules_are_errors_under_strict(name):
    found = validate_footprints(load(name), strict=True)
    prose = [p for p in EXPECTED[name] if p[0] != "pact-unknown-field"]
    assert pairs(found, "error") == sorted(prose)


def test_warnings_quote_the_specification():
    (empty,) = validate_footprints(load("v2_get_footprint_response"))
    assert empty.message.endswith("The PACT specification says: \u201cThe non-empty name of "
                                  "the independent third party engaged to undertake the "
                                  "assurance.\u201d")
    dqi = next(f for f in validate_footprints(load("v2_conformance_mock"))
               if f.location.pointer.endswith("/dqi"))
    assert "\u201cFor reference periods including the beginning of year 2025 or after, this " \
           "property MUST be defined.\u201d" in dqi.message


def test_pact_kind_counts_every_example_footprint_and_strict_fails_the_prose_ones():
    paths = sorted(OFFICIAL.glob("*.json"))
    kind = PactKind()
    assert all(kind.detect(p) for p in paths)
    assert kind.validate(paths, {}).rows == {"footprints": 7, "passing": 7, "failing": 0}
    # Strict fails the four v2 files and the v3 one with an empty verification provider.
    assert kind.validate(paths, {"strict": True}).rows == {"footprints": 7, "passing": 2,
                                                           "failing": 5}


def test_nan_and_infinity_anywhere_are_errors(tmp_path):
    # Python's json module reads these literals; a PACT document cannot hold them.
    text = (OFFICIAL / "v2_list_footprints_response.json").read_text(encoding="utf-8")
    text = text.replace('"exemptedEmissionsPercent": 0,', '"exemptedEmissionsPercent": NaN,')
    text = text.replace('"weight": 10,', '"weight": -Infinity,')
    path = tmp_path / "nan.json"
    path.write_text(text, encoding="utf-8")
    report = PactKind().validate([path], {})
    assert pairs(report.findings, "error") == [
        ("pact-not-finite", "/data/0/extensions/0/data/weight"),
        ("pact-not-finite", "/data/0/pcf/exemptedEmissionsPercent")]
    assert "NaN is not a number" in next(f.message for f in report.findings
                                          if f.location.pointer.endswith("Percent"))
    assert report.rows == {"footprints": 1, "passing": 0, "failing": 1}


def test_nan_in_a_lone_footprint_built_in_code():
    doc = load("v3_example_4")
    doc["pcf"]["dqi"]["score"] = float("nan")  # outside anything the schema knows
    assert pairs(validate_footprints(doc), "error") == [("pact-not-finite", "/pcf/dqi/score")]


def test_event_without_footprints_is_a_warning():
    event = load("v2_fulfilled_event")
    event["data"]["pfs"] = []
    assert pairs(validate_footprints(event)) == [("pact-no-footprints", "/data/pfs")]


def test_export_still_refuses_what_a_prose_rule_rules_out():
    # PACT v3 does not bound the mass in its schema, only in prose; we never write one < 0.
    inventory = {"document_type": "carbonaudit.inventory", "gwp_set": "AR6",
                 "organisation": {"name": "Test Metals Ltd"},
                 "period": {"start": "2024-01-01", "end": "2024-12-31"},
                 "by_site": [{"site": "Plant A", "scope_1": 1000.0, "scope_2_location": 0.0,
                              "scope_2_market": 0.0, "scope_3": 0.0}]}
    row = {"product_id": "urn:pact:test.example:product:1", "product_name": "P1",
           "product_description": "Test", "company_ids": "urn:pact:test.example:company:1",
           "site": "Plant A", "allocation": "share", "share_pct": 100,
           "declared_unit": "piece", "declared_unit_amount": 1, "production_quantity": 10,
           "product_mass_per_declared_unit": -0.5, "cross_sectoral_standards": "ISO14067",
           "exempted_emissions_percent": 0, "fossil_carbon_content": 0,
           "biogenic_carbon_content": 0}
    fps, found = export_footprints(inventory, [row], "3.0")
    assert fps == []
    assert [(f.code, f.location.cell) for f in found if str(f.severity) == "error"] == [
        ("pact-negative-value", "A2")]


def test_json_nested_too_deeply_is_a_finding_not_a_traceback(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    report = PactKind().validate([path], {})
    assert [f.code for f in report.findings] == ["pact-invalid-json"]
    assert "deep" in report.findings[0].message


def test_validate_command_passes_strict_to_the_pact_kind():
    import json

    from typer.testing import CliRunner

    from carbonaudit.cli import app

    path = str(OFFICIAL / "v2_get_footprint_response.json")
    loose = CliRunner().invoke(app, ["validate", "--kind", "pact", "--json", path])
    strict = CliRunner().invoke(app, ["validate", "--kind", "pact", "--json", "--strict", path])
    assert loose.exit_code == 0 and strict.exit_code == 1
    assert json.loads(loose.stdout)["rows"] == {"footprints": 1, "passing": 1, "failing": 0}
    doc = json.loads(strict.stdout)
    assert doc["rows"] == {"footprints": 1, "passing": 0, "failing": 1}
    assert {f["severity"] for f in doc["findings"]} == {"error"}
