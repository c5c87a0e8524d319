"""Unit vocabulary and conversions, checked against the definitions of the units."""

import pytest

from carbonaudit.factors.units import conversion_factor, normalise_unit, parse_rate_unit


@pytest.mark.parametrize(("src", "dst", "expected"), [
    ("MWh", "kWh", 1000.0),
    ("kWh", "GJ", 0.0036),            # 1 kWh = 3.6 MJ
    ("GJ", "TJ", 1e-3),
    ("TJ", "MWh", 1e6 / 3600),        # 1 TJ = 1e12 J / 3.6e9 J per MWh
    ("gal", "L", 3.785411784),        # US gallon = 231 in^3
    ("UK_gallon", "L", 4.54609),      # imperial gallon, exact by definition
    ("short_ton", "t", 0.90718474),   # 2000 lb x 0.45359237 kg
    ("long_ton", "t", 1.0160469088),  # 2240 lb
    ("MMBtu", "GJ", 1.055056),        # 1e6 Btu (ISO 31-4: 1 Btu = 1055.056 J)
    ("towngas_unit", "MJ", 48.0),
])
def test_conversions(src, dst, expected):
    assert conversion_factor(src, dst) == pytest.approx(expected, rel=1e-9)


def test_normal_cubic_metre_is_an_amount_of_gas():
    # ideal gas: 1 Nm3 = 1000/22.413969545 mol (0 °C), 1 scf = 28.316846592/23.6449 mol (60 °F)
    expected = (1000 / 22.413969545) / (28.316846592 / 23.6449)
    assert conversion_factor("Nm3", "scf") == pytest.approx(expected, rel=1e-9)
    with pytest.raises(Exception, match="[Cc]annot convert"):
        conversion_factor("Nm3", "m**3")


@pytest.mark.parametrize(("spelling", "expr"), [
    ("kWh", "kWh"), ("kwh", "kWh"), ("MWH", "MWh"), ("m3", "m**3"), ("m³", "m**3"),
    ("t", "t"), ("tonnes", "t"), ("度", "kWh"), ("公升", "L"), ("吨", "t"), ("Nm3", "Nm3"),
    ("UK_gal", "UK_gallon"), ("gal", "gal"), ("passenger_km", "passenger_km"),
])
def test_accepted_spellings(spelling, expr):
    assert normalise_unit(spelling) == expr


@pytest.mark.parametrize("spelling", ["ton", "bbl", "MBtu", "furlong", "", "unit"])
def test_ambiguous_or_unknown_spellings_are_refused(spelling):
    assert normalise_unit(spelling) is None


def test_rate_units():
    assert parse_rate_unit("kgCO2e/kWh") == (1.0, "kWh", True)
    assert parse_rate_unit("t CO2e / MWh") == (1000.0, "MWh", True)
    assert parse_rate_unit("gCO2/kWh") == (1e-3, "kWh", False)
    assert parse_rate_unit("kg/kWh") == (1.0, "kWh", True)  # a bare mass is read as CO2e
    assert parse_rate_unit("lb/MWh") == (0.45359237, "MWh", True)
    assert parse_rate_unit("ton/MWh") is None  # short or metric: still refused
    assert parse_rate_unit("kgCO2e/furlong") is None
