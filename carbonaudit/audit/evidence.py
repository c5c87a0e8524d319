"""The evidence round trip: the verifier's filled Sample sheet read back and projected.

For each row marked `exception`: taint = (recalculated − agreed) / recalculated.  The
projected misstatement is Σ taint × J over the systematic rows plus the actual difference
(recalculated − agreed) of the certainty rows (VERIFICATION.md §1.4, ISA 530 ¶14-15).  For a
negative row (carbon leaving in products) the interval is taken with the row's sign, so an
understatement projects as one.  A row marked exception without an agreed value, an `ok`
whose agreed value differs, or a sample row not tested leaves the evidence incomplete: a
finding, and a scope limitation for the tests it touches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from carbonaudit.audit.claims import parse_number
from carbonaudit.audit.sample_table import COLUMNS, VERIFIER_COLUMNS
from carbonaudit.audit.sampling import CERTAINTY, Sample
from carbonaudit.errors import InputUnreadable
from carbonaudit.factors.vocab import fold
from carbonaudit.findings import Finding, Location, column_letter, error, warning

SHEET = "Sample"
_STATUS = {"ok": "ok", "exception": "exception", "正常": "ok", "例外": "exception",
           "異常": "exception", "异常": "exception"}
_REL = 1e-9  # relative agreement of two kg figures (binary noise only)


@dataclass
class SampleException:
    """One row the verifier could not agree to its document."""

    position: int          # frame position
    sample_id: str
    recalculated_kg: float
    agreed_kg: float
    certainty: bool
    evidence: str
    location: Location

    @property
    def difference_kg(self) -> float:
        """Recorded (recalculated) minus agreed: positive when the row overstates."""
        return self.recalculated_kg - self.agreed_kg

    @property
    def taint(self) -> float:
        return self.difference_kg / self.recalculated_kg

    def projected_kg(self, interval_kg: float) -> float:
        if self.certainty:
            return self.difference_kg
        sign = 1.0 if self.recalculated_kg > 0 else -1.0
        return self.taint * interval_kg * sign


@dataclass
class Evidence:
    """What the filled Sample sheet says, row by row, and what it leaves open."""

    path: str
    sha256: str
    tested: int = 0
    exceptions: list[SampleException] = field(default_factory=list)
    open_positions: set[int] = field(default_factory=set)  # rows without a usable result
    filled: dict[int, dict] = field(default_factory=dict)   # the verifier's cells, as written
    findings: list[Finding] = field(default_factory=list)

    def projected_kg(self, interval_kg: float, positions=None) -> float:
        """Projected misstatement over the exceptions (only those in `positions` if given)."""
        return sum(x.projected_kg(interval_kg) for x in self.exceptions
                   if positions is None or x.position in positions)


def read_evidence(path: str | Path, sample: Sample, frame) -> Evidence:
    """Read the Sample sheet of a filled workpapers.xlsx against the current sample."""
    from carbonaudit.ingest import xlsx_safety
    from carbonaudit.ingest.tables import file_sha256

    shown, p = str(path), Path(path)
    if not p.is_file():
        raise InputUnreadable(shown, "no such file")
    xlsx_safety.check_workbook(p)
    import python_calamine

    try:
        book = python_calamine.load_workbook(str(p))
        if SHEET not in book.sheet_names:
            raise InputUnreadable(shown, f"no sheet named '{SHEET}' (the workpapers' sample)")
        rows = book.get_sheet_by_name(SHEET).to_python(skip_empty_area=False)
    except InputUnreadable:
        raise
    except Exception as exc:  # calamine's own error types
        raise InputUnreadable(shown, f"the workbook could not be read ({exc})") from exc
    ev = Evidence(shown, file_sha256(p))
    _read(ev, rows, sample, frame)
    return ev


def _read(ev: Evidence, rows: list[list], sample: Sample, frame) -> None:
    header = next((i for i, r in enumerate(rows[:20]) if "sample_id" in map(str, r)), None)
    if header is None:
        ev.findings.append(error("evidence-no-header", "The Sample sheet has no header row "
                                 "with sample_id; use the workpapers this command wrote.",
                                 Location(ev.path, SHEET, "A1")))
        ev.open_positions = set(sample.selected)
        return
    cols = {str(c): j for j, c in enumerate(rows[header]) if str(c) in COLUMNS}
    missing = [c for c in ("source_file", "cell", "agreed_kgco2e", "status") if c not in cols]
    if missing:
        ev.findings.append(error("evidence-missing-column", f"The Sample sheet lacks the "
                                 f"column(s) {', '.join(missing)}.",
                                 Location(ev.path, SHEET, f"A{header + 1}")))
        ev.open_positions = set(sample.selected)
        return
    wanted = {(str(frame["_file"].iat[i]), frame["cell"].iat[i]): (k, i)
              for k, i in enumerate(sample.selected)}
    seen: set[int] = set()
    untested: list[Location] = []
    for r in range(header + 1, len(rows)):
        row = rows[r]

        def get(name: str, row=row) -> object:
            j = cols.get(name)
            return row[j] if j is not None and j < len(row) else ""

        def at(name: str, r=r) -> Location:
            return Location(ev.path, SHEET, f"{column_letter(cols.get(name, 0))}{r + 1}")

        key = (str(get("source_file")), str(get("cell")))
        if not any(str(v).strip() for v in row):
            continue
        if key not in wanted:
            ev.findings.append(error(
                "evidence-row-not-in-sample",
                f"{key[0]} {key[1]} is not in the sample drawn from these inputs with seed "
                f"{sample.seed}; were the workpapers made from other inputs or another seed?",
                at("cell")))
            continue
        k, i = wanted[key]
        seen.add(i)
        ev.filled[i] = {c: get(c) for c in VERIFIER_COLUMNS if c in cols}
        _one(ev, sample, frame, k, i, get, at, untested)
    for key, (_, i) in wanted.items():
        if i not in seen:
            ev.open_positions.add(i)
            untested.append(Location(ev.path, SHEET, f"{key[0]} {key[1]}"))
    if untested:
        ev.findings.append(warning(
            "evidence-not-tested",
            f"{len(untested)} of {len(sample.selected)} sample rows have no status yet; the "
            "sample is not complete, so no conclusion rests on it.", untested[0]))


def _one(ev, sample, frame, k, i, get, at, untested) -> None:
    recalc = float(frame["co2e_kg"].iat[i])
    stated = parse_number(get("recalculated_kgco2e"))
    if stated is not None and not _same(stated, recalc):
        ev.findings.append(warning(
            "evidence-recalculated-differs",
            f"The sheet's recalculated value {stated!r} differs from this run's {recalc!r}: "
            "the inputs changed since the sample was drawn; taint uses this run's value.",
            at("recalculated_kgco2e")))
    status_text = str(get("status")).strip()
    agreed_cell = get("agreed_kgco2e")
    agreed = parse_number(agreed_cell)
    if not status_text:
        ev.open_positions.add(i)
        untested.append(at("status"))
        return
    status = _STATUS.get(fold(status_text))
    if status is None:
        ev.open_positions.add(i)
        ev.findings.append(error("evidence-bad-status", f"Status {status_text!r} is not ok or "
                                 "exception.", at("status")))
        return
    if str(agreed_cell).strip() and agreed is None:
        ev.open_positions.add(i)
        ev.findings.append(error("evidence-not-a-number", f"The agreed value {agreed_cell!r} "
                                 "is not a plain number of kg CO2e.", at("agreed_kgco2e")))
        return
    ev.tested += 1
    if status == "ok":
        if agreed is not None and not _same(agreed, recalc):
            ev.open_positions.add(i)
            ev.findings.append(error(
                "evidence-status-conflict",
                f"Marked ok, but the agreed value {agreed!r} differs from the recalculated "
                f"{recalc!r}; mark it exception or clear the agreed value.", at("status")))
        return
    if agreed is None:
        ev.open_positions.add(i)
        ev.findings.append(error(
            "evidence-exception-without-value",
            f"{sample.sample_id(k)} is marked exception but has no agreed_kgco2e; the "
            "misstatement cannot be projected until the agreed figure is entered.",
            at("agreed_kgco2e")))
        return
    ev.exceptions.append(SampleException(i, sample.sample_id(k), recalc, agreed,
                                    sample.reasons[i] == CERTAINTY, str(get("evidence")),
                                    at("agreed_kgco2e")))


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= _REL * max(abs(a), abs(b), 1.0)
