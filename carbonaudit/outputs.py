"""Write an assessment's files: results.csv, inventory.json, findings.json.

Writes are atomic (temporary file, then rename), never replace an input, never follow a
symbolic link at the target, and an OSError becomes one plain line (exit 3).  The three
files of a run land together, inventory.json last, naming the others' hashes.  Text that a
spreadsheet would run as a formula (= + - @ first) is neutralised in every text column of
the CSV, whichever file it came from.
Same inputs give byte-identical files: no timestamps, fixed column order, sorted findings.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from carbonaudit.errors import FileAccessError, UsageError, from_os_error
from carbonaudit.findings import Finding, sort_key

RESULT_COLUMNS = [
    ("_file", "source_file"), ("_sheet", "sheet"), ("_row", "row"), ("status", "status"),
    ("finding_codes", "finding_codes"), ("activity", "activity"), ("item", "item"),
    ("quantity_given", "quantity_as_given"), ("unit_text", "unit_as_given"),
    ("input_cell", "input_cell"), ("site", "site"),
    ("region", "region"), ("factor_sector", "sector"), ("period_start", "period_start"),
    ("period_end", "period_end"),
    ("reference", "reference"), ("factor_id_used", "factor_id"), ("factor_set", "factor_set"),
    ("factor_set_edition", "factor_set_edition"), ("factor_region", "factor_region"),
    ("factor_unit", "factor_unit"),
    # the factor's values, kg per factor_unit (co2e_unsplit: kg CO2e); x converted_quantity
    ("factor_co2_fossil", "factor_co2_fossil"), ("factor_co2_biogenic", "factor_co2_biogenic"),
    ("factor_ch4_fossil", "factor_ch4_fossil"), ("factor_ch4_nonfossil", "factor_ch4_nonfossil"),
    ("factor_n2o", "factor_n2o"), ("factor_other_gas_kg", "factor_other_gas"),
    ("factor_co2e_unsplit", "factor_co2e_unsplit"), ("factor_status", "factor_status"),
    ("conversion", "conversion"), ("properties_used", "properties_used"),
    ("converted_quantity", "converted_quantity"),
    ("co2_fossil_kg", "co2_fossil_kg"), ("co2_biogenic_kg", "co2_biogenic_kg"),
    ("ch4_fossil_kg", "ch4_fossil_kg"), ("ch4_nonfossil_kg", "ch4_nonfossil_kg"),
    ("n2o_kg", "n2o_kg"), ("other_gas", "other_gas"), ("other_gas_kg_kg", "other_gas_kg"),
    ("co2e_unsplit_kg", "co2e_unsplit_kg"), ("co2e_kg", "co2e_kg"),
    ("co2e_market_kg", "co2e_market_kg"), ("market_basis", "market_basis"),
    ("scope", "scope"), ("scope3_category", "scope3_category"),
    ("iso_category", "iso_category"), ("gwp_set", "gwp_set"),
]


def atomic_write(path: Path, data: bytes | None = None, protected: set[Path] = frozenset(),
                 writer=None) -> None:
    """Write bytes (or let `writer(tmp_path)` write) to path via a temporary file beside it.

    A symbolic link at path is replaced, never written through; an input (`protected`,
    resolved paths), a folder or a device is refused; an OSError (disk full, read-only
    folder) is a FileAccessError naming path (exit 3), and the temporary file is removed.
    """
    path = Path(path)
    check_target(path, protected)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:60]}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise from_os_error(exc, path, "write") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            if writer is None:
                fh.write(data)
        if writer is not None:
            writer(tmp)
        give_normal_permissions(tmp)
        os.replace(tmp, path)  # rename() replaces a link at path; it does not follow it
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise from_os_error(exc, path, "write") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_target(path: Path, protected: set[Path] = frozenset()) -> None:
    """Refuse to write path when it is an input (or a link to one: exit 2), a folder
    (exit 3) or not a regular file, e.g. /dev/null, which a rename would replace (exit 2).
    A symbolic link is fine: it is replaced, not followed."""
    path = Path(path)
    if path.resolve() in protected:
        raise UsageError(f"refusing to write over the input file {path}")
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:  # e.g. a part of the path is a file
        raise from_os_error(exc, path, "write") from None
    if stat.S_ISLNK(mode) or stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise FileAccessError(path, "it is a folder, not a file", "write")
    raise UsageError(f"refusing to write {path}: it is not a regular file (a device, pipe or "
                     "socket), and writing would replace it; choose a file name")


def check_out_dir(out_dir: Path) -> None:
    """Before any work: refuse an output folder that is a file, lies under a file, or may
    not be written (FileAccessError, exit 3).  A folder that does not exist yet is fine."""
    out_dir = Path(out_dir)
    probe = out_dir
    while True:
        try:
            mode = os.stat(probe).st_mode  # follows links: a link to a folder is a folder
        except FileNotFoundError:
            if probe.parent == probe:
                return
            probe = probe.parent
            continue
        except OSError as exc:
            raise from_os_error(exc, out_dir, "write to") from None
        if not stat.S_ISDIR(mode):
            reason = ("it is a file, not a folder" if probe == out_dir
                      else f"{probe} is a file, not a folder")
            raise FileAccessError(out_dir, reason, "write to")
        if not os.access(probe, os.W_OK | os.X_OK):  # read-only mounts say so for root too
            read_only = os.statvfs(probe).f_flag & os.ST_RDONLY
            where = "" if probe == out_dir else f" ({probe})"
            why = "the file system is read-only" if read_only else "permission denied"
            raise FileAccessError(out_dir, f"{why}{where}", "write to")
        return


def give_normal_permissions(path: str | Path) -> None:
    """mkstemp creates 0600 files; an output should be as readable as any file the user makes."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def write_csv(frame, path: str) -> None:
    """Arrow's CSV writer: about 10x pandas' to_csv, and floats in shortest round-trip form."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = pa.Table.from_pandas(frame, preserve_index=False)
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))


# What a spreadsheet may run as a formula when it opens a CSV or a cell is edited: = + - @,
# a tab or carriage return first (OWASP's list), and their full-width forms, which IMEs
# for Chinese and Japanese type.
FORMULA_START = "^(?:[=+\\-@\\t\\r]|＝|＋|－|＠)"  # literal characters: RE2 runs it 10x faster
_PLAIN_NUMBER = r"[+-]?\d[\d,.]*([eE][+-]?\d+)?"


def looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet could evaluate (a plain signed number is not)."""
    import re

    return bool(re.match(FORMULA_START, text)) and not re.fullmatch(_PLAIN_NUMBER, text)


def text_columns(frame) -> list[str]:
    """Every column of frame that holds text (str, object or categorical of text): all of
    them are neutralised, whatever their source (an activity sheet, a user factor file)."""
    import pandas as pd
    from pandas.api.types import infer_dtype

    out = []
    for name in frame.columns:
        col = frame[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            col = pd.Series(col.cat.categories)
        if isinstance(col.dtype, pd.StringDtype) or (col.dtype == object and infer_dtype(
                col, skipna=True) in ("string", "mixed", "mixed-integer", "empty")):
            out.append(name)
    return out


def neutralise(series):
    """Prefix a quote to text a spreadsheet would evaluate, leaving real numbers alone."""
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):  # check each distinct value once
        cats = neutralise(pd.Series(series.cat.categories, dtype=object))
        if cats.is_unique:
            return series.cat.rename_categories(list(cats))
        series = series.astype(object)
    s = series.astype(str)
    risky = s.str.match(FORMULA_START)
    if risky.any():  # rare: look closer only at those cells
        sub = s[risky]
        bad = sub[~sub.str.fullmatch(_PLAIN_NUMBER)]
        if len(bad):  # -3 and +1.5 are numbers as given, not formulas
            s = s.copy()
            s[bad.index] = "'" + bad
    return s


def results_frame(assessment):
    """The results table with the public column names, one row per input row."""
    import pandas as pd

    df = assessment.results
    df = df.assign(finding_codes=_codes_by_row(assessment.findings, df))
    out = pd.DataFrame({new: df[old] for old, new in RESULT_COLUMNS})
    for col in ("period_start", "period_end"):
        out[col] = out[col].astype("date32[pyarrow]")  # written as ISO dates by Arrow
    for col in text_columns(out):  # every text column, from every source
        out[col] = neutralise(out[col] if isinstance(out[col].dtype, pd.CategoricalDtype)
                              else out[col].fillna(""))
    return out


def _codes_by_row(findings: list[Finding], df):
    """Per row of df, 'code1;code2': every finding at one of its cells, and every row a
    grouped finding stands for (its `rows`), not only the first one it shows.

    Vectorised: a row's codes are a bit pattern, and only the distinct patterns (a handful)
    are turned into text.
    """
    import numpy as np
    import pandas as pd

    n = len(df)
    if not findings or not n:
        return np.full(n, "", dtype=object)
    # (file, sheet) as one small integer per row, from the columns' own codes
    f_code, f_names = pd.factorize(df["_file"])
    s_code, s_names = pd.factorize(df["_sheet"])
    table_code, pairs = pd.factorize(np.asarray(f_code, dtype=np.int64) * len(s_names) + s_code)
    tables = {(str(f_names[p // len(s_names)]), str(s_names[p % len(s_names)])): t
              for t, p in enumerate(pairs)}
    table_code = np.asarray(table_code, dtype=np.int64)
    sheet_row = df["_row"].to_numpy(dtype=np.int64)
    stride = int(sheet_row.max()) + 2
    position = pd.Index(table_code * stride + sheet_row)
    hits: dict[str, list] = {}
    for f in findings:
        loc = f.location
        t = tables.get((loc.file, loc.sheet))
        rows = marked_rows(f) if t is not None else None
        if rows is None:
            continue
        rows = rows[(rows >= 0) & (rows < stride)]
        hits.setdefault(f.code, []).append(t * stride + rows)
    if not hits:
        return np.full(n, "", dtype=object)
    codes = sorted(hits)
    bits = np.zeros((n, (len(codes) + 62) // 63), dtype=np.int64)
    for k, code in enumerate(codes):
        at = position.get_indexer(np.concatenate(hits[code]))
        bits[at[at >= 0], k // 63] |= np.int64(1) << (k % 63)
    if bits.shape[1] == 1:  # up to 63 codes, the usual case: a fast 1-D factorize
        inverse, first = pd.factorize(bits[:, 0])
        patterns = first.reshape(-1, 1)
    else:
        patterns, inverse = np.unique(bits, axis=0, return_inverse=True)
    texts = np.array([";".join(c for k, c in enumerate(codes)
                               if pattern[k // 63] >> (k % 63) & 1) for pattern in patterns],
                     dtype=object)
    return texts[inverse.reshape(-1)]


def findings_document(findings: list[Finding]) -> dict:
    from carbonaudit import __version__
    from carbonaudit.findings import count_by_severity

    ordered = sorted(findings, key=sort_key)
    return {"tool_version": __version__, "counts": count_by_severity(ordered),
            "findings": [f.to_dict() for f in ordered]}


def dumps(doc: dict) -> bytes:
    """The document as carbonaudit writes JSON: UTF-8, indented, no NaN.  A lone surrogate
    (a file name that is not UTF-8) is written as its JSON escape, so encoding never fails."""
    from carbonaudit.jsonio import printable

    text = json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False)
    return (printable(text) + "\n").encode("utf-8")


OUTPUT_NAMES = {"results": "results.csv", "findings": "findings.json",
                "inventory": "inventory.json"}
_STAGE_PREFIX = ".carbonaudit-run-"


def write_assessment(assessment, document: dict, out_dir: Path) -> dict[str, Path]:
    """Write results.csv, findings.json and inventory.json as one set; their paths by name.

    See `write_output_set`: a failed run leaves the previous set as it was.
    """
    def results(path: Path) -> tuple[str, int]:
        frame = results_frame(assessment)
        write_csv(frame, str(path))
        return "results_csv", len(frame)

    return write_output_set(assessment, document, out_dir, OUTPUT_NAMES, results)


def write_output_set(assessment, document: dict, out_dir: Path, names: dict[str, str],
                     write_results) -> dict[str, Path]:
    """Write the results file (by `write_results(path) -> (outputs key, rows)`), findings.json
    and inventory.json as one set; their paths by name.

    The three are written into a temporary folder inside out_dir and renamed into place only
    once all are complete, inventory.json last.  document["outputs"] (set here) records the
    results file's SHA-256 and row count and findings.json's SHA-256, so `report` can tell a
    file of another run.  A failed run leaves the previous set as it was and no temporary
    file behind; a symbolic link in place of an output is replaced, not followed.
    """
    out_dir = Path(out_dir)
    protected = {Path(s.path).resolve() for s in assessment.sources}
    paths = {key: out_dir / name for key, name in names.items()}
    check_out_dir(out_dir)
    for path in paths.values():
        check_target(path, protected)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=_STAGE_PREFIX, dir=out_dir))
    except OSError as exc:
        raise from_os_error(exc, out_dir, "write to") from None
    staged = {key: stage / name for key, name in names.items()}
    try:
        key, rows = write_results(staged["results"])
        findings = dumps(findings_document(assessment.findings))
        staged["findings"].write_bytes(findings)
        document["outputs"] = {
            key: {"sha256": file_sha256(staged["results"]), "rows": rows},
            "findings_json": {"sha256": hashlib.sha256(findings).hexdigest()}}
        staged["inventory"].write_bytes(dumps(document))
        for key in ("results", "findings", "inventory"):  # the inventory names the others
            give_normal_permissions(staged[key])
            os.replace(staged[key], paths[key])
    except OSError as exc:
        raise from_os_error(exc, out_dir, "write to") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return paths


def marked_rows(finding):
    """The sheet rows (as a person numbers them) a finding marks in results: every row a
    grouped finding lists, else its cell's row; None when it points at no row of a sheet."""
    import numpy as np

    loc = finding.location
    if not loc.cell or not loc.sheet:
        return None
    rows = getattr(finding, "rows", None)
    if rows is not None and len(rows):
        return np.asarray(rows, dtype=np.int64)
    digits = "".join(ch for ch in loc.cell if ch.isdigit())
    return np.array([int(digits)], dtype=np.int64) if digits else None


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@contextlib.contextmanager
def atomic_workbook(path: Path, *, overwrite: bool = False,
                    properties: dict | None = None) -> Iterator[object]:
    """Yield an xlsxwriter Workbook that appears at `path` only once it is complete.

    Refuses to replace an existing file unless `overwrite` is true, so an input someone
    already filled in is never lost to a re-run.
    """
    import xlsxwriter  # deferred: keeps `carbonaudit --help` free of heavy imports

    path = Path(path)
    if path.exists() and not overwrite:
        raise UsageError(f"{path} already exists; choose another name or allow overwriting")
    if not path.parent.is_dir():
        raise UsageError(f"folder {path.parent} does not exist")
    check_target(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem[:60]}-", suffix=".xlsx",
                                        dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise from_os_error(exc, path, "write") from None
    try:
        workbook = xlsxwriter.Workbook(tmp_name)
        if properties:
            workbook.set_properties(properties)
        yield workbook
        try:
            workbook.close()
            give_normal_permissions(tmp_name)
            os.replace(tmp_name, path)  # a link at path is replaced, not written through
        except OSError as exc:
            raise from_os_error(exc, path, "write") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
