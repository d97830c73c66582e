"""Sun and clear sky over a place, from pvlib, in blocks of local mean solar time.

Days are solar days (telemetry.profiles.solar_clock: local mean solar midnight to the next, UTC
shifted by longitude / 15 h), so days, blocks and caches need no time zone. Values are taken at each
five-minute block's midpoint. pvlib is fast on arrays and slow per call (~3 ms of pandas overhead),
so callers ask for whole days (or a whole year) at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd
from pvlib import atmosphere, clearsky, irradiance, solarposition

from telemetry.profiles import BLOCK_S, BLOCKS_PER_DAY, DAY_S, EPOCH_ORDINAL, SECONDS_PER_DEGREE


def block_midpoints_utc(longitude: float, first_ordinal: int, days: int) -> pd.DatetimeIndex:
    start_s = (first_ordinal - EPOCH_ORDINAL) * DAY_S - longitude * SECONDS_PER_DEGREE
    seconds = start_s + BLOCK_S / 2 + BLOCK_S * np.arange(days * BLOCKS_PER_DAY)
    return pd.DatetimeIndex(pd.to_datetime(seconds, unit="s", utc=True))


@lru_cache(maxsize=1024)
def linke_turbidity(latitude: float, longitude: float) -> tuple[float, ...]:
    """Monthly Linke turbidity from the climatology that ships with pvlib (no download)."""
    mid_months = pd.DatetimeIndex([pd.Timestamp(2001, month, 15, tz="UTC") for month in range(1, 13)])
    values = clearsky.lookup_linke_turbidity(mid_months, latitude, longitude, interp_turbidity=False)
    return tuple(float(v) for v in values)


@dataclass(frozen=True, slots=True)
class Sky:
    """Clear-sky arrays at block midpoints (length days x 288)."""

    times: pd.DatetimeIndex
    zenith: np.ndarray
    apparent_zenith: np.ndarray
    azimuth: np.ndarray
    ghi: np.ndarray
    dni_extra: np.ndarray
    airmass: np.ndarray
    day_of_year: np.ndarray


def clear_sky(latitude: float, longitude: float, first_ordinal: int, days: int) -> Sky:
    """Solar position (NREL SPA) and Ineichen clear-sky GHI for consecutive solar days."""
    times = block_midpoints_utc(longitude, first_ordinal, days)
    position = solarposition.get_solarposition(times, latitude, longitude)
    apparent_zenith = position["apparent_zenith"].to_numpy()
    relative = atmosphere.get_relative_airmass(apparent_zenith)
    absolute = atmosphere.get_absolute_airmass(relative)
    linke = np.asarray(linke_turbidity(latitude, longitude))[times.month.to_numpy() - 1]
    dni_extra = irradiance.get_extra_radiation(times).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):  # night rows: pvlib divides by zero, we zero them
        ghi = clearsky.ineichen(apparent_zenith, absolute, linke, dni_extra=dni_extra)["ghi"]
    return Sky(
        times=times,
        zenith=position["zenith"].to_numpy(),
        apparent_zenith=apparent_zenith,
        azimuth=position["azimuth"].to_numpy(),
        ghi=np.nan_to_num(np.asarray(ghi, dtype=float)),
        dni_extra=dni_extra,
        airmass=np.nan_to_num(np.asarray(relative, dtype=float)),
        day_of_year=times.day_of_year.to_numpy(),
    )


@lru_cache(maxsize=1024)
def monthly_clear_sky_ghi(latitude: float, longitude: float) -> tuple[float, ...]:
    """Clear-sky GHI (kWh/m²/day) on the 15th of each month: the ceiling the climate table scales."""
    values = []
    for month in range(1, 13):
        sky = clear_sky(latitude, longitude, date(2001, month, 15).toordinal(), 1)
        values.append(float(sky.ghi.sum()) * BLOCK_S / 3600.0 / 1000.0)
    return tuple(values)
