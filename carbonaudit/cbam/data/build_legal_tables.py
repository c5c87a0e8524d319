"""Rebuild the shipped CBAM legal tables from the transcribed CSVs in `shared/data/cbam/`.

    python carbonaudit/cbam/data/build_legal_tables.py [SOURCE_DIR]

Not used at run time: it writes `default_values_2621.csv`, `precursor_defaults_2621.csv`,
`benchmarks_2620.csv` and the three CN 2026 urea codes of `cn_codes.csv` into this folder,
in the format of `cbam/DEFAULTS.md`, with the legal source and status of every row.  What it
changes from the source, and why, is written into the row's `notes` (README.md of this
folder lists the cases).  Deterministic: the same source gives byte-identical files.
"""

from __future__ import annotations

import csv
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[2].parent / "shared" / "data" / "cbam"
DASH = "–"
ANNEX_I = "IR (EU) 2025/2621 Annex I"
ANNEX_IV = "IR (EU) 2025/2621 Annex IV"
BENCHMARKS = "IR (EU) 2025/2620 Annex"
# Codes of heading 7615 are listed by the transcribed Annex I table but are not Annex I goods
# of Reg. (EU) 2023/956 as amended (DOMAIN.md 1.2): kept as transcribed, never looked up.
NOT_ANNEX_I = "7615"
# Cement codes whose rows split by route; a dash row lost its route in the transcription,
# its description still says which (Grey = A, White = B on every row with a value).
ROUTE_BY_COLOUR = {"25231000": {"Grey": "A", "White": "B"},
                   "25239000": {"Grey": "A", "White": "B"}}
MARKUP = {"Cement": (Decimal("1.1"), Decimal("1.2"), Decimal("1.3")),
          "Iron and steel": (Decimal("1.1"), Decimal("1.2"), Decimal("1.3")),
          "Aluminium": (Decimal("1.1"), Decimal("1.2"), Decimal("1.3")),
          "Hydrogen": (Decimal("1.1"), Decimal("1.2"), Decimal("1.3")),
          "Fertilisers": (Decimal("1.01"), Decimal("1.01"), Decimal("1.01"))}
YEARS = ("total_2026", "total_2027", "total_2028")
DEFAULT_FIELDS = ("cn_code", "country", "route", "direct", "indirect", "total", *YEARS,
                  "description", "legal_source", "status", "notes")
BENCHMARK_FIELDS = ("cn_code", "column", "route", "years", "benchmark", "description",
                    "legal_source", "status", "notes")
PERIODS = {"": "", "1": "2026-2027", "2": "2028-2030"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, fields: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _markup_note(sector: str, total: str, published: list[str]) -> str:
    """A note when a published marked-up total is not total x the nominal mark-up (rounded)."""
    off = []
    for year, factor, value in zip((2026, 2027, 2028), MARKUP[sector], published, strict=True):
        expected = (Decimal(total) * factor).quantize(Decimal("0.001"))
        if abs(Decimal(value) - expected) > Decimal("0.0015"):
            off.append(f"{year} {value} (total x {factor} = {expected})")
    if not off:
        return ""
    return ("published marked-up totals differ from the nominal mark-up: " + "; ".join(off)
            + "; the published values are used")


def default_rows(source: list[dict[str, str]]) -> list[dict[str, str]]:
    """Annex I rows in our format; see the module docstring for what changes and why."""
    out = []
    for r in source:
        row = {"cn_code": r["cn_code"], "country": r["country_code"] or "OTHER",
               "route": r["route"], "description": r["description"], "legal_source": ANNEX_I,
               "status": "secondary", "notes": ""}
        values = [r["direct"], r["indirect"], r["total"], *(r[y] for y in YEARS)]
        notes = []
        if r["not_applicable"] == "yes":
            if any(r[y] for y in YEARS):
                # Dash in direct/indirect/total but numbers in the mark-up columns: a shifted
                # transcription, not a value the Regulation is known to give.
                row |= dict.fromkeys(("direct", "indirect", "total", *YEARS), "")
                row["status"] = "unverified"
                notes.append("transcription defect: direct, indirect and total are dashes but "
                             "the 2026-2028 columns hold " + " / ".join(r[y] for y in YEARS)
                             + " (they read like direct / indirect / total); no value is used "
                             "until the row is checked against the Official Journal")
            else:
                row |= {"direct": DASH, "indirect": r["indirect"] or DASH, "total": DASH,
                        **dict.fromkeys(YEARS, DASH)}
                restored = ROUTE_BY_COLOUR.get(r["cn_code"], {}).get(
                    r["description"].split(" ")[0]) if not r["route"] else None
                if restored:
                    row["route"], row["status"] = restored, "derived"
                    notes.append(f"route {restored} restored from the description "
                                 f"({r['description']}); the transcription lists this dash "
                                 "without its route")
        else:
            row |= dict(zip(("direct", "indirect", "total", *YEARS), values, strict=True))
            note = _markup_note(r["sector"], r["total"], [r[y] for y in YEARS])
            if note:
                notes.append(note)
        if r["cn_code"].startswith(NOT_ANNEX_I):
            notes.append("CN 7615 is not an Annex I good of Reg. (EU) 2023/956 as amended; "
                         "kept as transcribed, not used by look-ups")
        row["notes"] = "; ".join(notes)
        out.append(row)
    return out


def precursor_rows(source: list[dict[str, str]]) -> list[dict[str, str]]:
    """Annex IV: one value per good for a precursor whose country of origin is unknown."""
    out = []
    for r in source:
        note = _markup_note(r["sector"], r["highest"], [r[y] for y in YEARS])
        out.append({"cn_code": r["cn_code"], "country": "UNKNOWN", "route": r["route"],
                    "direct": "", "indirect": "", "total": r["highest"],
                    **{y: r[y] for y in YEARS}, "description": r["description"],
                    "legal_source": ANNEX_IV, "status": "secondary",
                    "notes": "; ".join(n for n in (
                        "the highest value of any country (country of origin unknown)", note)
                        if n)})
    return out


def benchmark_rows(source: list[dict[str, str]]) -> list[dict[str, str]]:
    """IR 2025/2620 benchmarks; footnote markers (1)/(2) become the years they apply to."""
    out = []
    for r in source:
        years = PERIODS[r["year"]]
        out.append({"cn_code": r["cn_code"], "column": r["column"], "route": r["route"],
                    "years": years, "benchmark": r["value"], "description": r["description"],
                    "legal_source": BENCHMARKS,
                    "status": "unverified" if years else "secondary",
                    "notes": ("two values in the table, marked (1) and (2); read as goods "
                              "produced 2026-2027 and 2028-2030 (IR (EU) 2025/2620 point 5.3 "
                              "as cited by the transcription's source), not yet checked "
                              "against the Official Journal") if years else ""})
    return out


def urea_codes(benchmarks: list[dict[str, str]], template: list[dict[str, str]]
               ) -> list[dict[str, str]]:
    """CN 2026 codes under Annex I headings that the template's list (CN 2024) lacks."""
    known = {r["cn8"] for r in template}
    first = {}
    for r in benchmarks:
        first.setdefault(r["cn_code"], r["description"])
    out = []
    for code, description in first.items():
        if code in known or len(code) != 8:
            continue
        if not code.startswith("310210"):
            raise SystemExit(f"unexpected new CN code {code}: decide its category by hand")
        out.append({"cn8": code, "cn_formatted": f"{code[:4]} {code[4:6]} {code[6:]}",
                    "aggregated_goods_category": "Urea", "sector": "fertilisers",
                    "indirect_emissions_counted_definitive": "yes",
                    "description": description, "current_cn": "yes",
                    "source": "CN 2026 subdivision of 3102 10 10, listed by IR (EU) 2025/2620 "
                              "and IR (EU) 2025/2621 Annex I; category of its heading 3102 10 "
                              "(Urea)"})
    return out


def main(source_dir: Path = DEFAULT_SOURCE) -> None:
    defaults = _rows(source_dir / "default_values_2621.csv")
    benchmarks = _rows(source_dir / "benchmarks_2620.csv")
    _write(HERE / "default_values_2621.csv", DEFAULT_FIELDS, default_rows(defaults))
    _write(HERE / "precursor_defaults_2621.csv", DEFAULT_FIELDS,
           precursor_rows(_rows(source_dir / "precursor_defaults_2621.csv")))
    _write(HERE / "benchmarks_2620.csv", BENCHMARK_FIELDS, benchmark_rows(benchmarks))
    cn_path = HERE / "cn_codes.csv"
    template = [r for r in _rows(cn_path) if not r["source"].startswith("CN 2026")]
    current = {r["cn_code"] for r in benchmarks} | {"27160000"}  # electricity: IEA tables
    for r in template:
        r["current_cn"] = "yes" if r["cn8"] in current else "no"
    fields = ("cn8", "cn_formatted", "aggregated_goods_category", "sector",
              "indirect_emissions_counted_definitive", "description", "current_cn", "source")
    _write(cn_path, fields, [*template, *urea_codes(benchmarks, template)])


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
