"""An EU importer's CBAM position for a year: de minimis, embedded emissions, FAA, certificates.

`imports_reader.read_imports` reads an imports workbook or CSV (one row per import line; format
on the Instructions sheet of `imports_template.write_imports_template`) and checks every cell;
`assess_imports` then works out, for one calendar year (definitive period, 2026 on):

* the 50-tonne de minimis test (Art. 2a and Annex VII of Reg. (EU) 2023/956 as amended by Reg.
  (EU) 2025/2083): cumulative net mass of all goods except hydrogen (2804 10 00) and
  electricity (2716 00 00), which are never exempt; <= 50 t exempts the year, > 50 t puts the
  WHOLE year in scope; above 90 % (45 t) a warning;
* embedded emissions per line: the supplier's actual SEE where given (cells, or a supplier's
  `cbam-communication.json`), otherwise the default value with its mark-up (the certificate
  basis) — each line says which;
* the free allocation adjustment, FAA = CBAM factor x CSCF x benchmark x mass (IR (EU)
  2025/2620; Column B for default values, Column A for actual values of goods without
  relevant precursors; 0 for electricity).  The CSCF is never invented: without it FAA is
  "not computed", never zero;
* estimated certificates = max(0, embedded - FAA) per line, summed.

Nothing prints; results are plain data (`imports_results`) with `to_dict()`, and
`imports_results.write_imports_results` writes JSON and CSV files deterministically.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

# Names imported `as` themselves are re-exported for callers of this module from before its
# split (the CLI, the samples) until they import them from their owners.
from carbonaudit.cbam import reference
from carbonaudit.cbam.benchmarks import cbam_factor_pct, find_benchmark
from carbonaudit.cbam.defaults import DefaultsTable, DefaultValue, load_defaults, resolve
from carbonaudit.cbam.imports_columns import COLUMNS as COLUMNS
from carbonaudit.cbam.imports_reader import ImportLine, ImportsData
from carbonaudit.cbam.imports_reader import read_imports as read_imports
from carbonaudit.cbam.imports_results import (
    DE_MINIMIS_T,
    DE_MINIMIS_WARN_T,
    NEVER_EXEMPT,
    DeMinimis,
    ImportsResult,
    LineResult,
    group_results,
    totals_of,
)
from carbonaudit.cbam.imports_results import write_imports_results as write_imports_results
from carbonaudit.cbam.imports_template import write_imports_template as write_imports_template
from carbonaudit.errors import InputUnreadable, UsageError
from carbonaudit.findings import Finding, Location, error, info, sort_key, warning

FIRST_DEFINITIVE_YEAR = 2026
_MASS_DECIMALS = 6                  # 1 g: sums are rounded here before the threshold test
_ROWS_LISTED = 10                   # rows named in a finding that covers many lines


def assess_imports(data: ImportsData, year: int | None = None,
                   defaults_table: DefaultsTable | None = None, cscf: float | None = None,
                   *, read_findings: Iterable[Finding] = ()) -> ImportsResult:
    """The importer's position for `year` (None: the one year present in the data)."""
    read_findings = list(read_findings)
    year = _choose_year(data, year, read_findings)
    if cscf is not None and not 0 < cscf <= 1:
        raise UsageError(f"the CSCF must be a fraction between 0 and 1 (for example 0.9), "
                         f"not {cscf}")
    table = defaults_table or load_defaults()
    run = _Assessment(data, year, table, cscf)
    run.classify()
    run.compute()
    findings = sorted([*read_findings, *run.findings], key=sort_key)
    return ImportsResult(
        year=year, source=data.to_dict(), cscf=cscf, cbam_factor_pct=run.factor_pct,
        defaults_source=table.source, de_minimis=run.de_minimis, lines=run.results,
        groups=group_results(run.results), totals=totals_of(run.results, run.de_minimis),
        findings=findings)


def _choose_year(data: ImportsData, year: int | None, read_findings: list[Finding]) -> int:
    years = sorted({line.year for line in data.lines if line.year is not None})
    problems = [f for f in read_findings if str(f.severity) == "error"]
    if year is None and not data.lines and problems:
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
                 cscf: float | None) -> None:
        self.data, self.year, self.table, self.cscf = data, year, table, cscf
        self.factor_pct = cbam_factor_pct(year)
        self.findings: list[Finding] = []
        self.results: list[LineResult] = []
        self.defaults: dict[tuple[str, str, str], DefaultValue] = {}
        # (kind, cn8, country, route) -> rows: one finding per distinct problem
        self.grouped_notes: dict[tuple[str, str, str, str], list[int]] = {}
        self.de_minimis = DeMinimis(year, 0.0)

    # -- scope -------------------------------------------------------------------------

    def classify(self) -> None:
        counted: list[float] = []
        always: list[float] = []
        other_years: list[int] = []
        for line in self.data.lines:
            status = self._status(line, other_years)
            self.results.append(LineResult(line.row, line.cn8, line.country, line.year,
                                           line.quarter, line.mass, status,
                                           see_source=line.see_source))
            if status != "in-scope":
                if status == "invalid" and line.year in (None, self.year):
                    self.de_minimis.lines_not_counted += 1
                continue
            assert line.mass is not None
            (always if line.cn8 in NEVER_EXEMPT else counted).append(line.mass)
        self._de_minimis(counted, always)
        if other_years:
            self._note("cbam-import-other-year", warning, other_years, "date",
                       f"{len(other_years)} line(s) are dated outside {self.year} and are left "
                       "out of this year's de minimis test and certificates")

    def _status(self, line: ImportLine, other_years: list[int]) -> str:
        if not line.valid or line.cn8 is None or line.mass is None:
            return "invalid"
        if line.year != self.year:
            other_years.append(line.row)
            return "other-year"
        country = reference.countries()[line.country or ""]
        if country.eu_member or country.annex_iii:
            why = "an EU member state" if country.eu_member else "an Annex III country"
            self.findings.append(warning(
                "cbam-import-origin-not-subject",
                f"{country.name} ({country.code}) is {why}: goods originating there are not "
                "subject to CBAM; the line is left out of the de minimis test and "
                "certificates.", self.data.loc("country", line.row)))
            return "not-subject"
        return "in-scope"

    def _de_minimis(self, counted: list[float], always: list[float]) -> None:
        dm = self.de_minimis
        # Rounded to the gram so float noise in a sum (10.1 + 39.9) cannot cross 50 t.
        dm.counted_mass_t = round(math.fsum(counted), _MASS_DECIMALS)
        dm.always_in_scope_mass = round(math.fsum(always), _MASS_DECIMALS)
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
        if dm.exempt and not self.data.lines:
            self.findings.append(warning(
                "cbam-import-de-minimis-incomplete",
                "No import lines were read from the file: the exemption cannot be confirmed "
                "until the file is corrected.", where))
        if dm.exempt and dm.lines_not_counted:
            self.findings.append(warning(
                "cbam-import-de-minimis-incomplete",
                f"{dm.lines_not_counted} line(s) of {self.year} could not be read and are not "
                "counted: the exemption cannot be confirmed until they are corrected.", where))

    # -- emissions, FAA, certificates ----------------------------------------------------------

    def compute(self) -> None:
        if self.cscf is None and any(r.status == "in-scope" for r in self.results):
            self.findings.append(warning(
                "cbam-import-cscf-missing",
                "No cross-sectoral correction factor (CSCF) was given, so the free allocation "
                "adjustment is NOT computed (it is not zero); certificates are shown before "
                "FAA only. Give the published CSCF for the year (--cscf).",
                Location(file=self.data.path)))
        for line, result in zip(self.data.lines, self.results, strict=True):
            if result.status != "in-scope":
                continue
            if self.de_minimis.exempt and line.cn8 not in NEVER_EXEMPT:
                # Exempt lines need no emissions: no default lookup, no spurious findings.
                result.status, result.certificates_t = "exempt-de-minimis", 0.0
                result.note = "exempt: de minimis"
                continue
            self._emissions(line, result)
            self._certificates(line, result)
        self._flush_defaults()

    def _emissions(self, line: ImportLine, result: LineResult) -> None:
        assert line.mass is not None and line.cn8 is not None
        if line.see_total is not None:
            result.basis = "actual"
            result.see_used = result.see_unmarked = line.see_total
        else:
            value = self._default(line)
            if not value.found:
                result.note = "no default value"
                return
            result.basis = "default"
            result.see_unmarked = value.total
            result.see_used = value.total_marked_up
            result.markup_pct = value.markup_pct
            result.see_source = f"default {value.country_used} ({value.table_row})"
        result.embedded_t = line.mass * result.see_used
        result.embedded_unmarked_t = line.mass * result.see_unmarked

    def _default(self, line: ImportLine) -> DefaultValue:
        key = (line.cn8 or "", line.country or "", line.route)
        value = self.defaults.get(key)
        if value is None:
            code = reference.cn_codes()[line.cn8 or ""]
            value = resolve(code, line.country or "", self.year, self.table,
                            route=line.route or None)
            self.defaults[key] = value
        self.grouped_notes.setdefault(("default", *key), []).append(line.row)
        return value

    def _certificates(self, line: ImportLine, result: LineResult) -> None:
        if result.embedded_t is None:
            return
        faa = self._faa(line, result)
        result.faa_t = faa
        if faa is not None:
            result.certificates_t = max(0.0, result.embedded_t - faa)

    def _faa(self, line: ImportLine, result: LineResult) -> float | None:
        assert line.cn8 is not None and line.mass is not None
        if line.sector == "electricity":
            return 0.0  # IR (EU) 2025/2620: no free allocation adjustment for electricity
        if self.cscf is None or self.factor_pct is None:
            return None
        column = "B" if result.basis == "default" else "A"
        if column == "A" and _has_precursors(line):
            self._group("faa-precursors", line)
            return None
        found = find_benchmark(line.cn8, column, line.route)
        if isinstance(found, list):
            self._group("benchmark-route", line)
            return None
        if found is None:
            self._group(f"benchmark-missing-{column}", line)
            return None
        result.benchmark, result.benchmark_column = found.value, column
        return self.factor_pct / 100.0 * self.cscf * found.value * line.mass

    def _group(self, kind: str, line: ImportLine) -> None:
        key = (kind, line.cn8 or "", line.country or "", "")
        self.grouped_notes.setdefault(key, []).append(line.row)

    def _flush_defaults(self) -> None:
        """One finding per distinct problem, at the first line it concerns, listing rows."""
        for key, rows in self.grouped_notes.items():
            kind, cn8, country = key[0], key[1], key[2]
            if kind == "default":
                for f in self.defaults[(cn8, country, key[3])].findings:
                    self._note(f.code, _maker(f), rows, "cn_code", f.message)
                continue
            code, make, message = _faa_note(kind, cn8, country)
            self._note(code, make, rows, "cn_code", message)

    def _note(self, code: str, make, rows: list[int], column: str, message: str) -> None:
        listed = ", ".join(map(str, rows[:_ROWS_LISTED]))
        more = f" and {len(rows) - _ROWS_LISTED} more" if len(rows) > _ROWS_LISTED else ""
        self.findings.append(make(code, f"{message} (row(s) {listed}{more}).",
                                  self.data.loc(column, rows[0])))


def _maker(f: Finding):
    return {"error": error, "warning": warning, "info": info}[str(f.severity)]


def _faa_note(kind: str, cn8: str, country: str) -> tuple:
    code = reference.cn_codes()[cn8].formatted
    if kind == "faa-precursors":
        return ("cbam-import-faa-needs-precursors", warning,
                f"FAA not computed for CN {code} from {country} with actual values: IR (EU) "
                "2025/2620 adds the precursors' adjustments (Column A benchmark + sum of m_i x "
                "SEFA_i), which the imports file does not carry")
    if kind == "benchmark-route":
        return ("cbam-import-benchmark-route-needed", warning,
                f"FAA not computed for CN {code}: the benchmark differs by production route; "
                "fill the route column (for example BF/BOF, DRI/EAF, scrap/EAF)")
    column = kind.rsplit("-", 1)[1]
    return ("cbam-import-benchmark-missing", warning,
            f"FAA not computed for CN {code}: the shipped benchmark list (an excerpt of IR (EU) "
            f"2025/2620) has no Column {column} benchmark for it")


def _has_precursors(line: ImportLine) -> bool:
    good = reference.find_good(line.category)
    return bool(good and good.relevant_precursors)
