"""Generate the sample CBAM imports workbook (samples/harbour_metals/imports_2026.xlsx).

Run `python samples/make_imports.py [--out FILE]`.  The output is byte-stable (fixed rows,
pinned workbook creation date), so a re-run only changes the file when this script changes.

The story: an EU importer (Rhein Fastening GmbH, fictional) buys Harbour Metals' hex bolts
(CN 7318 15 58) and aluminium profiles (CN 7604 29 10) made in Dongguan, China, with the
supplier's actual values (fictional sample figures standing in for the supplier's CBAM
communication), plus pig iron from Brazil and a little hydrogen from India on default values
(India's own row of the Annex I table).  The goods other than hydrogen total 56.2 t, above
the 50 t de minimis threshold.
Run `carbonaudit cbam imports samples/harbour_metals/imports_2026.xlsx --cscf ...` on it.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from carbonaudit.cbam.imports_columns import COLUMNS
from carbonaudit.outputs import atomic_workbook

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "harbour_metals" / "imports_2026.xlsx"
CREATED = dt.datetime(2026, 11, 1, 9, 0, 0)

SUPPLIER = "Harbour Metals (Dongguan) Co., Ltd"
NOTE_ACTUAL = "supplier's actual values (fictional sample figures)"

# date, cn_code, country, net_mass, supplier, route, see_direct, see_indirect, see_total,
# communication_file, carbon_price_paid, reference, description
ROWS: tuple[tuple[object, ...], ...] = (
    (dt.date(2026, 1, 20), "7318 15 58", "CN", 18.4, SUPPLIER, "", 2.10, 0.52, None, None,
     None, "MRN 26DE0000000000A1", f"Hex bolts M10; {NOTE_ACTUAL}"),
    ("2026-Q2", "7318 15 58", "CN", 16.2, SUPPLIER, "", 2.10, 0.52, None, None, None,
     "MRN 26DE0000000000B7", f"Hex bolts M12; {NOTE_ACTUAL}"),
    (dt.date(2026, 4, 15), "7604 29 10", "CN", 9.6, SUPPLIER, "", 1.85, 6.40, None, None,
     None, "MRN 26DE0000000000C3", f"Aluminium profiles 6063-T5; {NOTE_ACTUAL}"),
    (dt.date(2026, 9, 30), "7201 10 11", "BR", 12.0, "Gusa Minas (fictional)", "", None,
     None, None, None, None, "MRN 26DE0000000000D9", "Pig iron for the foundry; default value"),
    ("2026-Q3", "2804 10 00", "IN", 0.8, "Hydro Gas Pune (fictional)", "", None, None, None,
     None, None, "MRN 26DE0000000000E2",
     "Hydrogen cylinders for heat treatment; default value (India)"),
)


def write(path: Path = DEFAULT_OUT) -> Path:
    """Write the sample workbook to `path` (replacing it)."""
    path = Path(path)
    properties = {"title": "CBAM imports 2026 (sample)", "author": "carbonaudit samples",
                  "company": "Rhein Fastening GmbH (fictional)", "created": CREATED}
    with atomic_workbook(path, overwrite=True, properties=properties) as workbook:
        sheet = workbook.add_worksheet("Imports")
        bold = workbook.add_format({"bold": True})
        dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_row(0, 0, COLUMNS, bold)
        for r, values in enumerate(ROWS, start=1):
            _write_row(sheet, r, values, dates)
        sheet.set_column(0, len(COLUMNS) - 1, 16)
        sheet.set_column(len(COLUMNS) - 1, len(COLUMNS) - 1, 60)
    return path


def _write_row(sheet, row: int, values: tuple[object, ...], dates) -> None:
    for col, value in enumerate(values):
        if value is None:
            continue
        if isinstance(value, dt.date):
            sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), dates)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value)
        else:
            sheet.write_string(row, col, str(value))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    print(write(parser.parse_args().out))


if __name__ == "__main__":
    main()
