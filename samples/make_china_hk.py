"""Generate the Mainland China and Hong Kong samples (samples/china_hk/).

Run `python samples/make_china_hk.py [--out DIR]`.  Two sheets as enterprises write them:

- `guangdong_factory_2022.xlsx`: a Dongguan factory's energy ledger in Simplified Chinese
  (类别/项目/数量/单位/地区, 万千瓦时, 万立方米, 立方米, 吨, 吉焦, 广东/广东省/廣東), for
  `--standard gbt32150` or the GHG Protocol;
- `hk_sme_2024.xlsx`: a Hong Kong SME's sheet in Traditional Chinese (類別, 電力 in 度 with
  the supplier 中電 or 港燈, 煤氣 in 單位, 柴油 and 汽油 in 公升, 冷媒, 水, 廢紙), for
  `--standard hk-epd`;
- `hk_factors_EXAMPLE.csv`: a filled-in factor file for the HK sheet.  Its numbers are
  EXAMPLES ONLY, round figures of the right size chosen for this sample, not the guidelines'
  or the utilities' published values: replace every row from the source it names.

Everything is fictional.  The workbooks are byte-stable (pinned created date, no randomness).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path

from carbonaudit.outputs import atomic_workbook

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "china_hk"

GD_HEADER = ["类别", "项目", "数量", "单位", "地区", "开始日期", "结束日期", "厂区", "凭证"]
GD_ROWS = [
    ["外购电力", "电网", 120.5, "万千瓦时", "广东", "2022-01-01", "2022-12-31", "东莞工厂",
     "供电局电费单 2022"],
    ["固定燃烧", "天然气", 8.2, "万立方米", "广东省", "2022-01-01", "2022-12-31", "东莞工厂",
     "燃气公司账单"],
    ["固定燃烧", "天然气", 15000, "立方米", "廣東", "2022-01-01", "2022-12-31", "东莞工厂",
     "食堂燃气表"],
    ["固定燃烧", "烟煤", 350, "吨", "广东", "2022-01-01", "2022-12-31", "东莞工厂",
     "入厂煤台账"],
    ["移动燃烧", "柴油", 12, "吨", "广东", "2022-01-01", "2022-12-31", "东莞工厂",
     "叉车加油记录"],
    ["外购热力", "蒸汽", 5000, "吉焦", "广东", "2022-01-01", "2022-12-31", "东莞工厂",
     "园区供热结算单"],
]

HK_HEADER = ["類別", "項目", "數量", "單位", "供應商", "開始日期", "結束日期", "地點", "備註"]
HK_ROWS = [
    ["電力", "", 18500, "度", "中電", "2024-01-01", "2024-12-31", "觀塘辦公室", "電費單"],
    ["電力", "", 6200, "度", "港燈", "2024-01-01", "2024-12-31", "灣仔門市", "電費單"],
    ["煤氣", "", 1200, "單位", "", "2024-01-01", "2024-12-31", "灣仔門市", "煤氣單"],
    ["柴油", "", 800, "公升", "", "2024-01-01", "2024-12-31", "觀塘辦公室", "後備發電機"],
    ["汽油", "", 1500, "公升", "", "2024-01-01", "2024-12-31", "公司車輛", "油站單據"],
    ["冷媒", "R-410A", 3.5, "公斤", "", "2024-01-01", "2024-12-31", "觀塘辦公室", "冷氣維修"],
    ["水", "", 420, "立方米", "", "2024-01-01", "2024-12-31", "觀塘辦公室", "水費單"],
    ["廢紙", "", 650, "公斤", "", "2024-01-01", "2024-12-31", "觀塘辦公室", "回收商紀錄"],
]

EXAMPLE = "EXAMPLE ONLY - replace with the figure from the source named in notes"
HK_FACTOR_COLUMNS = ["id", "activity", "item", "region", "unit", "co2_fossil", "ch4_fossil",
                     "n2o", "co2e_unsplit", "co2e_unsplit_gwp", "source", "status", "notes"]
HK_FACTORS = [
    ["example.clp.2024", "purchased_electricity", "grid", "HK-CLP", "kWh", "", "", "", "0.39",
     "AR5", EXAMPLE, "unverified", "CLP Power sustainability report, kg CO2e per kWh sold"],
    ["example.hke.2024", "purchased_electricity", "grid", "HK-HKE", "kWh", "", "", "", "0.66",
     "AR5", EXAMPLE, "unverified", "HK Electric sustainability report, kg CO2e per kWh sold"],
    ["example.towngas.combustion", "stationary_combustion", "towngas", "HK", "towngas_unit",
     "2.55", "0.00004", "0.00001", "", "", EXAMPLE, "unverified",
     "EPD/EMSD guidelines appendix: Towngas combustion per unit"],
    ["example.towngas.production", "purchased_towngas", "towngas", "HK", "towngas_unit", "",
     "", "", "0.59", "AR5", EXAMPLE, "unverified",
     "EPD/EMSD guidelines appendix: Towngas production per unit (Scope 2)"],
    ["example.diesel.stationary", "stationary_combustion", "diesel", "HK", "L", "2.61",
     "0.0001", "0.00002", "", "", EXAMPLE, "unverified",
     "EPD/EMSD guidelines appendix: diesel oil, stationary"],
    ["example.petrol.mobile", "mobile_combustion", "gasoline", "HK", "L", "2.36", "0.0002",
     "0.0002", "", "", EXAMPLE, "unverified",
     "EPD/EMSD guidelines appendix: unleaded petrol, vehicles"],
    ["example.paper.landfill", "waste", "paper_landfill", "HK", "kg", "", "", "", "4.8", "AR5",
     EXAMPLE, "unverified", "EPD/EMSD guidelines appendix: paper waste to landfill"],
]


def _write_sheet(path: Path, title: str, header: list[str], rows: list[list]) -> Path:
    with atomic_workbook(path, overwrite=True) as wb:
        wb.set_properties({"created": dt.datetime(2025, 1, 1)})
        ws = wb.add_worksheet(title)
        bold = wb.add_format({"bold": True})
        ws.write_row(0, 0, header, bold)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, int | float):
                    ws.write_number(r, c, value)
                elif value:
                    ws.write_string(r, c, value)
        ws.set_column(0, len(header) - 1, 14)
    return path


def main(argv: list[str] | None = None) -> list[Path]:
    """Write the three sample files; returns their paths."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    out = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    written = [
        _write_sheet(out / "guangdong_factory_2022.xlsx", "能源消耗", GD_HEADER, GD_ROWS),
        _write_sheet(out / "hk_sme_2024.xlsx", "2024年度", HK_HEADER, HK_ROWS),
    ]
    factors = out / "hk_factors_EXAMPLE.csv"
    with open(factors, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HK_FACTOR_COLUMNS)
        writer.writerows(HK_FACTORS)
    written.append(factors)
    for path in written:
        print(f"wrote {path}")
    return written


if __name__ == "__main__":
    main()
