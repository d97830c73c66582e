"""Day-ahead market zones, which zone a home belongs to, and its country's default tariff.

A zone's prices are set in the market's own time zone and currency (the currency ENTSO-E and the
market operators publish in), whatever time zone its homes keep: New South Wales' NEM region runs
on AEST all year while Broken Hill, inside it, keeps South Australian time. A home's zone comes from
its country (tzdata's zone.tab, which ships in the pinned `tzdata` package) and, where a country
holds several markets (the US), from its location. Statistics and sources: docs/money.md.
"""

from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class MarketZone:
    code: str
    timezone: str
    """The market's clock: its days, its publication time."""
    currency: str
    interval_minutes: int
    publication: time
    """Local market time on the day before delivery when the day's prices are known."""
    operator: str
    mean_per_mwh: float
    """The published yearly mean the model is tuned to (docs/money.md cites it)."""
    negative_hours: int
    """Published hours a year below zero (0 where none were cited)."""
    southern: bool = False


ZONES: dict[str, MarketZone] = {
    zone.code: zone
    for zone in (
        # EPEX/Nord Pool/OMIE: the SDAC auction at noon CET, results by 13:00 CET; 15-minute
        # products since 1 October 2025.
        MarketZone("DE-LU", "Europe/Berlin", "EUR", 15, time(13), "EPEX SPOT", 79.6, 457),
        MarketZone("NO1", "Europe/Oslo", "EUR", 15, time(13), "Nord Pool", 45.0, 0),
        MarketZone("ES", "Europe/Madrid", "EUR", 15, time(13), "OMIE", 63.0, 0),
        # ERCOT's day-ahead market clears hourly and posts by 13:30 Central time.
        MarketZone("ERCOT", "America/Chicago", "USD", 60, time(13, 30), "ERCOT", 27.3, 0),
        # The NEM has no day-ahead auction: AEMO's half-hourly pre-dispatch covers tomorrow from
        # the 12:30 run (market time is AEST, no daylight saving).
        MarketZone("NSW1", "Australia/Brisbane", "AUD", 30, time(12, 30), "AEMO", 126.7, 0, southern=True),
    )
}

# Whole countries in one zone; Spain's islands are outside the Iberian market (their own systems).
_COUNTRY_ZONES = {"DE": "DE-LU", "LU": "DE-LU", "NO": "NO1"}
_TIMEZONE_ZONES = {
    "Europe/Madrid": "ES",
    "Australia/Sydney": "NSW1",
    "Australia/Broken_Hill": "NSW1",
}
# ERCOT covers most of Texas: its box, in degrees (south, north, west, east).
_ERCOT_BOX = (25.8, 34.6, -104.1, -93.5)


@cache
def _countries() -> dict[str, str]:
    text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {fields[2]: fields[0] for fields in rows}


def country_of(timezone: str) -> str | None:
    """ISO 3166 country of an IANA zone (tzdata's zone.tab); None for UTC and Etc/ zones."""
    return _countries().get(timezone)


def zone_of(*, timezone: str, latitude: float, longitude: float) -> str | None:
    """The market zone of a home, or None where no modelled market covers it."""
    if timezone in _TIMEZONE_ZONES:
        return _TIMEZONE_ZONES[timezone]
    country = country_of(timezone)
    if country == "US":
        south, north, west, east = _ERCOT_BOX
        return "ERCOT" if south <= latitude <= north and west <= longitude <= east else None
    return _COUNTRY_ZONES.get(country or "")


@dataclass(frozen=True, slots=True)
class CountryDefault:
    currency: str
    import_per_kwh: Decimal
    export_per_kwh: Decimal
    dynamic: bool = False
    """True where most homes buy at the spot price (Norway): the default is DYNAMIC in its zone."""


# Typical household prices per kWh, all taxes and grid fees in (sources in docs/money.md). A DYNAMIC
# default's import price is what is added to the market price (grid fees, taxes).
COUNTRY_DEFAULTS: dict[str, CountryDefault] = {
    "DE": CountryDefault("EUR", Decimal("0.3950"), Decimal("0.0786")),
    "LU": CountryDefault("EUR", Decimal("0.2700"), Decimal("0.0700")),
    "NO": CountryDefault("EUR", Decimal("0.0900"), Decimal("0.0000"), dynamic=True),
    "ES": CountryDefault("EUR", Decimal("0.1800"), Decimal("0.0500")),
    "FR": CountryDefault("EUR", Decimal("0.2016"), Decimal("0.0400")),
    "GB": CountryDefault("GBP", Decimal("0.2635"), Decimal("0.1500")),
    "US": CountryDefault("USD", Decimal("0.1700"), Decimal("0.0500")),
    "AU": CountryDefault("AUD", Decimal("0.3300"), Decimal("0.0500")),
}
FALLBACK_DEFAULT = CountryDefault("USD", Decimal("0.1700"), Decimal("0.0500"))
"""Countries not listed above (and UTC homes): the US residential average, in USD."""


def country_default(timezone: str) -> CountryDefault:
    return COUNTRY_DEFAULTS.get(country_of(timezone) or "", FALLBACK_DEFAULT)
