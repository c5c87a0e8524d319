"""The report chapter of a standard's own breakdown (inventory.json `standard`): GB/T 32150's
combustion / process / purchased / exported energy with its net total, and the HK EPD/EMSD
guidelines' scopes with the Towngas production part.  Drawn from the document only."""

from __future__ import annotations

from carbonaudit.reports.labels import Labels
from carbonaudit.reports.view import Chapter, Column, Table, Text, text, tonnes

_GBT_PARTS = ("combustion", "process", "purchased_electricity", "purchased_heat",
              "exported_electricity", "exported_heat", "total")
_HK_SCOPES = {
    "scope_1_kgco2e": ("stationary_combustion", "mobile_combustion", "refrigerants", "process"),
    "scope_2_kgco2e": ("electricity", "towngas_production", "other_energy"),
    "scope_3_kgco2e": ("paper_waste", "fresh_water_and_sewage", "business_travel", "other"),
}


def standard_chapters(doc: dict, L: Labels) -> list[Chapter]:
    """A chapter for a standard with its own breakdown; none for the GHG Protocol and ISO."""
    std = doc.get("standard") or {}
    if std.get("name") == "gbt32150":
        return [_gbt32150(std, L)]
    if std.get("name") == "hk-epd":
        return [_hk_epd(std, L)]
    return []


def _gbt32150(std: dict, L: Labels) -> Chapter:
    parts = std["breakdown_kgco2e"]
    table = Table("gbt32150", L("std.gbt32150.table"),
                  [Column(L("col.category")), Column(L("col.tco2"), "t")],
                  [[L(f"std.gbt32150.{k}"), tonnes(parts[k])] for k in _GBT_PARTS],
                  note=L("std.gbt32150.note", grid=L(f"std.grid.{std['grid_factor']}")))
    outside = Table("gbt32150_outside", L("std.outside.table"),
                    [Column(L("col.category")), Column(L("col.tco2e"), "t")],
                    [[L("std.gbt32150.biomass"), tonnes(std["biomass_co2_outside_total_kg"])],
                     [L("std.gbt32150.scope3"), tonnes(std["outside_standard_kgco2e"])]])
    factors = Table("gbt32150_grid", L("std.gbt32150.grid_table"),
                    [Column(L("col.factor_id"), "code"), Column(L("col.region"), "code"),
                     Column(L("col.vintage"), "int"), Column(L("col.kg_per_unit"), "num"),
                     Column(L("col.unit"), "code"), Column(L("col.status")),
                     Column(L("col.rows"), "int")],
                    [[text(f["factor_id"]), text(f["region"]), f["vintage"],
                      f["kgco2_per_unit"], text(f["unit"]),
                      L.get(f"status.{f['status']}", text(f["status"])), f["rows"]]
                     for f in std["electricity_factors"]])
    return Chapter("standard", L("chapter.standard.gbt32150"), L("sheet.standard"),
                   [Text(L("std.gbt32150.method")), table, outside, factors])


def _hk_epd(std: dict, L: Labels) -> Chapter:
    blocks: list = [Text(L("std.hk-epd.method"))]
    for key, parts in _HK_SCOPES.items():
        values = std[key]
        rows = [[L(f"std.hk-epd.{p}"), tonnes(values[p])] for p in parts]
        rows.append([L("std.total"), tonnes(sum(values[p] for p in parts))])
        blocks.append(Table(f"hk_{key}", L(f"std.hk-epd.{key}"),
                            [Column(L("col.category")), Column(L("col.tco2e"), "t")], rows))
    tg = std["towngas_production"]
    blocks.append(Text(L("std.hk-epd.towngas", rows=tg["rows"],
                         factors=", ".join(tg["factor_ids"]) or L("value.unknown"))))
    return Chapter("standard", L("chapter.standard.hk-epd"), L("sheet.standard"), blocks)
