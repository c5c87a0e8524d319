"""An EU importer's CBAM position for a year: de minimis, emissions, FAA, certificates, cost.

`imports_reader.read_imports` reads an imports workbook or CSV (one row per import line; format
on the Instructions sheet of `imports_template.write_imports_template`) and checks every cell;
`assess_imports` then works out, for one calendar year (definitive period, 2026 on):

* the 50-tonne de minimis test (Art. 2a and Annex VII of Reg. (EU) 2023/956 as amended by Reg.
  (EU) 2025/2083): cumulative net mass of all goods except hydrogen (2804 10 00) and
  electricity (2716 00 00), which are never exempt; <= 50 t exempts the year, > 50 t puts the
  WHOLE year in scope; above 90 % (45 t) a warning;
* per line, in `imports_certificates`: embedded emissions (the supplier's actual SEE counted by
  the definitive rule, or the default value with the year's published mark-up), the free
  allocation adjustment from the IR (EU) 2025/2620 benchmark of the line's good and route
  (Column B with default values, Column A with actual values; the CSCF is never invented:
  without it FAA is "not computed", never zero), the certificates = max(0, embedded - FAA)
  and, with a certificate price, the cost in EUR less the carbon price paid where Art. 9
  allows its deduction.

The lines are handled as columns (numpy), each distinct CN code, origin and route looked up
once, so a million lines take seconds.  Nothing prints; results are plain data
(`imports_results`) with `to_dict()`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from carbonaudit.cbam import reference
from carbonaudit.cbam.benchmarks import cbam_factor_pct
from carbonaudit.cbam.defaults import DefaultsTable, load_defaults
from carbonaudit.cbam.imports_certificates import certificates
from carbonaudit.cbam.imports_reader import ImportsData, empty_table
from carbonaudit.cbam.imports_results import (
    DE_MINIMIS_T,
    DE_MINIMIS_WARN_T,
    LINE_RESULT_FIELDS,
    NEVER_EXEMPT,
    DeMinimis,
    ImportsResult,
    group_results,
    totals_of,
)
from carbonaudit.cbam.row_findings import RowFindings
from carbonaudit.errors import InputUnreadable, UsageError
from carbonaudit.findings import Finding, Location, info, sort_key, warning

FIRST_DEFINITIVE_YEAR = 2026
_MASS_DECIMALS = 6                  # 1 g: sums are rounded here before the threshold test


def assess_imports(data: ImportsData, year: int | None = None,
                   defaults_table: DefaultsTable | None = None, cscf: float | None = None,
                   *, price: float | Mapping[str, float] | None = None,
                   read_findings: Iterable[Finding] = ()) -> ImportsResult:
    """The importer's position for `year` (None: the one year present in the data).

    `price` is the CBAM certificate price in EUR: one number for every line, or one per
    quarter of import ({"2026-Q1": 75.36, ...}; 2026 imports are priced at the quarter's
    average, IR (EU) 2025/2548).  Without it no cost is computed.
    """
    read_findings = list(read_findings)
    year = _choose_year(data, year, read_findings)
    if cscf is not None and not 0 < cscf <= 1:
        raise UsageError(f"the CSCF must be a fraction between 0 and 1 (for example 0.9), "
                         f"not {cscf}")
    prices = _prices(price, year)
    table = defaults_table or load_defaults()
    run = _Assessment(data, year, table, cscf, prices)
    frame = run.run()
    findings = sorted([*read_findings, *run.findings], key=sort_key)
    return ImportsResult(
        year=year, source=data.to_dict(), cscf=cscf, cbam_factor_pct=run.factor_pct,
        defaults_source=table.source, de_minimis=run.de_minimis, table=frame,
        groups=group_results(frame),
        totals=totals_of(frame, prices is not None) | {"de_minimis_exempt":
                                                       run.de_minimis.exempt},
        findings=findings, price=prices)


def parse_price_options(values: Iterable[str] | None) -> float | dict[str, float] | None:
    """`--price 80` or `--price Q1=75.36 --price Q2=75.28` as `assess_imports` takes them."""
    if not values:
        return None
    values = list(values)
    if len(values) == 1 and "=" not in values[0]:
        return _price_number(values[0])
    out: dict[str, float] = {}
    for value in values:
        key, sep, number = value.partition("=")
        if not sep:
            raise UsageError(f"give one price (--price 80) or one per quarter (--price "
                             f"Q1=75.36), not a mix: {value!r}")
        out[key.strip()] = _price_number(number)
    return out


def _price_number(text: str) -> float:
    try:
        return float(text.strip())  # "75,36" is refused, never read as 7536
    except ValueError:
        raise UsageError(f"the certificate price must be a number of EUR (for example 80), "
                         f"not {text!r}") from None


def _prices(price: float | Mapping[str, float] | None, year: int) -> dict[str, float] | None:
    if price is None:
        return None
    given = {"all": price} if isinstance(price, int | float) else dict(price)
    out = {}
    for key, value in given.items():
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value) or value < 0:
            raise UsageError(f"the certificate price must be a number of EUR (for example 80), "
                             f"not {value!r}")
        name = key if key == "all" else _quarter_key(key, year)
        out[name] = float(value)
    return out


def _quarter_key(key: str, year: int) -> str:
    text = str(key).strip().upper().replace(" ", "")
    if text in ("Q1", "Q2", "Q3", "Q4"):
        text = f"{year}-{text}"
    if len(text) == 7 and text[4] == "-" and text[5] == "Q" and text[6] in "1234" \
            and text[:4].isdigit():
        return text
    raise UsageError(f"a price per quarter is written Q1=75.36 or 2026-Q1=75.36, not {key!r}")


def _choose_year(data: ImportsData, year: int | None, read_findings: list[Finding]) -> int:
    table = data.table
    years = [] if table is None else sorted(int(y) for y in table["year"].dropna().unique())
    problems = [f for f in read_findings if str(f.severity) == "error"]
    if year is None and not len(data.lines) and problems:
        # Nothing was read (no header, a required column missing): say why, not "give the
        # year", which would send the user looking in the wrong place.
        where = problems[0].location.cell
        raise InputUnreadable(data.path, "no import lines could be read"
                              + (f" ({where})" if where else "") + ": " + problems[0].message)
    if year is None:
        if len(years) != 1:
            shown = ", ".join(map(str, years)) or "none"
            raise UsageError(f"give the year to assess (the file holds years: {shown})")
        year = years[0]
    if year < FIRST_DEFINITIVE_YEAR:
        raise UsageError(f"{year} is before the CBAM definitive period (from 2026): there are "
                         "no certificates, de minimis or free allocation adjustment then")
    return year


class _Assessment:
    def __init__(self, data: ImportsData, year: int, table: DefaultsTable,
                 cscf: float | None, prices: dict[str, float] | None) -> None:
        self.data, self.year, self.table, self.cscf, self.prices = (data, year, table, cscf,
                                                                    prices)
        self.factor_pct = cbam_factor_pct(year)
        self.lines = data.table if data.table is not None else empty_table()
        self.n = len(self.lines)
        self.rows = np.asarray(self.lines["row"], dtype=np.int64)
        self.issues = RowFindings(data.loc, self.n)
        self.findings: list[Finding] = []
        self.de_minimis = DeMinimis(year, 0.0)

    def run(self) -> pd.DataFrame:
        status = self._status()
        out = certificates(self, status)
        self.findings.extend(self.issues.flush())
        frame = pd.DataFrame(out, index=pd.RangeIndex(self.n))
        return frame[list(LINE_RESULT_FIELDS)]

    # -- scope -------------------------------------------------------------------------

    def _status(self) -> np.ndarray:
        lines = self.lines
        valid = (np.asarray(lines["valid"], dtype=bool) & lines["cn8"].notna().to_numpy()
                 & lines["mass"].notna().to_numpy())
        year = lines["year"]
        this_year = np.asarray((year == self.year).fillna(False), dtype=bool)
        status = np.full(self.n, "invalid", dtype=object)
        other = valid & ~this_year
        status[other] = "other-year"
        if other.any():
            self.issues.add("cbam-import-other-year", f"{int(other.sum())} line(s) are dated "
                            f"outside {self.year} and are left out of this year's de minimis "
                            "test and certificates", "date", np.flatnonzero(other), self.rows,
                            severity="warning")
        exempt_origin = self._not_subject(valid & this_year)
        status[valid & this_year & exempt_origin] = "not-subject"
        in_scope = valid & this_year & ~exempt_origin
        status[in_scope] = "in-scope"
        unknown_year = np.asarray(year.isna(), dtype=bool)
        self.de_minimis.lines_not_counted = int(((status == "invalid")
                                                 & (this_year | unknown_year)).sum())
        never = np.asarray(lines["cn8"].isin(NEVER_EXEMPT), dtype=bool)
        mass = np.asarray(lines["mass"], dtype=float)
        self._de_minimis(mass[in_scope & ~never], mass[in_scope & never])
        return status

    def _not_subject(self, rows: np.ndarray) -> np.ndarray:
        """EU and Annex III origins, with one warning per such country."""
        country = self.lines["country"]
        codes = np.asarray(country.cat.codes)
        flags = []
        for k, code in enumerate(country.cat.categories):
            found = reference.countries()[code]
            flags.append(found.eu_member or found.annex_iii)
            positions = np.flatnonzero(rows & (codes == k)) if flags[-1] else []
            if len(positions):
                why = "an EU member state" if found.eu_member else "an Annex III country"
                self.issues.add("cbam-import-origin-not-subject", f"{found.name} ({code}) is "
                                f"{why}: goods originating there are not subject to CBAM; the "
                                "line is left out of the de minimis test and certificates.",
                                "country", positions, self.rows, severity="warning")
        return np.append(np.array(flags, dtype=bool), False)[codes]

    def _de_minimis(self, counted: np.ndarray, always: np.ndarray) -> None:
        dm = self.de_minimis
        # Rounded to the gram so float noise in a sum (10.1 + 39.9) cannot cross 50 t.
        dm.counted_mass_t = round(math.fsum(counted.tolist()), _MASS_DECIMALS)
        dm.always_in_scope_mass = round(math.fsum(always.tolist()), _MASS_DECIMALS)
        dm.exempt = dm.counted_mass_t <= DE_MINIMIS_T
        dm.near_threshold = DE_MINIMIS_WARN_T < dm.counted_mass_t <= DE_MINIMIS_T
        where = Location(file=self.data.path)
        if dm.exempt:
            self.findings.append(info(
                "cbam-import-de-minimis-exempt",
                f"Cumulative net mass in {self.year} is {dm.counted_mass_t:g} t (hydrogen and "
                f"electricity excluded), not above {DE_MINIMIS_T:g} t: those imports are exempt "
                "(Art. 2a of Reg. (EU) 2023/956). Hydrogen and electricity are never exempt.",
                where))
        else:
            self.findings.append(info(
                "cbam-import-de-minimis-exceeded",
                f"Cumulative net mass in {self.year} is {dm.counted_mass_t:g} t, above "
                f"{DE_MINIMIS_T:g} t: ALL imports of the year are subject to CBAM, including "
                "those before the threshold was crossed.", where))
        if dm.near_threshold:
            self.findings.append(warning(
                "cbam-import-de-minimis-near",
                f"{dm.counted_mass_t:g} t is above 90 % of the {DE_MINIMIS_T:g} t threshold; "
                "the Commission flags such importers. One more consignment can bring the whole "
                "year into scope.", where))
        if dm.exempt and not self.n:
            self.findings.append(warning(
                "cbam-import-de-minimis-incomplete",
                "No import lines were read from the file: the exemption cannot be confirmed "
                "until the file is corrected.", where))
        if dm.exempt and dm.lines_not_counted:
            self.findings.append(warning(
                "cbam-import-de-minimis-incomplete",
                f"{dm.lines_not_counted} line(s) of {self.year} could not be read and are not "
                "counted: the exemption cannot be confirmed until they are corrected.", where))
