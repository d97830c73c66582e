"""Deterministic weather shared by neighbours: a clear-sky index and an outdoor temperature.

Days are clear, broken or overcast. The day's state follows a Markov chain with persistence: with
probability PERSISTENCE the state repeats, otherwise it is drawn afresh from the month's mix. That
mix is chosen so the mean clear-sky index equals the location's climate (measured monthly GHI over
pvlib's clear-sky GHI, see telemetry.climate). Within a day each five-minute block varies around the
state's mean (an AR(1) series: passing clouds on broken days, slow changes under overcast).

Temperature: the station's daily normal, a day anomaly (AR(1) from day to day, nudged by the
state) and a diurnal cycle peaking mid-afternoon whose swing is widest under clear skies.

Everything is keyed by a weather cell (CELL_DEG x CELL_DEG degrees) and the solar day, so all homes
of a city see the same sky, in any process.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from functools import lru_cache

import numpy as np
from scipy.signal import lfilter

from telemetry import climate, sky
from telemetry.profiles import BLOCK_S, BLOCKS_PER_DAY

CELL_DEG = 0.5
PERSISTENCE = 0.55
# Day-state clear-sky index means and the block-to-block variability around them.
STATE_KC = (0.98, 0.62, 0.27)
STATE_SD = (0.03, 0.24, 0.07)
STATE_RHO = (0.9, 0.75, 0.95)
STATE_KC_RANGE = ((0.85, 1.08), (0.12, 1.15), (0.05, 0.6))
# Diurnal swing multiplier and day-anomaly nudge (°C) per state.
STATE_SWING = (1.25, 1.0, 0.55)
STATE_NUDGE_C = (0.6, 0.0, -0.6)
ANOMALY_RHO = 0.75
ANOMALY_SD_C = 1.8
WARMEST_HOUR = 15.0


class DayState(IntEnum):
    CLEAR = 0
    BROKEN = 1
    OVERCAST = 2


@dataclass(frozen=True, slots=True)
class Day:
    state: DayState
    anomaly_c: float


def cell(latitude: float, longitude: float) -> tuple[int, int]:
    return math.floor(latitude / CELL_DEG), math.floor(longitude / CELL_DEG)


def cell_centre(cell_index: tuple[int, int]) -> tuple[float, float]:
    return (cell_index[0] + 0.5) * CELL_DEG, (cell_index[1] + 0.5) * CELL_DEG


@lru_cache(maxsize=256)
def monthly_clearness(station: climate.Station) -> tuple[float, ...]:
    """Mean clear-sky index per month: measured GHI / clear-sky GHI, within the states' range."""
    clear = sky.monthly_clear_sky_ghi(station.latitude, station.longitude)
    return tuple(
        min(max(measured / ceiling if ceiling > 0 else STATE_KC[1], STATE_KC[2]), STATE_KC[0])
        for measured, ceiling in zip(station.ghi_kwh_m2_day, clear, strict=True)
    )


def _mix(x: float) -> tuple[float, float, float]:
    return x * x, 2.0 * x * (1.0 - x), (1.0 - x) * (1.0 - x)


@lru_cache(maxsize=4096)
def state_mix(mean_kc: float) -> tuple[float, float, float]:
    """(P clear, P broken, P overcast) with mean index `mean_kc`: a one-parameter family, bisected."""
    lo, hi = 0.0, 1.0
    for _ in range(40):
        x = (lo + hi) / 2
        if sum(p * k for p, k in zip(_mix(x), STATE_KC, strict=True)) < mean_kc:
            lo = x
        else:
            hi = x
    return _mix((lo + hi) / 2)


def _pick(probabilities: tuple[float, float, float], u: float) -> DayState:
    if u < probabilities[0]:
        return DayState.CLEAR
    if u < probabilities[0] + probabilities[1]:
        return DayState.BROKEN
    return DayState.OVERCAST


@lru_cache(maxsize=512)
def _year(cell_index: tuple[int, int], year: int) -> tuple[Day, ...]:
    """The chain over one calendar year of solar days (restarted each 1 January)."""
    station = climate.nearest_station(*cell_centre(cell_index))
    clearness = monthly_clearness(station)
    rng = random.Random(f"weather|{cell_index[0]}|{cell_index[1]}|{year}")
    first = date(year, 1, 1).toordinal()
    days, state, anomaly = [], None, rng.gauss(0.0, ANOMALY_SD_C / math.sqrt(1 - ANOMALY_RHO**2))
    for ordinal in range(first, date(year + 1, 1, 1).toordinal()):
        mix = state_mix(clearness[date.fromordinal(ordinal).month - 1])
        stay, draw = rng.random(), rng.random()
        state = state if state is not None and stay < PERSISTENCE else _pick(mix, draw)
        anomaly = ANOMALY_RHO * anomaly + rng.gauss(0.0, ANOMALY_SD_C)
        days.append(Day(state, anomaly + STATE_NUDGE_C[state]))
    return tuple(days)


def day(latitude: float, longitude: float, ordinal: int) -> Day:
    when = date.fromordinal(ordinal)
    return _year(cell(latitude, longitude), when.year)[when.timetuple().tm_yday - 1]


def clear_sky_index(latitude: float, longitude: float, ordinal: int) -> np.ndarray:
    """The 288 block values of the clear-sky index for a solar day."""
    index = cell(latitude, longitude)
    state = day(latitude, longitude, ordinal).state
    rng = np.random.default_rng([index[0] + 1_000, index[1] + 1_000, ordinal])
    rho, sd = STATE_RHO[state], STATE_SD[state]
    shocks = rng.normal(0.0, sd * math.sqrt(1.0 - rho * rho), BLOCKS_PER_DAY)
    start = rng.normal(0.0, sd)
    series = lfilter([1.0], [1.0, -rho], shocks, zi=[rho * start])[0]
    low, high = STATE_KC_RANGE[state]
    return np.clip(STATE_KC[state] + series, low, high)


def temperature_c(latitude: float, longitude: float, ordinal: int) -> np.ndarray:
    """The 288 block values of the outdoor air temperature for a solar day."""
    station = climate.nearest_station(*cell_centre(cell(latitude, longitude)))
    today = day(latitude, longitude, ordinal)
    normal = climate.daily_normal_c(station, date.fromordinal(ordinal).timetuple().tm_yday)
    hours = (np.arange(BLOCKS_PER_DAY) + 0.5) * BLOCK_S / 3600.0
    swing = 0.5 * station.diurnal_range_c * STATE_SWING[today.state]
    return normal + today.anomaly_c + swing * np.cos(2.0 * math.pi * (hours - WARMEST_HOUR) / 24.0)
