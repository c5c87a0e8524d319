"""The Recalculation and Factors sheets: every activity row re-performed with live formulas.

Each assessed row's emissions are an Excel formula a verifier can follow and change:
converted = quantity × conversion; kg CO2e = converted × (CO2 + CH4 fossil × GWP +
CH4 non-fossil × GWP + N2O × GWP + other gas × its GWP × counted + CO2e given unsplit), the
per-unit gas values on the factor's row of the Factors sheet and the GWPs in its top block.
The tool's own figure stands beside it with the difference, so a changed factor shows at
once.  Formulas carry the tool's value as their cached result, so readers that do not
calculate (calamine, pandas) see the same numbers Excel shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from carbonaudit.factors.gwp import family, gwp_table
from carbonaudit.findings import column_letter

MAX_ROWS = 1_000_000  # rows per Recalculation sheet (Excel stops at 1,048,576)
GWP_ROWS = {"ch4_fossil": 3, "ch4_nonfossil": 4, "n2o": 5}  # Excel rows of the GWP block
FACTOR_HEADER_ROW = 7  # Excel row of the factor table's header
FACTOR_COLUMNS = ("id", "set", "edition", "unit", "co2_fossil", "co2_biogenic", "ch4_fossil",
                  "ch4_nonfossil", "n2o", "other_gas", "other_gas_kg", "gwp_other_gas",
                  "other_gas_counted", "co2e_unsplit", "status", "source", "licence", "rows")
RECALC_COLUMNS = ("row_no", "source_file", "cell", "status", "reference", "activity", "item",
                  "site", "scope", "scope3_category", "quantity", "unit", "factor_id",
                  "factor_unit", "conversion", "converted_quantity", "recalculated_kgco2e",
                  "tool_kgco2e", "formula_minus_tool", "market_kgco2e", "market_basis",
                  "claimed_kgco2e", "claimed_minus_recalculated")
COL = {name: column_letter(i) for i, name in enumerate(RECALC_COLUMNS)}
_F = {name: column_letter(i) for i, name in enumerate(FACTOR_COLUMNS)}


@dataclass
class RecalcSheets:
    """Where the Recalculation rows went, for the Summary's live totals."""

    names: list[str]
    last_rows: list[int]  # last Excel row of each sheet


def write_factors(wb, fmt, assessment, frame) -> dict[str, int]:
    """The Factors sheet; returns factor id -> its Excel row."""
    import numpy as np

    ws = wb.add_worksheet("Factors")
    gwp = gwp_table(assessment.gwp_set)
    ws.write_row(0, 0, ["GWP set", assessment.gwp_set, "values used by every formula on "
                        "Recalculation; change one and the sheet recalculates"], fmt["bold"])
    ws.write_row(1, 0, ["gas", "GWP (100-year)", "source"], fmt["head"])
    for key, label, value, species in (
            ("ch4_fossil", "CH4 fossil", gwp.ch4_fossil, "CH4_fossil"),
            ("ch4_nonfossil", "CH4 non-fossil", gwp.ch4_nonfossil, "CH4_nonfossil"),
            ("n2o", "N2O", gwp.of("N2O"), "N2O")):
        r = GWP_ROWS[key] - 1
        ws.write_string(r, 0, label)
        ws.write_number(r, 1, value)
        ws.write_string(r, 2, gwp.sources.get(species) or gwp.sources.get("CH4", ""))
    ws.write_row(FACTOR_HEADER_ROW - 1, 0, FACTOR_COLUMNS, fmt["head"])
    used = frame.loc[frame["status"].astype(str) == "assessed", "factor_id_used"].astype(str)
    counts = used.value_counts()
    lib = assessment.library.factors.drop_duplicates("id").set_index("id")
    rows: dict[str, int] = {}
    for n, fid in enumerate(sorted(counts.index)):
        f = lib.loc[fid]
        species = str(f["other_gas"] or "")
        r = FACTOR_HEADER_ROW + n  # 0-based row index of this factor
        counted = 0 if species and family(species) == "hcfc" else 1
        values = [fid, f["set"], f["set_edition"], f["unit"], *(
            float(np.nan_to_num(f[c])) for c in ("co2_fossil", "co2_biogenic", "ch4_fossil",
                                                 "ch4_nonfossil", "n2o")),
            species, float(np.nan_to_num(f["other_gas_kg"])),
            gwp.of(species) if species else 0.0, counted,
            float(np.nan_to_num(f["co2e_unsplit"])), f["status"], f["source"], f["licence"],
            int(counts[fid])]
        for c, v in enumerate(values):
            _write(ws, r, c, v, fmt)
        rows[fid] = r + 1
    ws.set_column(0, 0, 44)
    ws.set_column(15, 16, 60)
    ws.freeze_panes(FACTOR_HEADER_ROW, 1)
    return rows


def _write(ws, r, c, v, fmt) -> None:
    if isinstance(v, bool) or v is None:
        ws.write_blank(r, c, None)
    elif isinstance(v, int | float):
        ws.write_number(r, c, v)
    else:
        ws.write_string(r, c, str(v), fmt["text"])


def emissions_formula(r: int, factor_row: int) -> str:
    """The kg CO2e formula of Recalculation row r (Excel row) on its factor's row."""
    f = lambda name: f"Factors!${_F[name]}${factor_row}"  # noqa: E731
    g = lambda key: f"Factors!$B${GWP_ROWS[key]}"  # noqa: E731
    return (f"={COL['converted_quantity']}{r}*({f('co2_fossil')}"
            f"+{f('ch4_fossil')}*{g('ch4_fossil')}+{f('ch4_nonfossil')}*{g('ch4_nonfossil')}"
            f"+{f('n2o')}*{g('n2o')}+{f('other_gas_kg')}*{f('gwp_other_gas')}"
            f"*{f('other_gas_counted')}+{f('co2e_unsplit')})")


def conversions(frame):
    """Quantity -> factor-unit multiplier per row: converted ÷ quantity, and for a zero
    quantity the multiplier of another row with the same unit and factor (NaN if none)."""
    import numpy as np
    import pandas as pd

    q = frame["quantity"].to_numpy(dtype=float, na_value=np.nan)
    conv = frame["converted_quantity"].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        m = np.where(q != 0, conv / q, np.nan)
    key = frame["unit_text"].astype(str) + "\x00" + frame["factor_id_used"].astype(str)
    known = pd.Series(m).groupby(key.to_numpy()).transform("first").to_numpy()
    return np.where(np.isnan(m), known, m)


def write_recalculation(wb, fmt, frame, factor_rows: dict[str, int]) -> RecalcSheets:
    """One row per activity row over as many sheets as Excel's row limit needs."""
    import numpy as np

    n = len(frame)
    conv = conversions(frame)
    cols = {c: frame[c].to_numpy() for c in ("_file", "cell", "status", "activity", "item",
                                             "site", "factor_id_used", "factor_unit",
                                             "unit_text", "market_basis")}
    ref = frame["reference"].to_numpy() if "reference" in frame else np.full(n, "")
    qty = frame["quantity"].to_numpy(dtype=float, na_value=np.nan)
    conv_q = frame["converted_quantity"].to_numpy(dtype=float, na_value=np.nan)
    tool = frame["co2e_kg"].to_numpy(dtype=float, na_value=np.nan)
    market = frame["co2e_market_kg"].to_numpy(dtype=float, na_value=np.nan)
    claimed = frame["claimed_kg"].to_numpy(dtype=float)
    scope = frame["scope"].to_numpy(dtype=float, na_value=np.nan)
    cat = frame["scope3_category"].to_numpy(dtype=float, na_value=np.nan)
    sheets = RecalcSheets([], [])
    for part, lo in enumerate(range(0, max(n, 1), MAX_ROWS)):
        name = "Recalculation" if part == 0 else f"Recalculation {part + 1}"
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, RECALC_COLUMNS, fmt["head"])
        ws.freeze_panes(1, 3)
        ws.set_column(1, 1, 30)
        ws.set_column(2, 2, 16)
        ws.set_column(12, 12, 40)
        hi = min(n, lo + MAX_ROWS)
        for i in range(lo, hi):
            r = i - lo + 1  # 0-based sheet row
            x = r + 1       # Excel row number
            ws.write_number(r, 0, i + 1)
            for c, v in ((1, cols["_file"][i]), (2, cols["cell"][i]), (3, cols["status"][i]),
                         (4, ref[i]), (5, cols["activity"][i]), (6, cols["item"][i]),
                         (7, cols["site"][i])):
                _text(ws, r, c, v, fmt)
            for c, v in ((8, scope[i]), (9, cat[i]), (10, qty[i])):
                if v == v:
                    ws.write_number(r, c, float(v))
            _text(ws, r, 11, cols["unit_text"][i], fmt)
            if str(cols["status"][i]) == "assessed":
                fid = str(cols["factor_id_used"][i])
                ws.write_string(r, 12, fid, fmt["text"])
                _text(ws, r, 13, cols["factor_unit"][i], fmt)
                if conv[i] == conv[i]:
                    ws.write_number(r, 14, float(conv[i]))
                ws.write_formula(r, 15, f"=K{x}*O{x}", None, float(conv_q[i]))
                ws.write_formula(r, 16, emissions_formula(x, factor_rows[fid]), None,
                                 float(tool[i]))
                ws.write_number(r, 17, float(tool[i]))
                ws.write_formula(r, 18, f"=Q{x}-R{x}", None, 0.0)
                if market[i] == market[i]:
                    ws.write_number(r, 19, float(market[i]))
                _text(ws, r, 20, cols["market_basis"][i], fmt)
                if claimed[i] == claimed[i]:
                    ws.write_number(r, 21, float(claimed[i]))
                    ws.write_formula(r, 22, f"=V{x}-Q{x}", None, float(claimed[i] - tool[i]))
            elif claimed[i] == claimed[i]:
                ws.write_number(r, 21, float(claimed[i]))
        sheets.names.append(name)
        sheets.last_rows.append(hi - lo + 1)
    return sheets


def _text(ws, r, c, v, fmt) -> None:
    if v is None:
        return
    s = str(v)
    if s and s not in ("nan", "<NA>"):
        ws.write_string(r, c, s, fmt["text"])
