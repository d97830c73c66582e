"""Forecasts that do not cheat: solar, load and an EV's trips over the next hours, from what is known now.

The simulation knows the future (telemetry.weather draws every day's sky from a seed); a forecast
must not read it. What a forecast made at instant `now` may use:

- **Sky**: what a forecaster at the place has observed: each past day's clear-sky index (its measured
  over its clear-sky irradiation) for the last HISTORY_DAYS days, and today's so far once the sun
  has been up a while (OBSERVED_FROM_S of solar time). A later day's index is the classic smart
  persistence: the last observed value relaxing toward the observed mean, mean + rho^k x (last -
  mean) after k days, rho the observed day-to-day autocorrelation. The error grows with lead time,
  and the passing clouds within a day are never known. Nothing of the weather model's future (or
  its parameters) is read. The air temperature, which moves output by 0.37 %/°C, is taken as the
  model has it (a day-ahead temperature forecast is within ~2 °C, < 1 % of output).
- **Solar**: the panel model (telemetry.solar: pvlib's Erbs, Hay-Davies, PVWatts) on that sky.
- **Load**: each appliance's *expected* draw: its category's day averaged over EXPECTED_SEEDS
  households other than this one, at this place and date; never this household's own draws.
- **EV trips**: the share of each step a car is expected away and the energy its driving is expected
  to take, averaged the same way.

Plain Python (numpy, the telemetry model); no database. Like a weather service's, forecasts are made
on a grid coarser than the simulation's ~1 km cells: the sky and solar on a FORECAST_GRID_DEGREES grid
(~25 km, a numerical weather model's), the expected load on a LOAD_GRID_DEGREES one (what a household
of the region draws). The weather model's field is smooth at those scales, and every home of a grid
cell shares the cached work: a fleet's forecast costs per grid cell and day, not per home.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from devices.choices import ApplianceCategory
from telemetry import appliances, profiles, solar
from telemetry.physics import HANDLERS, DeviceState, Handler
from telemetry.profiles import BLOCK_S, BLOCKS_PER_DAY, DAY_S, DayProfile

STEP_S = 900
"""Forecasts and plans run in 15-minute steps (the market's and the tariffs' grid)."""
OBSERVED_FROM_S = 9 * 3600
"""Solar time after which today's sky so far counts as observed."""
HISTORY_DAYS = 30
RHO_MAX = 0.9
EXPECTED_SEEDS = 16
FORECAST_GRID_DEGREES = 0.25
LOAD_GRID_DEGREES = 1.0


def grid_point(latitude: float, longitude: float, degrees: float) -> tuple[float, float]:
    """The centre of the `degrees` grid cell a place lies in: where its forecast is made."""
    return (
        round((math.floor(latitude / degrees) + 0.5) * degrees, 6),
        round((math.floor(longitude / degrees) + 0.5) * degrees, 6),
    )


@dataclass(frozen=True)
class VehicleForecast:
    """Per step: the share of it the car is expected at home, and the Wh driving is expected to take."""

    home: np.ndarray
    drain_wh: np.ndarray


@dataclass(frozen=True)
class Forecast:
    start: datetime
    step_seconds: int
    solar_w: np.ndarray
    load_w: np.ndarray
    vehicles: dict[int, VehicleForecast]

    @property
    def steps(self) -> int:
        return len(self.load_w)


def step_start(now: datetime) -> datetime:
    """The 15-minute step `now` lies in (forecasts and plans start there)."""
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % STEP_S, UTC)


# --- the sky -------------------------------------------------------------------------------------


def _observed(latitude: float, longitude: float, ordinal: int, until_s: float = DAY_S) -> float:
    """A solar day's clear-sky index as observed up to `until_s` (solar time): measured over clear-sky
    irradiation of the blocks before it; NaN before sunrise."""
    [day] = solar.location_days(latitude, longitude, ordinal, 1)
    blocks = int(until_s // BLOCK_S)
    weight = day.sky.ghi[:blocks]
    total = float(weight.sum())
    return float((day.clear_sky_index[:blocks] * weight).sum() / total) if total > 0 else float("nan")


@lru_cache(maxsize=4_096)
def _history(latitude: float, longitude: float, last_ordinal: int) -> tuple[float, float, float]:
    """(yesterday's index, the mean, the lag-1 autocorrelation) of the HISTORY_DAYS observed days
    up to `last_ordinal`: the forecaster's own statistics, from observations only."""
    days = solar.location_days(latitude, longitude, last_ordinal - HISTORY_DAYS + 1, HISTORY_DAYS)
    index = np.asarray(
        [float((d.clear_sky_index * d.sky.ghi).sum() / max(d.sky.ghi.sum(), 1e-9)) for d in days]
    )
    mean = float(index.mean())
    centred = index - mean
    variance = float((centred * centred).sum())
    rho = float((centred[1:] * centred[:-1]).sum() / variance) if variance > 0 else 0.0
    return float(index[-1]), mean, min(max(rho, 0.0), RHO_MAX)


def expected_clearness(latitude: float, longitude: float, ordinal: int, now_s: float) -> float:
    """The clear-sky index a forecast at `now_s` expects for a solar day (module docstring)."""
    today, seconds = profiles.solar_clock(now_s, longitude)
    yesterday, mean, rho = _history(latitude, longitude, today - 1)
    known, known_day = yesterday, today - 1
    if seconds >= OBSERVED_FROM_S:
        observed = _observed(latitude, longitude, today, seconds)
        if not math.isnan(observed):
            known, known_day = observed, today
    lead = ordinal - known_day
    if lead <= 0:
        return known
    return mean + rho**lead * (known - mean)


@lru_cache(maxsize=8_192)
def _panel_day(
    latitude: float,
    longitude: float,
    tilt: float,
    azimuth: float,
    dc_ac_ratio: float,
    ordinal: int,
    clearness: float,
) -> np.ndarray:
    """AC output / rating per five-minute block of a solar day under a uniform forecast sky."""
    [day] = solar.location_days(latitude, longitude, ordinal, 1)
    index = np.full(BLOCKS_PER_DAY, clearness)
    forecast = solar.LocationDay(
        day.sky, index, day.temperature_c, DayProfile(index * day.sky.ghi), day.temperature
    )
    return solar._ac_share([forecast], tilt, azimuth, dc_ac_ratio)


def _step_means(
    blocks: np.ndarray, first_ordinal: int, starts_s: np.ndarray, offsets_s: float | np.ndarray
) -> np.ndarray:
    """Mean of block values (days from `first_ordinal`, 288 a day) over each step [t, t + STEP_S).

    `offsets_s` turn UTC epoch seconds into the blocks' clock (solar time, or the wall clock, which
    moves at a daylight-saving change: one offset per step)."""
    edges = np.arange(len(blocks) + 1) * float(BLOCK_S)
    cumulative = np.concatenate([[0.0], np.cumsum(blocks) * BLOCK_S])
    begin = starts_s + offsets_s - (first_ordinal - profiles.EPOCH_ORDINAL) * DAY_S
    return (np.interp(begin + STEP_S, edges, cumulative) - np.interp(begin, edges, cumulative)) / STEP_S


def solar_w(
    panels: Sequence[DeviceState],
    latitude: float,
    longitude: float,
    start: datetime,
    steps: int,
    now_s: float,
) -> np.ndarray:
    """Forecast AC output of the panels per step from `start`, W."""
    total = np.zeros(steps)
    if not panels or not steps:
        return total
    lat, lon = grid_point(latitude, longitude, FORECAST_GRID_DEGREES)
    for panel in panels:
        rating = panel.rated_capacity_w or 0.0
        if rating <= 0.0:
            continue
        tilt = solar.DEFAULT_TILT_DEGREES if panel.tilt_degrees is None else panel.tilt_degrees
        azimuth = panel.azimuth_degrees
        if azimuth is None:
            azimuth = solar.default_azimuth_degrees(latitude)
        ratio = solar.DEFAULT_DC_AC_RATIO if panel.dc_ac_ratio is None else panel.dc_ac_ratio
        total += rating * _panel_steps(lat, lon, tilt, azimuth, ratio, start, steps, now_s)
    return total


@lru_cache(maxsize=4_096)
def _panel_steps(
    lat: float,
    lon: float,
    tilt: float,
    azimuth: float,
    dc_ac_ratio: float,
    start: datetime,
    steps: int,
    now_s: float,
) -> np.ndarray:
    """AC output / rating per step of a panel at a grid point, forecast at `now_s` (read-only: every
    like panel of the grid cell planned at that instant shares it)."""
    starts_s = _steps(start, steps)
    offset = lon * profiles.SECONDS_PER_DEGREE
    first, _ = profiles.solar_clock(float(starts_s[0]), lon)
    last, _ = profiles.solar_clock(float(starts_s[-1]) + STEP_S, lon)
    clearness = [round(expected_clearness(lat, lon, o, now_s), 3) for o in range(first, last + 1)]
    blocks = np.concatenate(
        [_panel_day(lat, lon, tilt, azimuth, dc_ac_ratio, first + i, kc) for i, kc in enumerate(clearness)]
    )
    return _read_only(_step_means(blocks, first, starts_s, offset))


def _read_only(values: np.ndarray) -> np.ndarray:
    values.setflags(write=False)
    return values


@lru_cache(maxsize=1_024)
def _steps(start: datetime, steps: int) -> np.ndarray:
    """The UTC epoch seconds of each step's start (read-only)."""
    return _read_only(np.asarray([(start + timedelta(seconds=STEP_S * i)).timestamp() for i in range(steps)]))


# --- the household: load and trips ---------------------------------------------------------------


def _place(latitude: float, longitude: float, timezone: str):
    tz = ZoneInfo(timezone)

    def place(ordinal: int) -> appliances.Place:
        midnight = datetime.combine(date.fromordinal(ordinal), datetime.min.time(), tz)
        return appliances.Place(latitude, longitude, midnight.timestamp())

    return place


@lru_cache(maxsize=4_096)
def _expected_appliance(
    category: str, latitude: float, longitude: float, timezone: str, ordinal: int
) -> np.ndarray:
    """The category's draw as a share of its rating per wall-clock block, averaged over other homes."""
    place = _place(latitude, longitude, timezone)
    days = [
        np.asarray(appliances.appliance_day(category, f"forecast|{n}", 1, ordinal, place).values)
        for n in range(EXPECTED_SEEDS)
    ]
    return np.mean(days, axis=0)


@lru_cache(maxsize=4_096)
def _expected_trips(ordinal: int) -> tuple[np.ndarray, np.ndarray]:
    """(share away, drain W) per wall-clock block of a commuter car, averaged over other homes."""
    trips = [appliances.trips(f"forecast|{n}", 1, ordinal) for n in range(EXPECTED_SEEDS)]
    away = np.mean([np.asarray(t.away.values) for t in trips], axis=0)
    drain = np.mean([np.asarray(t.drain_w.values) for t in trips], axis=0)
    return away, drain


def _wall_offsets(starts: Sequence[datetime], tz: ZoneInfo) -> np.ndarray:
    """Per step: its start on the local wall clock (as if UTC) minus its UTC epoch seconds."""
    offsets = []
    for start in starts:
        local = start.astimezone(tz)
        wall = (local.toordinal() - profiles.EPOCH_ORDINAL) * DAY_S + local.hour * 3600 + local.minute * 60
        offsets.append(wall - start.timestamp())
    return np.asarray(offsets, dtype=float)


@dataclass(frozen=True)
class _WallSteps:
    """The steps from a start on a time zone's wall clock: its days (ordinals) and each step's offset."""

    first: int
    ordinals: range
    offsets: np.ndarray


@lru_cache(maxsize=1_024)
def _wall_steps(start: datetime, steps: int, timezone: str) -> _WallSteps:
    tz = ZoneInfo(timezone)
    starts = [start + timedelta(seconds=STEP_S * i) for i in range(steps)]
    first = starts[0].astimezone(tz).toordinal()
    last = (starts[-1] + timedelta(seconds=STEP_S)).astimezone(tz).toordinal()
    return _WallSteps(first, range(first, last + 1), _read_only(_wall_offsets(starts, tz)))


@lru_cache(maxsize=8_192)
def _appliance_steps(
    category: str, lat: float, lon: float, timezone: str, start: datetime, steps: int
) -> np.ndarray:
    """The category's expected draw / rating per step at a load grid point (read-only, shared)."""
    wall = _wall_steps(start, steps, timezone)
    blocks = np.concatenate([_expected_appliance(category, lat, lon, timezone, o) for o in wall.ordinals])
    return _read_only(_step_means(blocks, wall.first, _steps(start, steps), wall.offsets))


@lru_cache(maxsize=1_024)
def _vehicle_steps(start: datetime, steps: int, timezone: str) -> VehicleForecast:
    """A commuter car's expected share at home and drain per step (read-only, shared)."""
    wall = _wall_steps(start, steps, timezone)
    starts_s = _steps(start, steps)
    away = np.concatenate([_expected_trips(o)[0] for o in wall.ordinals])
    drain = np.concatenate([_expected_trips(o)[1] for o in wall.ordinals])
    return VehicleForecast(
        home=_read_only(1.0 - _step_means(away, wall.first, starts_s, wall.offsets)),
        drain_wh=_read_only(_step_means(drain, wall.first, starts_s, wall.offsets) * STEP_S / 3600.0),
    )


def forecast(
    devices: Sequence[DeviceState],
    *,
    latitude: float,
    longitude: float,
    timezone: str,
    now: datetime,
    steps: int,
) -> Forecast:
    """Solar, load and each EV's trips per 15-minute step from the step `now` lies in.

    The per-step shares of a grid cell, zone and instant are cached: a chunk's homes alike share them.
    """
    start = step_start(now)
    panels = [d for d in devices if HANDLERS.get(d.kind) == Handler.SOLAR]
    solar_series = solar_w(panels, latitude, longitude, start, steps, now.timestamp())
    load = np.zeros(steps)
    lat, lon = grid_point(latitude, longitude, LOAD_GRID_DEGREES)
    for device in devices:
        if HANDLERS.get(device.kind) != Handler.APPLIANCE or not device.average_power_w:
            continue
        category = str(device.category or ApplianceCategory.OTHER)
        load += device.average_power_w * _appliance_steps(category, lat, lon, timezone, start, steps)
    vehicles = {
        device.id: _vehicle_steps(start, steps, timezone)
        for device in devices
        if HANDLERS.get(device.kind) == Handler.VEHICLE
    }
    return Forecast(start, STEP_S, solar_series, load, vehicles)
