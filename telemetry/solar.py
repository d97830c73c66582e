"""Photovoltaic output with pvlib: weather-scaled irradiance on the panel's plane, PVWatts DC/AC.

Per solar day (telemetry.profiles.solar_clock) and location, under the sky of telemetry.sky:
clear-sky GHI x the weather's clear-sky index gives the GHI; pvlib's Erbs model splits it into beam
and diffuse, Hay-Davies transposes them onto the panel (tilt, azimuth), the Faiman model gives the
cell temperature from the air temperature, and PVWatts gives DC power (-0.37 %/°C, SYSTEM_LOSSES
for soiling, wiring, mismatch, ageing) and AC power through an inverter smaller than the panels by
the DC/AC ratio (installers size it 1.1-1.3, DEFAULT_DC_AC_RATIO unless the panel says otherwise),
so clear, cool days clip at its rating.

The result is a DayProfile of AC output as a share of the rating, cached per location and
orientation; a tick looks up the exact mean over its span, once for all homes of a ~1 km cell with
the same orientation (homes in one city share the sun).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pvlib import inverter, irradiance, pvsystem, temperature

from devices import limits
from telemetry import sky, weather
from telemetry.profiles import BLOCKS_PER_DAY, BoundedCache, DayProfile, average, solar_clock

DEFAULT_TILT_DEGREES = 30.0
SYSTEM_LOSSES = 0.10
TEMPERATURE_COEFFICIENT = -0.0037
INVERTER_EFFICIENCY = 0.96
ALBEDO = 0.2
DEFAULT_DC_AC_RATIO = limits.DEFAULT_DC_AC_RATIO
LOCATION_PRECISION = 2  # decimals of a degree (~1 km) under which homes share solar caches


def default_azimuth_degrees(latitude: float) -> float:
    """Facing the equator: south (180°) in the northern hemisphere, north (0°) in the southern."""
    return 180.0 if latitude >= 0.0 else 0.0


@dataclass(frozen=True, slots=True)
class LocationDay:
    """One solar day over one place: the clear sky, the weather, and what homes read from them."""

    sky: sky.Sky
    clear_sky_index: np.ndarray
    temperature_c: np.ndarray
    ghi: DayProfile
    temperature: DayProfile


_locations: BoundedCache[LocationDay] = BoundedCache(8_192)
_panels: BoundedCache[DayProfile] = BoundedCache(16_384)


def cell_of(latitude: float, longitude: float) -> tuple[float, float]:
    """The place (~1 km cell) whose sun, sky and weather a home shares."""
    return round(latitude, LOCATION_PRECISION), round(longitude, LOCATION_PRECISION)


PANEL_ORIENTATIONS_PER_PLACE = 2
"""Room in the panel caches for this many (tilt, azimuth) per place, on average."""


DAYS_HELD = 4
"""Solar days held per place: yesterday (local days straddle two), today and the two prefetched."""
PREFETCH_FROM_S = 11 * 3600
PREFETCH_SPREAD_MINUTES = 8 * 60
"""Each cell fetches its next two solar days at a minute of 11:00-19:00 solar time picked from its
coordinates, so pvlib's work for a new day is spread over the afternoon rather than falling on the
fleet's first tick after midnight (and before any zone's local midnight, which local days need)."""


def size_caches(*, places: int) -> None:
    """Hold the solar days of `places` cells and of their panel orientations."""
    _locations.size = DAYS_HELD * places
    _panels.size = DAYS_HELD * places * PANEL_ORIENTATIONS_PER_PLACE


def _prefetch_from_s(latitude: float, longitude: float) -> float:
    spread = (round(latitude * 100) * 7_919 + round(longitude * 100)) % PREFETCH_SPREAD_MINUTES
    return PREFETCH_FROM_S + 60.0 * spread


class _TickShares:
    """The panel shares of the latest tick (instant and length), by cell and orientation: a fleet
    ticks one instant at a time, so the next instant starts afresh."""

    __slots__ = ("shares", "tick")

    def __init__(self) -> None:
        self.tick: tuple[float, float] | None = None
        self.shares: dict[tuple[float, float, float, float, float], float] = {}


_tick_shares = _TickShares()


def location_days(latitude: float, longitude: float, first_ordinal: int, days: int) -> list[LocationDay]:
    """Consecutive solar days at a place; the missing ones computed in one vectorised pvlib pass."""
    latitude, longitude = cell_of(latitude, longitude)
    found = [_locations.get((latitude, longitude, first_ordinal + i)) for i in range(days)]
    missing = [i for i, day in enumerate(found) if day is None]
    if not missing:
        return found  # type: ignore[return-value]
    first, count = missing[0], missing[-1] - missing[0] + 1
    clear = sky.clear_sky(latitude, longitude, first_ordinal + first, count)
    for i in range(count):
        part = slice(i * BLOCKS_PER_DAY, (i + 1) * BLOCKS_PER_DAY)
        ordinal = first_ordinal + first + i
        day_sky = sky.Sky(*(getattr(clear, f)[part] for f in sky.Sky.__slots__))
        index = weather.clear_sky_index(latitude, longitude, ordinal, day_sky.ghi)
        temp = weather.temperature_c(latitude, longitude, ordinal)
        value = LocationDay(day_sky, index, temp, DayProfile(index * day_sky.ghi), DayProfile(temp))
        found[first + i] = _locations.put((latitude, longitude, ordinal), value)
    return found  # type: ignore[return-value]


def _ac_share(
    days: list[LocationDay], tilt: float, azimuth: float, dc_ac_ratio: float = DEFAULT_DC_AC_RATIO
) -> np.ndarray:
    """AC output / the panels' DC rating for the blocks of `days`, all in one pvlib pass."""
    zenith = np.concatenate([d.sky.zenith for d in days])
    apparent = np.concatenate([d.sky.apparent_zenith for d in days])
    ghi = np.concatenate([d.clear_sky_index * d.sky.ghi for d in days])
    doy = np.concatenate([d.sky.day_of_year for d in days])
    with np.errstate(divide="ignore", invalid="ignore"):
        split = irradiance.erbs(ghi, zenith, doy)
        poa = irradiance.get_total_irradiance(
            tilt,
            azimuth,
            apparent,
            np.concatenate([d.sky.azimuth for d in days]),
            np.nan_to_num(np.asarray(split["dni"], dtype=float)),
            ghi,
            np.nan_to_num(np.asarray(split["dhi"], dtype=float)),
            dni_extra=np.concatenate([d.sky.dni_extra for d in days]),
            airmass=np.concatenate([d.sky.airmass for d in days]),
            albedo=ALBEDO,
            model="haydavies",
        )
    poa_global = np.clip(np.nan_to_num(np.asarray(poa["poa_global"], dtype=float)), 0.0, None)
    poa_global[ghi <= 0.0] = 0.0
    cell = temperature.faiman(poa_global, np.concatenate([d.temperature_c for d in days]))
    dc = pvsystem.pvwatts_dc(poa_global, cell, 1.0, TEMPERATURE_COEFFICIENT) * (1.0 - SYSTEM_LOSSES)
    ac_rating = 1.0 / dc_ac_ratio
    ac = inverter.pvwatts(dc, ac_rating / INVERTER_EFFICIENCY, eta_inv_nom=INVERTER_EFFICIENCY)
    return np.clip(np.nan_to_num(np.asarray(ac, dtype=float)), 0.0, ac_rating)


def panel_days(
    latitude: float,
    longitude: float,
    tilt: float,
    azimuth: float,
    first_ordinal: int,
    days: int,
    dc_ac_ratio: float = DEFAULT_DC_AC_RATIO,
) -> list[DayProfile]:
    """AC output as a share of the DC rating over consecutive solar days (cached; vectorised if missing)."""
    latitude, longitude = cell_of(latitude, longitude)
    keys = [(latitude, longitude, tilt, azimuth, dc_ac_ratio, first_ordinal + i) for i in range(days)]
    found = [_panels.get(key) for key in keys]
    missing = [i for i, day in enumerate(found) if day is None]
    if not missing:
        return found  # type: ignore[return-value]
    first, count = missing[0], missing[-1] - missing[0] + 1
    located = location_days(latitude, longitude, first_ordinal + first, count)
    share = _ac_share(located, tilt, azimuth, dc_ac_ratio)
    for i in range(count):
        profile = DayProfile(share[i * BLOCKS_PER_DAY : (i + 1) * BLOCKS_PER_DAY])
        found[first + i] = _panels.put(keys[first + i], profile)
    return found  # type: ignore[return-value]


def panel_share(
    latitude: float,
    longitude: float,
    tilt: float,
    azimuth: float,
    dc_ac_ratio: float,
    utc_epoch_s: float,
    duration_s: float,
) -> float:
    """Mean AC output / DC rating over [t, t + duration): once per cell, orientation, ratio and tick."""
    latitude, longitude = cell_of(latitude, longitude)
    memo = _tick_shares
    if memo.tick != (utc_epoch_s, duration_s):
        memo.tick, memo.shares = (utc_epoch_s, duration_s), {}
    key = (latitude, longitude, tilt, azimuth, dc_ac_ratio)
    share = memo.shares.get(key)
    if share is None:
        ordinal, seconds = solar_clock(utc_epoch_s, longitude)
        if seconds >= _prefetch_from_s(latitude, longitude):
            panel_days(latitude, longitude, tilt, azimuth, ordinal + 1, 2, dc_ac_ratio)
        share = memo.shares[key] = average(
            lambda o: panel_days(latitude, longitude, tilt, azimuth, o, 1, dc_ac_ratio)[0],
            ordinal,
            seconds,
            duration_s,
        )
    return share
