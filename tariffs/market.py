"""A deterministic model of each zone's day-ahead prices (plain Python, no Django).

A day's curve is a level times a daily shape, minus a solar dip, plus noise:
- the level follows the season (winter dearer in Europe and the NEM, summer in Texas) and the
  day's wind (a windy day is cheaper; days are correlated through neighbouring days' draws);
- the shape has a night trough (~03:30), a morning peak (~08:00) and an evening peak (~19:00),
  wider on calm days (weather-dependent spread);
- the midday dip deepens with the season's sun and the day's sunshine, and is deeper on weekends
  and public holidays, when demand is low: sunny spring and summer weekends in DE-LU go negative,
  where renewables curtail, so negative prices stay shallow (bids below zero are damped);
- weekends and holidays lower the level.
Every draw comes from a random generator seeded by the zone and the date, so a day's prices are the
same on every machine and every run. The parameters were tuned to the yearly statistics in
tariffs.zones (docs/money.md shows a week per zone beside them).
"""

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from tariffs.zones import ZONES, MarketZone


@dataclass(frozen=True, slots=True)
class Shape:
    scale: float
    """Multiplies the level so the yearly mean lands on the published one."""
    season: float
    """Relative level change from the season: + dearer in local winter."""
    wind: float
    """Relative level change from the calmest to the windiest day."""
    morning: float
    evening: float
    night: float
    solar_dip_per_mwh: float
    """Depth of the midday dip on a clear midsummer weekday (currency per MWh)."""
    noise: float
    """Relative standard deviation of each hour's price around the curve."""
    country: str
    subdivision: str | None = None


SHAPES: dict[str, Shape] = {
    "DE-LU": Shape(1.15, 0.15, 0.9, 0.55, 0.45, 0.35, 150.0, 0.06, "DE"),
    "NO1": Shape(1.07, 0.35, 0.3, 0.12, 0.15, 0.10, 12.0, 0.04, "NO"),
    "ES": Shape(1.1, 0.10, 0.7, 0.20, 0.40, 0.20, 95.0, 0.06, "ES"),
    "ERCOT": Shape(1.03, -0.30, 0.5, 0.10, 0.80, 0.20, 25.0, 0.08, "US", "TX"),
    "NSW1": Shape(1.06, 0.10, 0.5, 0.25, 0.70, 0.20, 190.0, 0.08, "AU", "NSW"),
}

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class MarketInterval:
    start: datetime
    end: datetime
    price_per_mwh: Decimal


def _gauss(hour: float, centre: float, width: float) -> float:
    return math.exp(-0.5 * ((hour - centre) / width) ** 2)


@cache
def _holidays(country: str, subdivision: str | None) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdivision)


def _draws(code: str, day: date) -> tuple[float, float, list[float]]:
    """(wind z-score, sunshine 0-1, 24 hourly noise draws) of one zone and day."""
    rng = random.Random(f"{code}:{day.isoformat()}")
    return rng.gauss(0.0, 1.0), rng.random(), [rng.gauss(0.0, 1.0) for _ in range(25)]


def _windiness(code: str, day: date) -> float:
    """0 (calm) to 1 (windy): the day's draw smoothed with its neighbours' (weather lasts days)."""
    weights = ((-1, 0.3), (0, 0.5), (1, 0.3))
    z = sum(weight * _draws(code, day + timedelta(days=offset))[0] for offset, weight in weights)
    return 0.5 * (1.0 + math.erf(z / (0.66 * math.sqrt(2.0))))


def season(zone: MarketZone, day: date) -> float:
    """+1 in mid local winter, -1 in mid local summer."""
    value = math.cos(2.0 * math.pi * (day.timetuple().tm_yday - 15) / 365.25)
    return -value if zone.southern else value


def sun_season(zone: MarketZone, day: date) -> float:
    """0 at the winter solstice to 1 at the summer solstice (the sun leads demand's season by weeks)."""
    solstice = 355 if zone.southern else 172
    return 0.5 * (1.0 + math.cos(2.0 * math.pi * (day.timetuple().tm_yday - solstice) / 365.25))


def is_low_demand(zone: MarketZone, day: date) -> bool:
    """Weekends and public holidays (the `holidays` package, per country and region)."""
    shape = SHAPES[zone.code]
    return day.weekday() >= 5 or day in _holidays(shape.country, shape.subdivision)


@dataclass(frozen=True, slots=True)
class _Day:
    level: float
    spread: float
    low_demand: bool
    solar: float
    noise: list[float]


def _day(zone: MarketZone, shape: Shape, day: date) -> _Day:
    _, sunshine, noise = _draws(zone.code, day)
    wind = _windiness(zone.code, day)
    winter = season(zone, day)
    low_demand = is_low_demand(zone, day)
    level = (
        zone.mean_per_mwh * shape.scale * (1.0 + shape.season * winter) * (1.0 - shape.wind * (wind - 0.5))
    )
    if low_demand:
        level *= 0.85 if day.weekday() == 5 else 0.75
    solar = sun_season(zone, day) * sunshine**0.7 * (1.4 if low_demand else 1.0)
    return _Day(level, 1.0 + 0.8 * (0.5 - wind), low_demand, solar, noise)


def _price(shape: Shape, day: _Day, hour: float) -> float:
    daily = (
        shape.morning * _gauss(hour, 8.0, 1.5) * (0.5 if day.low_demand else 1.0)
        + shape.evening * _gauss(hour, 19.0, 2.0)
        - shape.night * _gauss(hour, 3.5, 2.5)
    )
    dip = shape.solar_dip_per_mwh * day.solar * _gauss(hour, 13.0, 2.6)
    index, fraction = int(hour), hour % 1.0
    hourly = day.noise[index] * (1.0 - fraction) + day.noise[index + 1] * fraction
    price = day.level * (1.0 + day.spread * daily) * (1.0 + shape.noise * hourly) - dip
    # Below zero, wind and solar curtail: the price goes negative only a little.
    return price if price >= 0 else 0.25 * price


def day_start(zone: MarketZone, day: date) -> datetime:
    """The instant (UTC) the market day begins: local midnight in the market's time zone."""
    return datetime.combine(day, datetime.min.time(), ZoneInfo(zone.timezone)).astimezone(UTC)


def market_day(zone: MarketZone, at: datetime) -> date:
    """The market day (in the market's time zone) that holds the instant."""
    return at.astimezone(ZoneInfo(zone.timezone)).date()


def publication_instant(zone: MarketZone, day: date) -> datetime:
    """When the prices for `day` become known: the publication time on the day before."""
    local = datetime.combine(day - timedelta(days=1), zone.publication, ZoneInfo(zone.timezone))
    return local.astimezone(UTC)


def day_prices(code: str, day: date) -> list[MarketInterval]:
    """The zone's simulated prices for a market day, interval by interval (23 or 25 hours on DST days)."""
    zone = ZONES[code]
    shape = SHAPES[code]
    tz = ZoneInfo(zone.timezone)
    start, end = day_start(zone, day), day_start(zone, day + timedelta(days=1))
    step = timedelta(minutes=zone.interval_minutes)
    values = _day(zone, shape, day)
    intervals = []
    at = start
    while at < end:
        local = at.astimezone(tz)
        hour = local.hour + local.minute / 60.0
        value = Decimal(repr(_price(shape, values, hour))).quantize(CENT)
        intervals.append(MarketInterval(at, at + step, value))
        at += step
    return intervals


@dataclass(frozen=True, slots=True)
class YearStatistics:
    """A simulated year of a zone, in the terms the published statistics use."""

    mean_per_mwh: float
    std_per_mwh: float
    negative_hours: float
    peak_base_ratio: float
    """Mean of weekdays 08:00-20:00 local over the mean of all hours (EPEX's peak/base)."""


def year_statistics(code: str, year: int) -> YearStatistics:
    zone = ZONES[code]
    tz = ZoneInfo(zone.timezone)
    values, peak = [], []
    day = date(year, 1, 1)
    while day.year == year:
        for interval in day_prices(code, day):
            value = float(interval.price_per_mwh)
            values.append(value)
            local = interval.start.astimezone(tz)
            if local.weekday() < 5 and 8 <= local.hour < 20:
                peak.append(value)
        day += timedelta(days=1)
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    negative = sum(1 for v in values if v < 0) * zone.interval_minutes / 60
    return YearStatistics(mean, std, negative, (sum(peak) / len(peak)) / mean)
