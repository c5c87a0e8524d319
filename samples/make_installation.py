"""Generate the Harbour Metals CBAM installation workbook (harbour_metals/installation_2026.xlsx).

Run `python samples/make_installation.py [--out FILE]`.  The workbook is carbonaudit's own
installation format (carbonaudit.cbam.workbook) filled for the fictional Dongguan factory of
Harbour Metals: cold heading of steel fasteners (CN 7318 15 58) from purchased wire rod and
extrusion of aluminium profiles (CN 7604 29 90) from purchased billet, reporting period
2026-01-01 to 2026-12-31.  The output is byte-stable: fixed figures and a pinned created date.

Boundary notes: forklifts and trucks are mobile machinery, outside the CBAM installation
boundary (DOMAIN.md §1.6), so their diesel is not a source stream here even though it is in the
corporate inventory (activity_2025.xlsx).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from carbonaudit.cbam.model import (
    DataQuality,
    Installation,
    Precursor,
    Process,
    Product,
    Site,
    SourceStream,
)
from carbonaudit.cbam.workbook import write_installation_workbook

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "harbour_metals" / "installation_2026.xlsx"
CREATED = dt.datetime(2026, 1, 15, 9, 0, 0)

# China national average grid factor, t CO2/MWh: carbonaudit/factors/data/cn_mee.csv, row
# cn.mee_nbs.power_avg_2022 ("MEE & NBS announcement of 20 Dec 2024, 2022 electricity CO2
# emission factors", 0.5366 kg/kWh).  A national grid average is EF source D.4(b).
GRID_EF = 0.5366
GRID_SOURCE = "D.4(b)"

# Fuels (IPCC 2006 default NCV and EF, as in the template's own constants).
NATURAL_GAS_KNM3 = 620.0     # thousand Nm3 in 2026, gas utility invoices
NATURAL_GAS_NCV = 35.9       # GJ/1000Nm3 (48.0 GJ/t at 0.748 kg/Nm3)
NATURAL_GAS_EF = 56.1        # t CO2/TJ
NG_TO_FASTENERS = 380.0      # thousand Nm3 metered at the heat-treatment furnaces
LPG_T = 85.0                 # t, all for the heat-treatment burners of the fastener line
LPG_NCV = 47.3               # GJ/t
LPG_EF = 63.1                # t CO2/TJ

FASTENERS = "Cold heading and heat treatment of fasteners"
PROFILES = "Aluminium extrusion"
ELEC_FASTENERS = 2950.0      # MWh, sub-meter of the fastener hall
ELEC_PROFILES = 3600.0       # MWh, sub-meter of the extrusion presses and ageing ovens


def _combustion(activity: float, ncv: float, ef: float) -> float:
    """t CO2 = AD x NCV/1000 x EF (OxF 100 %), as B_EmInst computes it."""
    return activity * ncv / 1000 * ef


def installation() -> Installation:
    ng_fasteners = _combustion(NG_TO_FASTENERS, NATURAL_GAS_NCV, NATURAL_GAS_EF)
    ng_profiles = _combustion(NATURAL_GAS_KNM3 - NG_TO_FASTENERS, NATURAL_GAS_NCV,
                              NATURAL_GAS_EF)
    lpg = _combustion(LPG_T, LPG_NCV, LPG_EF)
    site = Site(
        name="Harbour Metals (Dongguan) Fasteners and Profiles Co., Ltd.",
        name_local="海港金屬（東莞）緊固件及型材有限公司",
        street="18 Xinan Industrial Avenue, Chang'an Town",
        economic_activity="Manufacture of steel fasteners and aluminium extrusions",
        post_code="523850", city="Dongguan", country="CN", unlocode="CNDGG",
        latitude=22.8164, longitude=113.8051,
        representative="Chan Wing-yee", email="cbam@harbourmetals.example",
        phone="+86 769 8555 0188",
        period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
    streams = [
        SourceStream("SS1", "combustion", "Natural gas (heat treatment and billet heating)",
                     NATURAL_GAS_KNM3, "1000Nm3", ncv=NATURAL_GAS_NCV, ef=NATURAL_GAS_EF,
                     ef_unit="tCO2/TJ"),
        SourceStream("SS2", "combustion", "LPG (heat-treatment burners)", LPG_T, "t",
                     ncv=LPG_NCV, ef=LPG_EF, ef_unit="tCO2/TJ"),
    ]
    common = {"non_cbam": 0.0, "heat_relevant": False, "waste_gas_relevant": False,
              "electricity_ef": GRID_EF, "electricity_ef_source": GRID_SOURCE,
              "electricity_exported": 0.0}
    processes = [
        Process("P1", FASTENERS, "Iron or steel products", ["Only direct production"],
                {"All production routes": 4200.0}, to_market=4200.0,
                direct_emissions=round(ng_fasteners + lpg, 2),
                electricity_consumed=ELEC_FASTENERS, **common),
        Process("P2", PROFILES, "Aluminium products", ["Only direct production"],
                {"All production routes": 2600.0}, to_market=2600.0,
                direct_emissions=round(ng_profiles, 2),
                electricity_consumed=ELEC_PROFILES, **common),
    ]
    precursors = [
        # Wire rod is a hot-rolled iron or steel product; the mill sent measured SEE.
        Precursor("PP1", "Steel wire rod (Foshan mill)", "Iron or steel products", "CN",
                  [], {"All production routes": 4450.0}, {FASTENERS: 4400.0},
                  other_uses=50.0, see_direct=2.05, see_direct_source="Measured",
                  specific_electricity=0.38, specific_electricity_source="Measured",
                  electricity_ef=GRID_EF, electricity_ef_source=GRID_SOURCE),
        # The smelter sent nothing usable: an illustrative default-type value, justified.
        Precursor("PP2", "Aluminium billet (Zhaoqing smelter)", "Unwrought aluminium", "CN",
                  ["Primary (electrolytic) smelting"],
                  {"Primary (electrolytic) smelting": 2750.0}, {PROFILES: 2700.0},
                  other_uses=50.0, see_direct=1.6, see_direct_source="Default",
                  specific_electricity=14.2, specific_electricity_source="Default",
                  electricity_ef=GRID_EF, electricity_ef_source=GRID_SOURCE,
                  justification="Data gaps"),
    ]
    products = [
        Product(FASTENERS, "73181558", "Hex flange bolts M8-M16, zinc plated",
                {"% Mn": 0.75, "% other alloys": 0.35}),
        Product(PROFILES, "76042990", "6063-T5 window and curtain-wall profiles"),
    ]
    dq = DataQuality(
        general="Mostly measurements & international standard factors for e.g. the emission "
                "factor",
        default_justification="Data gaps", quality_assurance="Internal audits",
        indirect_total=round((ELEC_FASTENERS + ELEC_PROFILES) * GRID_EF, 2))
    return Installation(site=site, streams=streams, processes=processes,
                        precursors=precursors, products=products, data_quality=dq)


def write(path: Path | str = DEFAULT_OUT) -> Path:
    """Write the sample workbook to `path` (replacing it), byte-identical on every run."""
    return write_installation_workbook(Path(path), installation(), overwrite=True,
                                       created=CREATED)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    print(write(parser.parse_args().out))


if __name__ == "__main__":
    main()
