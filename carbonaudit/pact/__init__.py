"""WBCSD PACT product carbon footprints: export (v2.3 and v3.0) and offline validation.

`export.export_footprints` builds ProductFootprints from a CBAM communication or an
inventory plus a products sheet (`products.read_products`): `input_shapes.py` checks the
result document, `from_cbam.py` / `from_inventory.py` turn it into a `basis.Basis` per product
and `footprint.py` writes each footprint.  `validate.validate_footprints` checks any PACT
document against our own schemas and the cross-field rules in `rules.py`.
What is implemented and what is left out: SPEC.md in this folder.
"""

from __future__ import annotations

__all__ = ["export_footprints", "read_products", "validate_footprints", "PactKind"]


def __getattr__(name: str):
    # Lazy: `carbonaudit --help` must not import jsonschema or pandas through this package.
    if name == "export_footprints":
        from carbonaudit.pact.export import export_footprints

        return export_footprints
    if name == "read_products":
        from carbonaudit.pact.products import read_products

        return read_products
    if name in {"validate_footprints", "PactKind"}:
        from carbonaudit.pact.validate import PactKind, validate_footprints

        return {"PactKind": PactKind, "validate_footprints": validate_footprints}[name]
    raise AttributeError(name)
