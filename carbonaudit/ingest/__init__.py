"""Files in: activity tables from .xlsx and .csv, with every cell traceable to its place.

The room for reading what users hand us, and nothing further down the pipeline:

* `reader` — `read_activity_files`, the entry point: dispatch by file kind;
* `xlsx_safety` — refuse hostile or unreadable workbooks before any parser sees them, with
  `xlsx_limits` — the memory a sheet would take, measured before it is built;
* `xlsx`, `csv_text` — one reader per file kind; `encodings` — a CSV's text encoding;
  `merged` — merged cells read as the sheet shows them;
* `header` — finding the header row; `columns` — header spellings (English and Chinese);
* `tables` — `SourceFile`, `Table` and building a table from raw cells;
* `numbers` — parsing the values themselves (numbers, dates, units).

Layout problems become findings (`empty-file`, `empty-sheet`, `no-header-row`,
`sheet-skipped`, `sheet-not-read`, `multiple-header-rows`, `duplicate-column`,
`unknown-column`, `unlabelled-cells`, `formula-without-value`, `merged-cells-filled`);
files that cannot be read at all raise `InputUnreadable`.
"""
