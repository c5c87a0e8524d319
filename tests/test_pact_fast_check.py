"""The compiled pre-check never passes a footprint jsonschema fails, so the findings are
jsonschema's whether or not a footprint takes the fast path."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from carbonaudit.pact.fast_check import compiled
from carbonaudit.schemas import validator

FIXTURES = Path(__file__).parent / "fixtures" / "pact"
# Values that break types, formats, patterns, enums, lengths and ranges in many ways.
REPLACEMENTS = [None, True, 0, 1.0, -1, 101, 4.5, "", " ", "x", "-1", "0.5", "1e3", "urn:x",
                "2025-13-01T00:00:00Z", "2025-01-01T00:00:00Z", "3fa85f64-5717-4562-b3fc-2c96",
                "AR6", [], ["x"], ["x", "x"], [1], {}, {"a": 1}]

pytestmark = pytest.mark.skipif(compiled(2) is None, reason="fastjsonschema not installed")


def leaves(node: object, path: tuple = ()) -> list[tuple]:
    if isinstance(node, dict):
        return [path] + [p for k, v in node.items() for p in leaves(v, (*path, k))]
    if isinstance(node, list):
        return [path] + [p for i, v in enumerate(node) for p in leaves(v, (*path, i))]
    return [path]


def replaced(doc: dict, path: tuple, value: object) -> dict:
    doc = copy.deepcopy(doc)
    obj = doc
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = value
    return doc


@pytest.mark.parametrize(("name", "major"), [("v2_full", 2), ("v3_full", 3)])
def test_compiled_check_agrees_with_jsonschema_on_every_mutation(name, major):
    base = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    passes, full = compiled(major), validator(f"pact-v{major}")
    cases = [replaced(base, p, v) for p in leaves(base) if p for v in REPLACEMENTS]
    cases += [replaced(base, p[:-1], {k: v for k, v in _at(base, p[:-1]).items() if k != p[-1]})
              for p in leaves(base) if len(p) > 1 and isinstance(_at(base, p[:-1]), dict)]
    disagree = [(c, next(full.iter_errors(c), None)) for c in cases
                if passes(c) != (next(full.iter_errors(c), None) is None)]
    # A footprint the compiled check passes but jsonschema fails would lose its findings.
    lost = [e.message for c, e in disagree if e is not None]
    assert lost == []
    # Stricter the other way (it sends a valid footprint to the full check) costs only time.
    assert len(disagree) <= len(cases) // 20
    assert len(cases) > 500


def _at(doc: object, path: tuple) -> object:
    for key in path:
        doc = doc[key]
    return doc


def test_compiled_check_passes_the_official_example_shapes():
    for path in sorted((FIXTURES / "official").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        data = doc.get("data", doc)
        items = data.get("pfs", [data]) if isinstance(data, dict) else data
        for fp in items:
            major = int(fp["specVersion"][0])
            assert compiled(major)(fp), path.name
