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
BLOCK = 50_000  # rows generated at a time
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


def factor_terms(factor_row: int) -> str:
    """The bracket of the kg CO2e formula: per-unit gas values on the factor's row of the
    Factors sheet, times the GWPs in its top block."""
    f = lambda name: f"Factors!${_F[name]}${factor_row}"  # noqa: E731
    g = lambda key: f"Factors!$B${GWP_ROWS[key]}"  # noqa: E731
    return (f"({f('co2_fossil')}+{f('ch4_fossil')}*{g('ch4_fossil')}"
            f"+{f('ch4_nonfossil')}*{g('ch4_nonfossil')}+{f('n2o')}*{g('n2o')}"
            f"+{f('other_gas_kg')}*{f('gwp_other_gas')}*{f('other_gas_counted')}"
            f"+{f('co2e_unsplit')})")


def emissions_formula(r: int, factor_row: int) -> str:
    """The kg CO2e formula of Recalculation row r (Excel row) on its factor's row."""
    return f"={COL['converted_quantity']}{r}*{factor_terms(factor_row)}"


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


def formula_cells(letter: str, formulas: list, cached: list, first_row: int) -> list[str]:
    """One `<c>` per formula with its cached result (None: an empty cell)."""
    return [f'<c r="{letter}{r}"><f>{f}</f><v>{v!r}</v></c>' if f is not None else ""
            for r, (f, v) in enumerate(zip(formulas, cached, strict=True), first_row)]


def write_recalculation(wb, fmt, frame, factor_rows: dict[str, int]):
    """Lay out the Recalculation sheet(s) with xlsxwriter; returns their layout and one
    splice step per sheet that writes its rows into the saved package.

    xlsxwriter costs about 30 us a cell here (and 140 us a formula, for its function-name
    rewrites), 2 minutes for 200,000 rows; the rows are generated as SpreadsheetML column
    by column instead (`reports.sheetxml`), each distinct text escaped once.
    """
    import numpy as np

    from carbonaudit.reports.sheetxml import number_cells, row_chunks, splice_rows, text_cells

    n = len(frame)
    conv = conversions(frame)
    text = {c: _strings(frame[c]) for c in ("_file", "cell", "status", "reference", "activity",
                                            "item", "site", "unit_text", "factor_id_used",
                                            "factor_unit", "market_basis") if c in frame}
    num = {c: frame[c].to_numpy(dtype=float, na_value=np.nan) for c in (
        "scope", "scope3_category", "quantity", "converted_quantity", "co2e_kg",
        "co2e_market_kg")}
    claimed = frame["claimed_kg"].to_numpy(dtype=float)
    ok = text["status"] == "assessed"
    fids = np.where(ok, text["factor_id_used"], "")
    frow = np.array([factor_rows.get(f, 0) for f in fids], dtype=np.int64)
    terms = {fr: factor_terms(fr) for fr in factor_rows.values()}  # a few hundred at most

    def _block(sl: slice, first: int):
        """The `<row>` text of frame rows `sl`, the first on Excel row `first`."""
        m = sl.stop - sl.start
        x = np.arange(m) + first  # Excel rows
        keep = ok[sl]

        def assessed(values):
            return np.where(keep, values, np.nan).tolist()

        def t(column):
            return [v if k else "" for v, k in zip(text[column][sl], keep, strict=True)]

        conv_f = [f"K{r}*O{r}" if k else None for r, k in zip(x, keep, strict=True)]
        p = COL["converted_quantity"]
        emis_f = [f"{p}{r}*{terms[fr]}" if k else None
                  for r, fr, k in zip(x, frow[sl], keep, strict=True)]
        diff_f = [f"Q{r}-R{r}" if k else None for r, k in zip(x, keep, strict=True)]
        has_claim = keep & ~np.isnan(claimed[sl])
        claim_f = [f"V{r}-Q{r}" if k else None for r, k in zip(x, has_claim, strict=True)]
        tool = num["co2e_kg"][sl]
        ref = text["reference"][sl].tolist() if "reference" in text else [""] * m
        cols = [
            number_cells("A", (np.arange(sl.start, sl.stop) + 1).tolist(), first, 0),
            text_cells("B", text["_file"][sl].tolist(), first),
            text_cells("C", text["cell"][sl].tolist(), first),
            text_cells("D", text["status"][sl].tolist(), first),
            text_cells("E", ref, first),
            text_cells("F", text["activity"][sl].tolist(), first),
            text_cells("G", text["item"][sl].tolist(), first),
            text_cells("H", text["site"][sl].tolist(), first),
            number_cells("I", num["scope"][sl].tolist(), first, 0),
            number_cells("J", num["scope3_category"][sl].tolist(), first, 0),
            number_cells("K", num["quantity"][sl].tolist(), first, 0),
            text_cells("L", text["unit_text"][sl].tolist(), first),
            text_cells("M", t("factor_id_used"), first),
            text_cells("N", t("factor_unit"), first),
            number_cells("O", assessed(conv[sl]), first, 0),
            formula_cells("P", conv_f, num["converted_quantity"][sl].tolist(), first),
            formula_cells("Q", emis_f, tool.tolist(), first),
            number_cells("R", assessed(tool), first, 0),
            formula_cells("S", diff_f, [0.0] * m, first),
            number_cells("T", assessed(num["co2e_market_kg"][sl]), first, 0),
            text_cells("U", t("market_basis"), first),
            number_cells("V", claimed[sl].tolist(), first, 0),
            formula_cells("W", claim_f, (claimed[sl] - tool).tolist(), first),
        ]
        return row_chunks(cols, first)

    sheets = RecalcSheets([], [])
    splices = []
    for part, lo in enumerate(range(0, max(n, 1), MAX_ROWS)):
        name = "Recalculation" if part == 0 else f"Recalculation {part + 1}"
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, RECALC_COLUMNS, fmt["head"])
        ws.freeze_panes(1, 3)
        for c, width in ((1, 30), (2, 16), (4, 22), (12, 40), (20, 24)):
            ws.set_column(c, c, width)
        hi = min(n, lo + MAX_ROWS)
        sheets.names.append(name)
        sheets.last_rows.append(hi - lo + 1)
        index = ws.index + 1

        def cells(lo=lo, hi=hi):
            # Blocks of rows, so a million-row sheet never holds all its cell text at once.
            for b in range(lo, hi, BLOCK):
                yield from _block(slice(b, min(b + BLOCK, hi)), b - lo + 2)

        last = f"{COL[RECALC_COLUMNS[-1]]}{hi - lo + 1}"
        splices.append(lambda package, out, index=index, cells=cells, last=last:
                       splice_rows(package, index, cells(), last, out))
    return sheets, splices


def _strings(series):
    """A column as a numpy array of str ('' for missing), whatever its dtype."""
    values = series.astype(object)
    return values.where(values.notna(), "").astype(str).to_numpy(dtype=object)
