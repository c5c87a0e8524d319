"""Write the Harbour Metals sample GHG statement as a claims file (harbour_metals/claims_2025.csv).

Run `python samples/make_claims.py [--out DIR]`.  These are the figures the (fictional)
company published for 2025, rounded to 0.1 t as its sustainability report prints them, for
`carbonaudit verify --claimed`.  One figure is deliberately wrong, as a verifier would find:
the finance team took the road-freight emissions (Scope 3 category 4) from the logistics
provider's summary, 150.0 t, instead of computing them from the tonne-km in the activity
workbook, so category 4, Scope 3, the Dongguan site and the total are all about 16 t low.
Byte-stable: a re-run changes the file only when this script changes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "harbour_metals"
NAME = "claims_2025.csv"

# (item, claimed t CO2e, note) as stated in the company's 2025 report.
CLAIMS = (
    ("total", "58264.5", "Scope 1 + Scope 2 (location-based) + Scope 3"),
    ("scope_1", "2040.7", "combustion and refrigerant top-ups"),
    ("scope_2_location", "2980.8", "CLP and China Southern Grid electricity"),
    ("scope_2_market", "2980.8", "no contractual instruments"),
    ("scope_3", "53243.0", "categories 1, 4 and 6"),
    ("scope_3_category_1", "53080.1", "steel wire rod and aluminium billet"),
    ("scope_3_category_4", "150.0", "from the logistics provider's annual summary"),
    ("scope_3_category_6", "12.9", "HKG-FRA flights"),
    ("site:Kwun Tong office", "97.0", ""),
    ("site:Dongguan factory", "58167.4", ""),
)


def render() -> str:
    lines = ["item,claimed,unit,note"]
    lines += [f'{item},{value},t CO2e,"{note}"' for item, value, note in CLAIMS]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    a = p.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / NAME).write_text(render(), encoding="utf-8", newline="\n")
    print(f"wrote {a.out / NAME}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
