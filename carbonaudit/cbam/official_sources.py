"""The official template's emission sources (B_EmInst) and data quality (C_Emissions&Energy).

Source streams, PFC and CEMS rows.

Part of the v2.1.1 reader (`official.read_official` calls these); addresses from
`template_layout`.
"""

from __future__ import annotations

from carbonaudit.cbam.cells import Cells
from carbonaudit.cbam.model import CemsSource, DataQuality, PfcSource, SourceStream, Where
from carbonaudit.cbam.template_layout import (
    AD_UNITS,
    CEMS_COLS,
    CEMS_ROWS,
    DATA_QUALITY,
    DQ_CELLS,
    EF_UNITS,
    JUSTIFICATIONS,
    METHOD_SPELLING,
    PFC_COLS,
    PFC_ROWS,
    PFC_SPELLING,
    QUALITY_ASSURANCE,
    STREAM_COLS,
    STREAM_ROWS,
)


def read_streams(cells: Cells) -> list[SourceStream]:
    kinds = {"method": (METHOD_SPELLING, "method"), "ad_unit": (AD_UNITS, "AD unit"),
             "ef_unit": (EF_UNITS, "EF unit"), "name": None}
    return [SourceStream(id=f"SS{row - 16}", where=where, **values)
            for row, where, values in _read_rows(cells, STREAM_ROWS, STREAM_COLS, kinds, "E")]


def read_pfc(cells: Cells) -> list[PfcSource]:
    kinds = {"method": (PFC_SPELLING, "PFC method"), "technology": None}
    return [PfcSource(id=f"PFC{row - 97}", where=where, **values)
            for row, where, values in _read_rows(cells, PFC_ROWS, PFC_COLS, kinds, "D")]


def read_cems(cells: Cells) -> list[CemsSource]:
    kinds = {"gas": (("CO2", "N2O"), "greenhouse gas"), "name": None}
    return [CemsSource(id=f"CEMS{row - 112}", where=where, **values)
            for row, where, values in _read_rows(cells, CEMS_ROWS, CEMS_COLS, kinds, "D")]


def _read_rows(cells: Cells, rows, cols: dict[str, str], kinds: dict, row_col: str):
    """Yield (row, Where, values) for each non-blank B_EmInst row.

    `kinds` maps a field to None (free text) or (allowed spellings, label) for a drop-down;
    any other field is a number.
    """
    sheet = "B_EmInst"
    for row in rows:
        if all(cells.blank(sheet, f"{c}{row}") for c in cols.values()):
            continue
        where = Where(row=cells.loc(sheet, f"{row_col}{row}"),
                      fields={k: cells.loc(sheet, f"{c}{row}") for k, c in cols.items()})
        values = {}
        for name, col in cols.items():
            ref = f"{col}{row}"
            if name not in kinds:
                values[name] = cells.number(sheet, ref)
            elif kinds[name] is None:
                values[name] = cells.text(sheet, ref)
            else:
                values[name] = cells.choice(sheet, ref, *kinds[name])
        yield row, where, values


def read_data_quality(cells: Cells) -> DataQuality:
    sheet = "C_Emissions&Energy"
    dq = DataQuality()
    lists = {"general": DATA_QUALITY, "default_justification": JUSTIFICATIONS,
             "quality_assurance": QUALITY_ASSURANCE}
    for name, ref in DQ_CELLS.items():
        dq.where.fields[name] = cells.loc(sheet, ref)
        if name == "indirect_total":
            dq.indirect_total = cells.number(sheet, ref)
        else:
            setattr(dq, name, cells.choice(sheet, ref, lists[name], name.replace("_", " ")))
    dq.where.row = cells.loc(sheet, "H40")
    return dq
