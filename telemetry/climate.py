"""Climate normals of reference stations, interpolated to where a home is (`local`).

Each station lists, per calendar month, the mean daily global horizontal irradiation (GHI,
kWh/m²/day) and the mean air temperature (°C), plus one mean diurnal temperature range (°C).
Values are rounded long-term means as published by PVGIS (EU JRC, PVGIS-SARAH/ERA5 climatology)
and NASA POWER for irradiation, and by national weather services' 1991-2020 normals (as summarised
in the Wikipedia "Climate of <city>" tables) for temperature; Raleigh and Cold Bay (which fill gaps
of the US East and the Alaska Peninsula) from NREL's Solar Radiation Data Manual for Flat-Plate and
Concentrating Collectors (1961-1990 NSRDB) and NOAA's 1991-2020 normals. They are typed in from those sources
at about ±10 % accuracy, enough to place a month's output and load, not to plan a real system.

A place's climate (`local`) blends the stations within RADIUS_KM by inverse distance: the monthly
clear-sky index (measured monthly GHI over pvlib's clear-sky GHI at the station), temperatures,
diurnal range and the day-to-day temperature spread; beyond every station's radius it falls back to
the nearest station. The weather model (telemetry.weather) is calibrated on it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from telemetry import sky


@dataclass(frozen=True, slots=True)
class Station:
    name: str
    latitude: float
    longitude: float
    ghi_kwh_m2_day: tuple[float, ...]  # 12 months
    temperature_c: tuple[float, ...]  # 12 months
    diurnal_range_c: float


def _s(name: str, lat: float, lon: float, ghi: Sequence[float], temp: Sequence[float], dtr: float) -> Station:
    return Station(name, lat, lon, tuple(ghi), tuple(temp), dtr)


# fmt: off
STATIONS: tuple[Station, ...] = (
    _s("Berlin", 52.52, 13.40, [0.6, 1.2, 2.3, 3.8, 4.9, 5.2, 5.1, 4.3, 2.9, 1.7, 0.8, 0.5],
       [0.6, 1.6, 5.0, 10.0, 14.6, 17.9, 19.9, 19.5, 15.3, 10.0, 5.1, 1.7], 8.0),
    _s("Oslo", 59.91, 10.75, [0.3, 0.9, 2.1, 3.5, 4.9, 5.5, 5.1, 3.9, 2.4, 1.1, 0.4, 0.2],
       [-2.3, -2.0, 1.2, 6.0, 11.3, 15.3, 17.7, 16.5, 12.0, 6.5, 2.0, -1.5], 7.0),
    _s("Stockholm", 59.33, 18.07, [0.3, 0.9, 2.1, 3.6, 5.1, 5.6, 5.3, 4.1, 2.5, 1.1, 0.4, 0.2],
       [-1.0, -1.0, 1.5, 6.0, 11.0, 15.5, 18.0, 17.0, 12.5, 7.5, 3.5, 0.5], 6.0),
    _s("Reykjavik", 64.15, -21.94, [0.1, 0.5, 1.5, 3.0, 4.3, 4.7, 4.3, 3.2, 2.0, 0.9, 0.2, 0.05],
       [0.1, 0.5, 0.9, 3.5, 6.9, 9.6, 11.4, 10.9, 8.0, 4.6, 1.9, 0.4], 5.0),
    _s("Moscow", 55.76, 37.62, [0.5, 1.2, 2.5, 3.8, 5.2, 5.6, 5.4, 4.3, 2.6, 1.3, 0.6, 0.3],
       [-6.2, -5.9, -0.7, 6.7, 13.2, 17.0, 19.2, 17.0, 11.3, 5.6, -0.5, -4.4], 7.0),
    _s("London", 51.51, -0.13, [0.7, 1.3, 2.4, 3.7, 4.6, 5.0, 4.9, 4.1, 2.9, 1.7, 0.9, 0.6],
       [5.8, 6.2, 8.1, 10.4, 13.7, 16.8, 19.0, 18.7, 15.9, 12.4, 8.7, 6.1], 7.0),
    _s("Paris", 48.86, 2.35, [0.9, 1.6, 2.8, 4.2, 5.1, 5.6, 5.6, 4.8, 3.5, 2.1, 1.1, 0.8],
       [5.0, 5.6, 8.8, 11.6, 15.2, 18.5, 20.7, 20.4, 16.9, 13.0, 8.4, 5.5], 7.0),
    _s("Madrid", 40.42, -3.70, [2.3, 3.2, 4.6, 5.6, 6.6, 7.6, 7.8, 6.9, 5.3, 3.6, 2.5, 2.0],
       [6.3, 7.9, 11.2, 13.3, 17.2, 22.9, 26.1, 25.6, 20.9, 15.1, 9.9, 6.9], 11.0),
    _s("Rome", 41.90, 12.50, [2.1, 2.9, 4.2, 5.3, 6.5, 7.3, 7.5, 6.5, 4.9, 3.4, 2.2, 1.8],
       [7.5, 8.3, 10.9, 13.7, 17.8, 22.0, 24.8, 24.9, 21.2, 16.9, 12.0, 8.5], 10.0),
    _s("Athens", 37.98, 23.73, [2.2, 3.0, 4.2, 5.5, 6.8, 7.7, 7.7, 7.0, 5.4, 3.7, 2.4, 1.9],
       [10.0, 10.6, 13.0, 16.6, 21.5, 26.5, 29.3, 29.2, 24.9, 19.9, 15.2, 11.5], 8.0),
    _s("Istanbul", 41.01, 28.98, [1.6, 2.3, 3.4, 4.7, 6.0, 6.8, 6.9, 6.1, 4.6, 3.0, 1.9, 1.4],
       [6.6, 6.8, 8.8, 13.1, 17.8, 22.5, 25.0, 25.2, 21.4, 16.8, 12.2, 8.5], 7.0),
    _s("Cairo", 30.04, 31.24, [3.5, 4.4, 5.6, 6.7, 7.4, 8.0, 7.8, 7.2, 6.3, 5.0, 3.8, 3.2],
       [14.0, 15.3, 17.9, 21.6, 25.2, 27.6, 28.4, 28.4, 26.6, 23.9, 19.3, 15.6], 11.0),
    _s("Dubai", 25.20, 55.27, [3.9, 4.7, 5.6, 6.6, 7.4, 7.5, 7.0, 6.7, 6.2, 5.3, 4.3, 3.7],
       [19.7, 20.9, 23.9, 28.0, 32.4, 34.5, 36.3, 36.4, 33.6, 30.3, 25.4, 21.4], 9.0),
    _s("Lagos", 6.52, 3.38, [4.8, 5.1, 5.2, 5.1, 4.7, 3.9, 3.9, 4.0, 4.1, 4.5, 4.9, 4.7],
       [27.4, 28.5, 28.7, 28.1, 27.2, 25.9, 25.1, 25.1, 25.7, 26.6, 27.8, 27.4], 7.0),
    _s("Nairobi", -1.29, 36.82, [6.2, 6.6, 6.2, 5.3, 4.7, 4.4, 4.1, 4.4, 5.5, 5.6, 5.3, 5.7],
       [19.0, 19.8, 20.2, 19.6, 18.4, 17.0, 16.2, 16.7, 18.0, 19.3, 18.8, 18.6], 11.0),
    _s("Johannesburg", -26.20, 28.05, [6.5, 6.0, 5.4, 4.6, 4.1, 3.7, 4.0, 4.8, 5.8, 6.3, 6.4, 6.7],
       [20.4, 19.9, 18.8, 16.0, 13.0, 10.1, 10.4, 13.0, 16.5, 18.6, 19.4, 20.2], 12.0),
    _s("Delhi", 28.61, 77.21, [3.3, 4.3, 5.5, 6.4, 6.8, 6.4, 5.3, 5.1, 5.3, 4.8, 3.8, 3.1],
       [14.2, 17.6, 22.9, 29.1, 32.8, 33.0, 31.0, 30.0, 29.2, 25.6, 20.0, 15.5], 12.0),
    _s("Kolkata", 22.57, 88.36, [4.2, 4.9, 5.6, 6.0, 6.0, 4.6, 4.1, 4.2, 4.1, 4.4, 4.3, 4.0],
       [19.5, 23.0, 27.5, 30.5, 31.0, 30.5, 29.5, 29.3, 29.3, 28.0, 24.5, 20.5], 9.0),
    _s("Singapore", 1.35, 103.82, [4.6, 5.3, 5.0, 4.7, 4.5, 4.4, 4.5, 4.5, 4.5, 4.3, 3.9, 3.9],
       [26.8, 27.4, 27.8, 28.2, 28.5, 28.5, 28.1, 28.0, 27.8, 27.7, 27.0, 26.6], 7.0),
    _s("Jakarta", -6.21, 106.85, [4.3, 4.5, 4.7, 4.8, 4.7, 4.6, 4.9, 5.3, 5.5, 5.3, 4.8, 4.3],
       [27.0, 27.0, 27.6, 28.1, 28.3, 28.0, 27.7, 28.0, 28.3, 28.4, 28.1, 27.5], 8.0),
    _s("Beijing", 39.90, 116.40, [2.3, 3.1, 4.3, 5.4, 6.1, 6.0, 5.2, 4.9, 4.5, 3.4, 2.4, 2.0],
       [-3.1, 0.2, 6.7, 14.8, 20.8, 24.9, 26.7, 25.5, 20.8, 13.7, 5.0, -0.9], 11.0),
    _s("Tokyo", 35.68, 139.69, [2.6, 3.1, 3.7, 4.5, 4.9, 4.2, 4.5, 4.7, 3.5, 2.9, 2.4, 2.3],
       [5.4, 6.1, 9.4, 14.3, 18.8, 21.9, 25.7, 26.9, 23.3, 18.0, 12.5, 7.7], 8.0),
    _s("Perth", -31.95, 115.86, [8.2, 7.4, 6.0, 4.5, 3.3, 2.7, 3.0, 3.8, 5.1, 6.5, 7.6, 8.3],
       [24.8, 25.2, 23.2, 19.9, 16.4, 14.0, 13.1, 13.7, 15.3, 17.6, 20.6, 23.1], 11.0),
    _s("Sydney", -33.87, 151.21, [6.6, 5.7, 4.8, 3.7, 2.9, 2.5, 2.8, 3.6, 4.8, 5.8, 6.4, 6.8],
       [23.5, 23.4, 22.1, 19.5, 16.6, 14.2, 13.4, 14.5, 17.0, 18.9, 20.4, 22.1], 8.0),
    _s("Auckland", -36.85, 174.76, [6.8, 5.9, 4.7, 3.4, 2.4, 1.9, 2.1, 2.9, 4.0, 5.2, 6.3, 6.7],
       [20.0, 20.5, 19.2, 16.9, 14.6, 12.4, 11.6, 12.1, 13.5, 15.0, 16.7, 18.7], 7.0),
    _s("Honolulu", 21.31, -157.86, [4.3, 5.1, 5.8, 6.3, 6.7, 7.0, 7.0, 6.8, 6.3, 5.4, 4.5, 4.1],
       [23.1, 23.1, 23.6, 24.3, 25.3, 26.4, 27.1, 27.6, 27.3, 26.6, 25.2, 23.8], 7.0),
    _s("Anchorage", 61.22, -149.90, [0.2, 0.8, 2.1, 3.7, 4.8, 5.3, 4.8, 3.6, 2.2, 1.0, 0.3, 0.1],
       [-8.6, -6.8, -3.4, 2.4, 8.4, 12.9, 15.0, 13.9, 9.3, 1.8, -5.2, -7.7], 7.0),
    _s("Seattle", 47.61, -122.33, [0.9, 1.6, 2.8, 4.2, 5.4, 6.0, 6.5, 5.6, 4.1, 2.3, 1.1, 0.7],
       [5.6, 6.5, 8.3, 10.6, 14.1, 16.9, 20.0, 20.2, 17.2, 12.2, 8.0, 5.2], 8.0),
    _s("Los Angeles", 34.05, -118.24, [3.1, 3.9, 5.2, 6.3, 6.7, 7.1, 7.4, 6.8, 5.6, 4.3, 3.4, 2.8],
       [14.2, 14.7, 15.8, 17.3, 19.0, 21.0, 23.6, 24.2, 23.4, 20.7, 17.1, 14.2], 10.0),
    _s("Phoenix", 33.45, -112.07, [3.3, 4.3, 5.7, 7.1, 7.9, 8.2, 7.3, 6.8, 6.1, 4.9, 3.7, 3.1],
       [13.6, 15.4, 18.8, 23.0, 28.1, 33.4, 35.3, 34.6, 31.4, 24.8, 17.8, 13.0], 13.0),
    _s("Austin", 30.27, -97.74, [3.0, 3.8, 4.8, 5.6, 6.0, 6.7, 6.8, 6.3, 5.3, 4.4, 3.3, 2.8],
       [11.3, 13.4, 17.3, 21.0, 25.1, 28.6, 29.9, 30.2, 27.0, 21.9, 16.0, 12.1], 12.0),
    _s("Chicago", 41.88, -87.63, [1.9, 2.8, 3.8, 4.9, 5.8, 6.3, 6.2, 5.4, 4.3, 3.0, 1.8, 1.5],
       [-3.2, -1.2, 4.4, 10.5, 16.6, 22.2, 24.8, 23.9, 19.9, 12.9, 5.8, -0.3], 9.0),
    _s("Toronto", 43.65, -79.38, [1.7, 2.6, 3.7, 4.7, 5.6, 6.2, 6.2, 5.3, 4.1, 2.7, 1.6, 1.3],
       [-3.7, -2.6, 1.4, 7.9, 14.1, 19.4, 22.3, 21.5, 17.2, 10.5, 4.6, -0.9], 8.0),
    _s("New York", 40.71, -74.01, [1.9, 2.7, 3.8, 4.8, 5.6, 6.0, 6.0, 5.3, 4.3, 3.0, 2.0, 1.6],
       [0.9, 2.0, 5.8, 11.8, 17.2, 22.3, 25.3, 24.7, 20.9, 14.8, 9.2, 3.6], 8.0),
    _s("Raleigh", 35.78, -78.64, [2.7, 3.5, 4.6, 5.7, 6.0, 6.2, 6.0, 5.4, 4.6, 3.8, 2.9, 2.4],
       [4.4, 6.2, 10.3, 15.2, 19.8, 24.3, 26.3, 25.5, 21.8, 15.8, 10.4, 5.8], 12.0),
    _s("Cold Bay", 55.21, -162.72, [0.4, 1.1, 2.3, 3.5, 4.0, 4.1, 3.8, 3.1, 2.4, 1.3, 0.6, 0.3],
       [-2.5, -2.8, -1.7, 0.6, 4.0, 7.4, 10.3, 11.2, 8.7, 4.4, 0.9, -1.4], 5.0),
    _s("Miami", 25.76, -80.19, [3.6, 4.4, 5.4, 6.2, 6.2, 5.7, 5.9, 5.6, 5.0, 4.5, 3.8, 3.4],
       [20.1, 21.2, 22.6, 24.7, 26.9, 28.3, 28.9, 29.1, 28.3, 26.8, 23.8, 21.3], 7.0),
    _s("Mexico City", 19.43, -99.13, [4.6, 5.5, 6.2, 6.3, 6.0, 5.4, 5.2, 5.2, 4.7, 4.6, 4.5, 4.2],
       [14.4, 15.6, 17.6, 18.7, 19.2, 18.4, 17.3, 17.5, 17.1, 16.4, 15.6, 14.7], 13.0),
    _s("Sao Paulo", -23.55, -46.63, [5.5, 5.5, 4.8, 4.1, 3.4, 3.2, 3.3, 4.1, 4.4, 4.9, 5.4, 5.5],
       [23.0, 23.5, 22.7, 20.9, 18.4, 17.5, 16.9, 17.9, 19.0, 20.3, 21.5, 22.5], 9.0),
    _s("Buenos Aires", -34.60, -58.38, [7.0, 6.1, 4.9, 3.6, 2.6, 2.1, 2.3, 3.2, 4.4, 5.6, 6.7, 7.2],
       [24.9, 23.8, 22.0, 18.2, 14.8, 11.8, 11.2, 12.9, 14.9, 18.0, 20.8, 23.4], 9.0),
    _s("Santiago", -33.45, -70.67, [8.4, 7.5, 6.0, 4.2, 2.8, 2.2, 2.5, 3.4, 4.8, 6.4, 7.8, 8.4],
       [21.0, 20.6, 18.4, 14.7, 11.5, 8.7, 8.6, 10.0, 12.4, 15.3, 18.0, 20.1], 15.0),
)
# fmt: on


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12_742.0 * math.asin(math.sqrt(min(a, 1.0)))


@lru_cache(maxsize=4096)
def nearest_station(latitude: float, longitude: float) -> Station:
    return min(STATIONS, key=lambda s: _distance_km(latitude, longitude, s.latitude, s.longitude))


RADIUS_KM = 1_000.0
"""Stations farther than this say nothing about a place's climate."""
SD_BASE_C = 0.9
SD_RANGE_SHARE = (0.05, 0.20)
"""Day-to-day SD of the daily mean temperature: SD_BASE_C + annual range x a share rising from the
warmest month's to the coldest month's (fitted to pvlib's typical-year files: Greensboro January 5.2,
July 1.8-2.8; Miami July ~1.0; Sand Point 1.1-4.7 °C)."""


@dataclass(frozen=True, slots=True)
class Climate:
    """A place's climate, per calendar month: what the weather model is calibrated on."""

    clearness: tuple[float, ...]
    """Mean clear-sky index: measured GHI over pvlib's clear-sky GHI (sky.monthly_clear_sky_ghi)."""
    temperature_c: tuple[float, ...]
    daily_sd_c: tuple[float, ...]
    """Day-to-day standard deviation of the daily mean temperature."""
    diurnal_range_c: float
    stations: tuple[str, ...]
    """The stations it was interpolated from (one: the nearest, when none lies within RADIUS_KM)."""


def _daily_sd(temperatures: tuple[float, ...]) -> tuple[float, ...]:
    warmest, coldest = max(temperatures), min(temperatures)
    annual_range = max(warmest - coldest, 0.1)
    low, high = SD_RANGE_SHARE
    return tuple(
        SD_BASE_C + annual_range * (low + (high - low) * (warmest - t) / annual_range) for t in temperatures
    )


def station_clearness(station: Station) -> tuple[float, ...]:
    clear = sky.monthly_clear_sky_ghi(station.latitude, station.longitude)
    return tuple(
        min(max(measured / ceiling if ceiling > 0 else 0.5, 0.08), 1.0)
        for measured, ceiling in zip(station.ghi_kwh_m2_day, clear, strict=True)
    )


@lru_cache(maxsize=4096)
def local(latitude: float, longitude: float) -> Climate:
    """The climate at a place: inverse-distance weights over the stations within RADIUS_KM,
    tapered to 0 at the radius so the climate changes smoothly; beyond every station's radius, the
    nearest station's (the documented fallback)."""
    weights: list[tuple[float, Station]] = []
    for station in STATIONS:
        distance = _distance_km(latitude, longitude, station.latitude, station.longitude)
        if distance < RADIUS_KM:
            weights.append(((1.0 - distance / RADIUS_KM) ** 2 / (distance + 25.0) ** 2, station))
    if not weights:
        weights = [(1.0, nearest_station(latitude, longitude))]
    total = sum(w for w, _ in weights)

    def blend(values: list[tuple[float, ...]]) -> tuple[float, ...]:
        return tuple(
            sum(w * v[m] for (w, _), v in zip(weights, values, strict=True)) / total for m in range(12)
        )

    temperatures = blend([s.temperature_c for _, s in weights])
    return Climate(
        clearness=blend([station_clearness(s) for _, s in weights]),
        temperature_c=temperatures,
        daily_sd_c=_daily_sd(temperatures),
        diurnal_range_c=sum(w * s.diurnal_range_c for w, s in weights) / total,
        stations=tuple(s.name for _, s in sorted(weights, key=lambda pair: -pair[0])),
    )


MID_MONTH_DOY = (15.5, 45.0, 74.5, 105.0, 135.5, 166.0, 196.5, 227.5, 258.0, 288.5, 319.0, 349.5)


def daily_normal_c(station: Station, day_of_year: int) -> float:
    """Mean temperature of a day of the year, interpolated between mid-month normals."""
    return daily_value(station.temperature_c, day_of_year)


def daily_value(monthly: tuple[float, ...], day_of_year: int) -> float:
    """A monthly quantity on a day of the year, interpolated between mid-month values."""
    temps = monthly
    for index in range(12):
        lo = MID_MONTH_DOY[index]
        hi = MID_MONTH_DOY[index + 1] if index < 11 else MID_MONTH_DOY[0] + 365.0
        doy = day_of_year if day_of_year >= MID_MONTH_DOY[0] else day_of_year + 365.0
        if lo <= doy < hi:
            share = (doy - lo) / (hi - lo)
            return temps[index] + share * (temps[(index + 1) % 12] - temps[index])
    return temps[0]
