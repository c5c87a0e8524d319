"""Generate the Harbour Metals sample activity workbook (samples/harbour_metals/activity_2025.xlsx).

Run `python samples/make_samples.py [--out DIR]`.  The output is byte-stable: quantities come
from fixed monthly profiles (no randomness) and the workbook's created date is pinned, so a
re-run only changes the file when this script changes.

The workbook deliberately looks like a real finance team's file rather than the blank
template: two title rows above the header, a second sheet with Traditional Chinese headers,
and activity names written in Chinese there, so the samples exercise header detection and the
alias tables as well as the calculation.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from carbonaudit.outputs import atomic_workbook

YEAR = 2025
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "harbour_metals"
WORKBOOK_NAME = f"activity_{YEAR}.xlsx"

OFFICE = "Kwun Tong office"
FACTORY = "Dongguan factory"
OFFICE_REGION = "HK-CLP"
FACTORY_REGION = "CN-GD"  # Guangdong provincial grid factor (MEE/NBS)

# Factors pinned by id where matching by region cannot succeed: the shipped freight and flight
# factors (UK DESNZ) are published for GB only, and the region chain of a Guangdong or Hong Kong
# row never reaches GB.  Pinning records the choice instead of pretending the trucks ran in
# Britain.  Everything else matches by activity, item and region (blank region = GLOBAL).
PIN_FREIGHT = "uk.desnz.2025.freight.hgv_diesel.all.avg_laden"
PIN_FLIGHT = "uk.desnz.2025.air.longhaul.economy.rf"

# The canteen's Towngas is not in the workbook: no shipped factor set has a sourced Hong Kong
# Towngas factor yet (see samples/harbour_metals/README.md and messy_activity.csv).

# The gas supplier's invoice states volume and net calorific value; the IPCC factor is per TJ
# (net), and the shipped fuel properties give natural gas NCV per tonne only, so the finance
# team records energy: GJ = Nm3 x 38.931 MJ/Nm3 (the supplier's stated NCV).
GAS_NCV_MJ_PER_NM3 = 38.931

# Fixed, deliberately uneven monthly profiles (Jan..Dec): summer air-conditioning load in Hong
# Kong, the Lunar New Year shutdown in February at the factory, a Q4 order peak.
OFFICE_KWH = (12_480, 12_050, 12_760, 13_420, 14_310, 14_960,
              14_880, 14_920, 14_450, 13_610, 12_940, 12_700)
FACTORY_MWH = (512.4, 401.8, 538.6, 552.1, 566.3, 589.7,
               597.2, 594.8, 571.5, 560.9, 548.2, 530.6)
GAS_NM3 = (68_400, 41_200, 71_800, 73_500, 75_900, 77_300,
           78_100, 77_600, 75_200, 74_800, 72_900, 70_100)
FORKLIFT_L = (2_410, 1_560, 2_520, 2_580, 2_630, 2_710,
              2_690, 2_700, 2_640, 2_600, 2_560, 2_480)
GENERATOR_L = (180, 120, 150, 160, 420, 860, 940, 910, 510, 170, 160, 190)
LPG_KG = (1_180, 760, 1_210, 1_230, 1_260, 1_270, 1_280, 1_270, 1_250, 1_240, 1_220, 1_200)
WIRE_ROD_T = (905.2, 612.4, 948.7, 962.3, 981.0, 1_004.6,
              1_012.8, 998.1, 975.4, 968.9, 955.7, 930.2)
BILLET_T = (168.4, 112.9, 175.2, 178.6, 181.3, 186.0, 188.4, 185.1, 180.7, 179.2, 176.5, 171.8)

# Refrigerant top-ups recorded by the maintenance contractor: (month, site, item, kg, job ref).
REFRIGERANT_TOPUPS = (
    (3, FACTORY, "r410a", 4.5, "CoolTech job CT-25-0311"),
    (6, FACTORY, "r32", 2.0, "CoolTech job CT-25-0618"),
    (8, OFFICE, "r410a", 1.8, "KT Building Services WO-8841"),
    (9, FACTORY, "r410a", 6.2, "CoolTech job CT-25-0907"),
)

# Freight lanes (supplier -> Dongguan factory, road, km one way) for the monthly tonnages.
WIRE_ROD_KM = 118  # Foshan steel mill
BILLET_KM = 146    # Zhaoqing aluminium smelter

# Hong Kong (HKG) - Frankfurt (FRA) great-circle distance, km; return trips.
HKG_FRA_KM = 9_170
FLIGHTS = (  # (month, day out, day back, passengers, purpose, booking ref)
    (3, 10, 14, 2, "Customer audit, Frankfurt", "TMC booking HM-25-031"),
    (6, 2, 6, 1, "CBAM importer meeting, Frankfurt", "TMC booking HM-25-062"),
    (10, 20, 25, 3, "Trade fair via Frankfurt", "TMC booking HM-25-104"),
)


@dataclass(frozen=True)
class Row:
    activity: str
    item: str
    quantity: float
    unit: str
    site: str
    start: dt.date
    end: dt.date
    region: str = ""
    sector: str = ""
    factor_id: str = ""
    reference: str = ""
    description: str = ""


def month_span(month: int) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(YEAR, month)[1]
    return dt.date(YEAR, month, 1), dt.date(YEAR, month, last)


def activity_rows() -> list[Row]:
    """Monthly Scope 1/2 and purchased-goods rows for the office and the factory."""
    rows: list[Row] = []
    for m in range(1, 13):
        start, end = month_span(m)
        i = m - 1
        tag = f"{YEAR}-{m:02d}"
        office = {"site": OFFICE, "start": start, "end": end}
        factory = {"site": FACTORY, "start": start, "end": end}
        # Sector picks the IPCC stationary-combustion CH4/N2O defaults.
        plant = {**factory, "sector": "manufacturing"}
        gas_gj = round(GAS_NM3[i] * GAS_NCV_MJ_PER_NM3 / 1000, 1)
        rows += [
            Row("purchased_electricity", "grid", OFFICE_KWH[i], "kWh", **office,
                region=OFFICE_REGION, reference=f"CLP bill 0512-3390-{tag}"),
            Row("purchased_electricity", "grid", FACTORY_MWH[i], "MWh", **factory,
                region=FACTORY_REGION, reference=f"CSG Dongguan meter DG-0457 {tag}"),
            Row("stationary_combustion", "natural_gas", gas_gj, "GJ", **plant,
                reference=f"Dongguan gas invoice NG-{tag}",
                description=f"Annealing and melting furnaces; {GAS_NM3[i]:,} Nm3 x "
                            f"{GAS_NCV_MJ_PER_NM3} MJ/Nm3 (supplier NCV)"),
            Row("mobile_combustion", "diesel", FORKLIFT_L[i], "L", **factory,
                reference=f"Fuel card statement FC-{tag}",
                description="Forklift fleet (12 units)"),
            Row("stationary_combustion", "diesel", GENERATOR_L[i], "L", **plant,
                reference=f"Generator log GEN-{tag}",
                description="Standby generators (summer power rationing)"),
            Row("stationary_combustion", "lpg", LPG_KG[i], "kg", **plant,
                reference=f"LPG delivery notes LPG-{tag}", description="Heat-treatment burners"),
            Row("purchased_goods", "steel", WIRE_ROD_T[i], "t", **factory,
                reference=f"PO-WR-{tag}", description="Steel wire rod for fasteners"),
            Row("purchased_goods", "aluminium_primary", BILLET_T[i], "t", **factory,
                reference=f"PO-AB-{tag}", description="Aluminium billet for extrusion"),
        ]
    for month, site, item, kg, ref in REFRIGERANT_TOPUPS:
        start, end = month_span(month)
        rows.append(Row("fugitive", item, kg, "kg", site, start, end, reference=ref,
                        description="Air-conditioning refrigerant top-up"))
    return rows


def travel_rows() -> list[Row]:
    """Upstream road freight (per lane, monthly) and business flights HKG-FRA."""
    rows: list[Row] = []
    for m in range(1, 13):
        start, end = month_span(m)
        i = m - 1
        tag = f"{YEAR}-{m:02d}"
        lane = {"site": FACTORY, "start": start, "end": end, "factor_id": PIN_FREIGHT}
        rows += [
            Row("上游運輸", "hgv_diesel", round(WIRE_ROD_T[i] * WIRE_ROD_KM, 1), "tonne_km",
                **lane, reference=f"Waybills Foshan-DG {tag}",
                description=f"佛山鋼廠至東莞廠線材運輸 {WIRE_ROD_KM} km"),
            Row("上游運輸", "hgv_diesel", round(BILLET_T[i] * BILLET_KM, 1), "tonne_km",
                **lane, reference=f"Waybills Zhaoqing-DG {tag}",
                description=f"肇慶鋁廠至東莞廠鋁錠運輸 {BILLET_KM} km"),
        ]
    for month, out, back, pax, purpose, ref in FLIGHTS:
        rows.append(Row("商務差旅", "air_long_haul_economy_rf", pax * 2 * HKG_FRA_KM,
                        "passenger_km", OFFICE, dt.date(YEAR, month, out),
                        dt.date(YEAR, month, back), factor_id=PIN_FLIGHT, reference=ref,
                        description=f"HKG-FRA 來回 {pax} 人：{purpose}"))
    return rows


ENGLISH_HEADER = ("activity", "item", "quantity", "unit", "site", "period_start", "period_end",
                  "region", "sector", "factor_id", "reference", "description")
CHINESE_HEADER = ("活動", "項目", "數量", "單位", "地點", "開始日期", "結束日期",
                  "地區", "行業", "排放因子編號", "憑證", "說明")
WIDTHS = (22, 24, 12, 13, 18, 12, 12, 10, 15, 44, 30, 50)

PROPERTIES = {
    "title": f"Harbour Metals Holdings Ltd GHG activity data {YEAR}",
    "author": "Harbour Metals Finance",
    "company": "Harbour Metals Holdings Ltd (fictional)",
    "comments": "carbonaudit sample data, generated by samples/make_samples.py",
    # Pinned so the file is byte-identical on every run.
    "created": dt.datetime(2026, 1, 15, 9, 0, 0),
}


def write_sheet(workbook, name: str, header: tuple[str, ...], rows: list[Row],
                titles: tuple[str, ...]) -> None:
    sheet = workbook.add_worksheet(name)
    fmt = _formats(workbook)
    for r, text in enumerate(titles):
        sheet.write_string(r, 0, text, fmt["title"] if r == 0 else fmt["plain"])
    top = len(titles)
    sheet.write_row(top, 0, header, fmt["header"])
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    for offset, row in enumerate(rows, start=1):
        _write_row(sheet, top + offset, row, fmt)
    sheet.freeze_panes(top + 1, 0)
    sheet.autofilter(top, 0, top + len(rows), len(header) - 1)


def _formats(workbook) -> dict:
    # xlsxwriter de-duplicates identical formats, so asking twice costs nothing.
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "plain": workbook.add_format({"italic": True}),
        "header": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "number": workbook.add_format({"num_format": "#,##0.0##"}),
    }


def _write_row(sheet, r: int, row: Row, fmt: dict) -> None:
    sheet.write_string(r, 0, row.activity)
    sheet.write_string(r, 1, row.item)
    sheet.write_number(r, 2, row.quantity, fmt["number"])
    sheet.write_string(r, 3, row.unit)
    sheet.write_string(r, 4, row.site)
    sheet.write_datetime(r, 5, dt.datetime.combine(row.start, dt.time()), fmt["date"])
    sheet.write_datetime(r, 6, dt.datetime.combine(row.end, dt.time()), fmt["date"])
    texts = (row.region, row.sector, row.factor_id, row.reference, row.description)
    for col, text in enumerate(texts, start=7):
        if text:
            sheet.write_string(r, col, text)


def make_workbook(out_dir: Path = DEFAULT_OUT) -> Path:
    """Write activity_2025.xlsx into `out_dir` (replacing the previous one) and return it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / WORKBOOK_NAME
    with atomic_workbook(path, overwrite=True, properties=PROPERTIES) as workbook:
        write_sheet(workbook, "Activity", ENGLISH_HEADER, activity_rows(),
                    (f"Harbour Metals Holdings Ltd — GHG activity data {YEAR}",
                     "Prepared by: Finance"))
        write_sheet(workbook, "Travel & freight", CHINESE_HEADER, travel_rows(),
                    (f"海港金屬控股有限公司 — 差旅及運輸 {YEAR}", "編製：財務部"))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    print(make_workbook(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
