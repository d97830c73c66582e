"""Whole simulated years through the production physics, in-process (no database), against references.

15-minute ticks keep this fast; test_physics proves 60 s, 300 s and 900 s ticks give the same days.
Reference figures: PVGIS-like specific yields for a 30° equator-facing system, German flats at
2,500-3,500 kWh/yr, US houses at 25-35 kWh/day, commuter EVs at 2,000-4,000 kWh/yr.
"""

import math
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from telemetry import realism
from telemetry.physics import Category, DeviceState, Kind

STEP_S = 900
# Panel output is a day profile integrated exactly, so hourly ticks give the same year, faster.
YIELD_STEP_S = 3600
YIELD_TOLERANCE = 0.10
PANEL, EV, AC = 30, 20, 10


@pytest.fixture(scope="module")
def yields() -> dict[str, realism.Year]:
    return {c.name: realism.simulate(c, [realism.panel(PANEL)], step_s=YIELD_STEP_S) for c in realism.CITIES}


def _kwh_per_kwp(year: realism.Year) -> float:
    return year.kwh(PANEL)


def _month(year: realism.Year, month: int) -> float:
    return year.device_month_wh[(PANEL, month)] / 1000


@pytest.mark.parametrize("where", realism.CITIES, ids=lambda c: c.name)
def test_the_yearly_specific_yield_matches_the_reference(yields, where):
    low, high = where.yield_kwh_per_kwp
    assert low * (1 - YIELD_TOLERANCE) <= _kwh_per_kwp(yields[where.name]) <= high * (1 + YIELD_TOLERANCE)


def test_the_months_come_in_the_right_order(yields):
    berlin, sydney, kolkata = yields["Berlin"], yields["Sydney"], yields["Kolkata"]
    assert _month(berlin, 12) / _month(berlin, 6) < 0.25
    assert _month(yields["Oslo"], 12) / _month(yields["Oslo"], 6) < 0.15
    assert max(range(1, 13), key=lambda m: _month(sydney, m)) in (11, 12, 1, 2)
    pre_monsoon = max(_month(kolkata, m) for m in (2, 3, 4, 5))
    assert pre_monsoon > max(_month(kolkata, m) for m in (6, 7, 8, 9))


def _noaa_sunrise_sunset(day: date, latitude: float, longitude: float) -> tuple[datetime, datetime]:
    """NOAA's general solar position equations (gml.noaa.gov/grad/solcalc/solareqns.PDF), UTC."""
    gamma = 2 * math.pi / 365 * (day.timetuple().tm_yday - 1)
    eqtime = 229.18 * (
        0.000075
        + 0.001868 * math.cos(gamma)
        - 0.032077 * math.sin(gamma)
        - 0.014615 * math.cos(2 * gamma)
        - 0.040849 * math.sin(2 * gamma)
    )
    decl = (
        0.006918
        - 0.399912 * math.cos(gamma)
        + 0.070257 * math.sin(gamma)
        - 0.006758 * math.cos(2 * gamma)
        + 0.000907 * math.sin(2 * gamma)
        - 0.002697 * math.cos(3 * gamma)
        + 0.00148 * math.sin(3 * gamma)
    )
    lat = math.radians(latitude)
    cos_ha = math.cos(math.radians(90.833)) / (math.cos(lat) * math.cos(decl)) - math.tan(lat) * math.tan(
        decl
    )
    ha = math.degrees(math.acos(cos_ha))
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    sunrise = midnight + timedelta(minutes=720 - 4 * (longitude + ha) - eqtime)
    sunset = midnight + timedelta(minutes=720 - 4 * (longitude - ha) - eqtime)
    return sunrise, sunset


@pytest.mark.parametrize("name", ["Berlin", "Oslo", "Sydney", "Kolkata"])
@pytest.mark.parametrize("day", [date(2026, 3, 20), date(2026, 6, 21), date(2026, 12, 21)])
def test_no_output_more_than_ten_minutes_outside_daylight(name, day):
    where = realism.city(name)
    trace = []
    realism.simulate(where, [realism.panel(PANEL)], first=day, days=1, step_s=60, trace=trace)
    # The solar day is local; NOAA's times are for the UTC date around local noon.
    noon_utc = (datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(where.timezone))).astimezone(UTC)
    sunrise, sunset = _noaa_sunrise_sunset(noon_utc.date(), where.latitude, where.longitude)
    margin = timedelta(minutes=10)
    producing = [at for at, outcomes in trace if outcomes[0].power_w > 0]
    assert producing
    assert min(producing) >= sunrise - margin
    assert max(producing) + timedelta(minutes=1) <= sunset + margin
    assert min(producing) <= sunrise + timedelta(minutes=90)  # and it does start after dawn


@pytest.fixture(scope="module")
def berlin() -> realism.Year:
    devices = [
        *realism.flat_in_germany(),
        DeviceState(AC, Kind.APPLIANCE, average_power_w=3_000.0, category=Category.AIR_CONDITIONER),
        realism.commuter_ev(EV),
    ]
    return realism.simulate(realism.city("Berlin"), devices, step_s=STEP_S)


@pytest.fixture(scope="module")
def austin() -> realism.Year:
    devices = [*realism.house_in_the_us(), realism.commuter_ev(EV)]
    return realism.simulate(realism.city("Austin"), devices, step_s=STEP_S)


def test_a_flat_in_germany_uses_2500_to_3500_kwh_a_year(berlin):
    flat = sum(-berlin.kwh(d.id) for d in realism.flat_in_germany())
    assert 2_500 <= flat <= 3_500


def test_a_house_in_the_us_uses_25_to_35_kwh_a_day(austin):
    house = sum(-austin.kwh(d.id) for d in realism.house_in_the_us())
    assert 25 <= house / 365 <= 35


@pytest.mark.parametrize("city_year", ["berlin", "austin"])
def test_a_commuter_charging_at_home_uses_2000_to_4000_kwh_a_year(request, city_year):
    year = request.getfixturevalue(city_year)
    assert 2_000 <= -year.kwh(EV) <= 4_000
    # What it charged is what it drove, plus charging losses.
    assert -year.kwh(EV) == pytest.approx(year.trip_wh[EV] / 1000 / 0.95, rel=0.05)


def test_air_conditioning_follows_the_climate(berlin, austin):
    assert -berlin.kwh(AC) <= 200
    assert -austin.kwh(1) >= 3_000  # the house's 3 kW central air


def test_heating_follows_the_climate():
    heat_pump = [DeviceState(1, Kind.APPLIANCE, average_power_w=3_000.0, category=Category.HEATING)]
    kwh = {
        n: -realism.simulate(realism.city(n), heat_pump, step_s=STEP_S).kwh(1)
        for n in ("Oslo", "Berlin", "Madrid")
    }
    assert kwh["Oslo"] > kwh["Berlin"] > kwh["Madrid"] > 0
    assert 2_000 <= kwh["Berlin"] <= 8_000  # a heat pump's yearly electricity for a house
