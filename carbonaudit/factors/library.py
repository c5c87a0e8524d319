"""Load factor sets (shipped and user-supplied) into one table, with per-set hashes.

User factor files have the same columns as the shipped CSVs; each row is checked and bad
rows become findings at their cell.  A user factor overrides a shipped factor with the
same id, and user factors rank before shipped ones when both match an activity row.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from carbonaudit.errors import InputUnreadable, UsageError
from carbonaudit.factors.heating import GCV, NCV, heating_basis
from carbonaudit.findings import Finding, Location, column_letter, error, info, warning

FACTOR_COLUMNS = (
    "id", "activity", "item", "region", "sector", "valid_from", "valid_to", "vintage", "unit",
    "co2_fossil", "co2_biogenic", "ch4_fossil", "ch4_nonfossil", "n2o", "other_gas",
    "other_gas_kg", "co2e_unsplit", "co2e_unsplit_gwp", "basis", "scope", "scope3_category",
    "source", "edition", "licence", "status", "notes",
)
GAS_COLUMNS = (
    "co2_fossil", "co2_biogenic", "ch4_fossil", "ch4_nonfossil", "n2o", "other_gas_kg",
    "co2e_unsplit",
)
REQUIRED_USER_COLUMNS = ("id", "activity", "item", "unit", "source")
STATUSES = ("verified", "derived", "unverified")
PROPERTY_COLUMNS = ("id", "item", "property", "value", "unit", "basis", "source", "licence",
                    "status", "notes")


@dataclass(frozen=True)
class FactorSet:
    name: str
    kind: str
    file: str
    sha256: str
    title: str = ""
    publisher: str = ""
    edition: str = ""
    licence: str = ""
    description: str = ""
    user: bool = False

    def to_dict(self) -> dict:
        return {
            "name": self.name, "kind": self.kind, "title": self.title,
            "publisher": self.publisher, "edition": self.edition, "licence": self.licence,
            "sha256": self.sha256, "user": self.user, "file": self.file,
        }


@dataclass
class FactorLibrary:
    """All factors as one DataFrame plus fuel properties and set metadata."""

    factors: object  # pandas.DataFrame: FACTOR_COLUMNS + set, set_edition, rank, unit_expr
    properties: object  # pandas.DataFrame: PROPERTY_COLUMNS + unit_expr
    sets: list[FactorSet] = field(default_factory=list)

    def get(self, factor_id: str) -> dict | None:
        """Every field of one factor, or None."""
        hits = self.factors[self.factors["id"] == factor_id]
        return None if hits.empty else hits.iloc[0].to_dict()

    def get_property(self, property_id: str) -> dict | None:
        """Every field of one fuel property (density, heating value, NCV/GCV ratio), or None."""
        props = self.properties
        if not len(props):
            return None
        hits = props[props["id"] == property_id]
        return None if hits.empty else hits.iloc[0].to_dict()

    def search(self, text: str | None = None, set_name: str | None = None):
        df = self.factors
        if set_name:
            df = df[df["set"] == set_name]
        if text:
            needle = text.lower()
            hay = (df["id"] + " " + df["activity"] + " " + df["item"] + " " + df["region"]
                   + " " + df["source"]).str.lower()
            df = df[hay.str.contains(needle, regex=False)]
        return df


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def shipped_sets_meta() -> list[dict]:
    path = files("carbonaudit").joinpath("factors/sets.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _read_shipped_csv(rel: str):
    import io

    import pandas as pd

    data = files("carbonaudit").joinpath(f"factors/{rel}").read_bytes()
    df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    return df, _sha256(data)


def load_library(
    set_names: list[str] | tuple[str, ...] | None = None,
    user_files: list[Path] | tuple[Path, ...] = (),
) -> tuple[FactorLibrary, list[Finding]]:
    """Load the shipped sets (all, or those named) and any user factor files."""
    import pandas as pd

    meta = shipped_sets_meta()
    known = {m["name"] for m in meta if m.get("kind", "factors") == "factors"}
    if set_names:
        unknown = sorted(set(set_names) - known)
        if unknown:
            raise UsageError(
                f"unknown factor set(s) {', '.join(unknown)}; available: {', '.join(sorted(known))}"
            )
    findings: list[Finding] = []
    frames = []
    sets: list[FactorSet] = []
    properties = pd.DataFrame(columns=list(PROPERTY_COLUMNS))
    for m in meta:
        kind = m.get("kind", "factors")
        if kind == "factors" and set_names and m["name"] not in set_names:
            continue
        df, digest = _read_shipped_csv(m["file"])
        sets.append(FactorSet(
            name=m["name"], kind=kind, file=m["file"], sha256=digest,
            title=m.get("title", ""), publisher=m.get("publisher", ""),
            edition=m.get("edition", ""), licence=m.get("licence", ""),
            description=m.get("description", ""),
        ))
        if kind == "factors":
            df["set"] = m["name"]
            df["set_edition"] = m.get("edition", "")
            df["rank"] = 1
            frames.append(df)
        elif kind == "properties":  # several property files add up (fuel, Chinese gases)
            df["set"] = m["name"]  # so a property id traced from results.csv names its file
            properties = pd.concat([properties, df], ignore_index=True) if len(properties) else df
    for path in user_files:
        df, fset, found = read_user_factors(Path(path))
        findings.extend(found)
        sets.append(fset)
        frames.append(df)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=[*FACTOR_COLUMNS, "set", "set_edition", "rank"])
    files = {s.name: s.file for s in sets if s.user}
    table = _apply_overrides(table, findings, files)
    return FactorLibrary(_typed(table), _typed_properties(properties), sets), findings


def _apply_overrides(table, findings: list[Finding], files: dict[str, str]):
    """A user factor replaces the shipped one with the same id (user rows have rank 0)."""
    table = table.sort_values(["id", "rank"], kind="stable")
    winner = table.drop_duplicates("id", keep="first").set_index("id")["set"]
    dup = table.duplicated("id", keep="first")
    for fid in table.loc[dup & (table["rank"] == 1), "id"]:
        findings.append(info(
            "factor-overridden",
            f"Your factor file replaces the shipped factor {fid}.",
            Location(file=files.get(winner[fid])),
        ))
    return table[~dup].sort_values(["rank", "set", "id"], kind="stable").reset_index(drop=True)


def _typed(table):
    import pandas as pd

    from carbonaudit.factors.units import normalise_unit

    for col in GAS_COLUMNS:
        table[col] = pd.to_numeric(table[col].replace("", None), errors="coerce").fillna(0.0)
    for col in ("valid_from", "valid_to"):
        table[col] = pd.to_datetime(table[col].replace("", None), errors="coerce")
    table["vintage"] = pd.to_numeric(table["vintage"].replace("", None), errors="coerce")
    # A factor without a region applies everywhere, as the shipped GLOBAL factors do.
    region = table["region"].fillna("").str.strip().str.upper()
    table["region"] = region.where(region.ne(""), "GLOBAL")
    table["unit_expr"] = table["unit"].map(lambda u: normalise_unit(u) or "")
    table["basis"] = table["basis"].map(heating_basis)  # HHV/gross -> GCV, LHV/net -> NCV
    return table


def _typed_properties(props):
    import pandas as pd

    props = props.copy()
    if props.empty:
        props["value_f"] = pd.Series(dtype=float)
        props["unit_expr"] = pd.Series(dtype=str)
        return props
    props["value_f"] = pd.to_numeric(props["value"], errors="coerce")
    props["basis"] = props["basis"].map(heating_basis)
    props["unit_expr"] = props["unit"].map(_property_unit_expr)
    return props


def _property_unit_expr(text: str) -> str:
    """`GJ/t`, `kg/L`, `MJ/Nm3` -> pint expressions via the closed unit vocabulary."""
    from carbonaudit.factors.units import normalise_unit

    num, _, den = str(text).partition("/")
    n, d = normalise_unit(num), normalise_unit(den)
    return f"({n}) / ({d})" if n and d else ""


# ---------------------------------------------------------------- user factor files

def read_user_factors(path: Path) -> tuple[object, FactorSet, list[Finding]]:
    """Read and check a user factor file (csv or xlsx); bad rows become findings."""
    import pandas as pd

    if not path.is_file():
        raise InputUnreadable(str(path), "factor file not found")
    data = path.read_bytes()
    sheet = path.name
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from carbonaudit.ingest.xlsx_safety import check_workbook

        check_workbook(path)
        raw, sheet = _read_xlsx_rows(path)
    elif path.suffix.lower() in (".csv", ".txt"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputUnreadable(str(path), "factor CSV files must be UTF-8") from None
        import csv
        import io

        raw = list(csv.reader(io.StringIO(text)))
    else:
        raise InputUnreadable(str(path), "factor files must be .csv or .xlsx")
    fset = FactorSet(name=f"user:{path.name}", kind="factors", file=str(path),
                     sha256=_sha256(data), title=f"User factors from {path.name}",
                     edition="user", licence="as stated per row", user=True)
    df, findings = check_user_rows(raw, str(path), sheet)
    df["set"] = fset.name
    df["set_edition"] = "user"
    df["rank"] = 0
    return pd.DataFrame(df), fset, findings


def _read_xlsx_rows(path: Path) -> tuple[list[list], str]:
    import python_calamine

    try:
        wb = python_calamine.load_workbook(str(path))
        name = wb.sheet_names[0]
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several unrelated types for bad files
        raise InputUnreadable(str(path), f"cannot read workbook ({exc})") from None
    return [["" if v is None else v for v in row] for row in rows], name


def check_user_rows(raw: list[list], file: str, sheet: str):
    """Check a user factor table given as rows of cells (row 1 = header)."""
    import pandas as pd

    from carbonaudit.factors.units import normalise_unit
    from carbonaudit.factors.vocab import ACTIVITIES

    findings: list[Finding] = []
    if not raw:
        findings.append(error("empty-file", "The factor file is empty.",
                              Location(file, sheet, "A1")))
        return pd.DataFrame(columns=list(FACTOR_COLUMNS)), findings
    header = [str(h).strip().lower() for h in raw[0]]
    col_of = {name: i for i, name in enumerate(header) if name}
    missing = [c for c in REQUIRED_USER_COLUMNS if c not in col_of]
    if missing:
        findings.append(error(
            "missing-column",
            f"The factor file has no {', '.join(missing)} column; add it to the header row.",
            Location(file, sheet, "A1"),
        ))
        return pd.DataFrame(columns=list(FACTOR_COLUMNS)), findings
    good: list[dict] = []
    seen: dict[str, int] = {}
    for r, cells in enumerate(raw[1:], start=2):
        def cell(name: str, cells=cells) -> str:
            i = col_of.get(name)
            v = cells[i] if i is not None and i < len(cells) else ""
            return "" if v is None else str(v).strip()

        def loc(name: str, r=r) -> Location:
            return Location(file, sheet, f"{column_letter(col_of.get(name, 0))}{r}")

        row = {c: cell(c) for c in FACTOR_COLUMNS}
        if not any(row.values()):
            continue
        problems = _user_row_problems(row, loc, seen, r, ACTIVITIES, normalise_unit)
        findings.extend(problems)
        if any(p.severity == "error" for p in problems):
            continue
        if not row["status"]:
            row["status"] = "unverified"
            findings.append(info("factor-status-assumed",
                                 f"Factor {row['id']} has no status; it is treated as unverified.",
                                 loc("id")))
        seen[row["id"]] = r
        good.append(row)
    return pd.DataFrame(good, columns=list(FACTOR_COLUMNS)), findings


def _user_row_problems(row, loc, seen, r, activities, normalise_unit) -> list[Finding]:
    out: list[Finding] = []
    if not row["id"]:
        out.append(error("missing-value", "This factor has no id.", loc("id")))
    elif row["id"] in seen:
        out.append(error("duplicate-factor-id",
                         f"Factor id {row['id']} is already used on row {seen[row['id']]}.",
                         loc("id")))
    if row["activity"] not in activities:
        out.append(error("unknown-activity",
                         f"Activity {row['activity']!r} is not in the vocabulary.",
                         loc("activity")))
    if not row["item"]:
        out.append(error("missing-value", "This factor has no item.", loc("item")))
    if normalise_unit(row["unit"]) is None:
        out.append(error("unknown-unit", f"Unit {row['unit']!r} is not an accepted unit.",
                         loc("unit")))
    if not row["source"]:
        out.append(error("missing-source",
                         "This factor has no source; name the publisher and document.",
                         loc("source")))
    if row["basis"] and heating_basis(row["basis"]) not in (NCV, GCV):
        out.append(error("bad-basis", f"Basis {row['basis']!r} must be NCV (net, LHV) or GCV "
                         "(gross, HHV), or empty for a factor not per unit of energy.",
                         loc("basis")))
    if row["status"] and row["status"] not in STATUSES:
        out.append(error("bad-status",
                         f"Status must be one of {', '.join(STATUSES)}.", loc("status")))
    any_gas = False
    for col in GAS_COLUMNS:
        if row[col]:
            try:
                value = float(row[col])
            except ValueError:
                out.append(error("not-a-number", f"{col} must be a number.", loc(col)))
                continue
            # float() reads 'nan', 'inf' and '1e309' without complaint; none is a factor.
            if value != value:
                out.append(error("not-a-number", f"{col} is {row[col]!r}, not a number; "
                                 "write the factor value, or leave the cell empty.", loc(col)))
                continue
            if math.isinf(value):
                out.append(error("number-out-of-range", f"{col} {row[col]!r} is too large to "
                                 "be a factor value; check the cell.", loc(col)))
                continue
            if value < 0:
                out.append(warning("negative-factor", f"{col} is negative.", loc(col)))
            any_gas = any_gas or value != 0
    if not any_gas and not out:
        out.append(error("empty-factor",
                         "This factor gives no gas amount; fill at least one gas column.",
                         loc("co2_fossil")))
    if row["other_gas_kg"] and not row["other_gas"]:
        out.append(error("missing-value", "other_gas_kg needs the gas name in other_gas.",
                         loc("other_gas")))
    if row["vintage"] and not _is_year(row["vintage"]):
        out.append(error("not-a-year", f"vintage {row['vintage']!r} must be a year such as "
                         "2024.", loc("vintage")))
    for col in ("valid_from", "valid_to"):
        if row[col]:
            import datetime as dt

            try:
                dt.date.fromisoformat(row[col][:10])
            except ValueError:
                out.append(error("not-a-date", f"{col} must be a date like 2025-01-01.",
                                 loc(col)))
    return out


def _is_year(text: str) -> bool:
    """'2024' or '2024.0' (a number cell of a workbook) is a year; 'inf', 'nan', '24.5' not."""
    try:
        value = float(text)
    except ValueError:
        return False
    return value.is_integer() and 1900 <= value <= 2100
