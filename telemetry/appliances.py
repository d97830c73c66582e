"""Occupancy, appliances and trips as day profiles in the household's wall-clock time.

A household's day (when people wake, leave, return, sleep) is drawn once per local date from its
seed; weekdays and weekends differ. Appliances follow it: the dishwasher after dinner, laundry on
laundry days with the dryer only after the wash, the oven at meal times, lighting while people are
home, awake and it is dark outside, water heating after waking and in the evening plus standby
losses, air conditioning and heating on the outdoor temperature with a setback while away or
asleep, a steady base load for "other". Each appliance's day is a DayProfile of its draw as a
share of its rated power (the `average_power_w` column: what it draws while running), so a tick
takes the exact mean over its span. Electric vehicles leave with the household's trips.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from telemetry import sky, solar
from telemetry.profiles import BLOCK_S, BLOCKS_PER_DAY, DAY_S, BoundedCache, DayProfile

HOUR_BLOCKS = 3600 / BLOCK_S

# Thermostat setpoints (°C of outdoor air at which the unit starts) and the span to full power.
COOLING_FROM_C = {"home": 24.0, "asleep": 25.5, "away": 28.0}
COOLING_SPAN_C = 10.0
HEATING_BELOW_C = {"home": 16.0, "asleep": 13.0, "away": 13.0}
HEATING_SPAN_C = 28.0
DARK_GHI_W_M2 = 200.0
OTHER_BASE = 0.7
OTHER_ACTIVE = 0.5
WATER_HEATER_STANDBY = 0.04


class Category(StrEnum):
    AIR_CONDITIONER = "air_conditioner"
    HEATING = "heating"
    DISHWASHER = "dishwasher"
    FRIDGE = "fridge"
    WASHER = "washer"
    DRYER = "dryer"
    OVEN = "oven"
    LIGHTING = "lighting"
    WATER_HEATER = "water_heater"
    POOL_PUMP = "pool_pump"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Occupancy:
    """One local day of a household, in wall-clock hours; `leave`/`back` None when nobody goes out."""

    wake_h: float
    sleep_h: float
    leave_h: float | None
    back_h: float | None

    def state(self, hour: float) -> str:
        if self.leave_h is not None and self.back_h is not None and self.leave_h <= hour < self.back_h:
            return "away"
        if self.wake_h <= hour < self.sleep_h:
            return "home"
        return "asleep"


@lru_cache(maxsize=1 << 14)
def occupancy(seed: str, ordinal: int) -> Occupancy:
    rng = random.Random(f"{seed}|occupancy|{ordinal}")
    u = [rng.random() for _ in range(5)]
    if date.fromordinal(ordinal).weekday() < 5:
        wake = 6.0 + 1.5 * u[0]
        out = u[1] < 0.85  # someone commutes; otherwise a day at home
        leave, back = (wake + 0.75 + 0.5 * u[2], 16.5 + 2.5 * u[3]) if out else (None, None)
        return Occupancy(wake, min(22.5 + 1.5 * u[4], 23.9), leave, back)
    wake = 7.5 + 2.0 * u[0]
    out = u[1] < 0.6
    leave = 10.5 + 3.0 * u[2]
    back = leave + 2.0 + 4.0 * u[3]
    return Occupancy(wake, 23.0 + 0.9 * u[4], leave if out else None, back if out else None)


# --- building day profiles ------------------------------------------------------------------


def _paint(values: list[float], start_h: float, end_h: float, level: float) -> None:
    """Add `level` over [start_h, end_h) (clipped to the day), pro rata in partly covered blocks."""
    start, end = max(start_h, 0.0) * HOUR_BLOCKS, min(end_h, 24.0) * HOUR_BLOCKS
    index = int(start)
    while index < end and index < BLOCKS_PER_DAY:
        overlap = min(end, index + 1) - max(start, index)
        if overlap > 0:
            values[index] += level * overlap
        index += 1


def _run(values: list[float], start_h: float, phases: tuple[tuple[float, float], ...]) -> float:
    """Paint consecutive (minutes, level) phases from `start_h`; returns the end hour."""
    hour = start_h
    for minutes, level in phases:
        _paint(values, hour, hour + minutes / 60.0, level)
        hour += minutes / 60.0
    return hour


def _cycle_share(start_min: float, end_min: float, period: float, duty: float, phase: float) -> float:
    """Share of [start, end) spent in the 'on' part of a cycle (on for duty x period, then off)."""

    def on_until(t: float) -> float:
        cycles, rest = divmod(t + phase * period, period)
        return cycles * duty * period + min(rest, duty * period)

    return (on_until(end_min) - on_until(start_min)) / (end_min - start_min)


def _hours() -> list[float]:
    return [(i + 0.5) / HOUR_BLOCKS for i in range(BLOCKS_PER_DAY)]


_BLOCK_HOURS = _hours()


@dataclass(frozen=True, slots=True)
class Place:
    """What outdoor conditions an appliance day needs: where, and when its local midnight is."""

    latitude: float
    longitude: float
    midnight_epoch_s: float


@lru_cache(maxsize=4096)
def _outdoor(place: Place) -> tuple[list[float], list[float]]:
    """(temperature °C, GHI W/m²) at each wall-clock block midpoint of the local day (shared per place)."""
    ordinal, start_s = sky.solar_clock(place.midnight_epoch_s + BLOCK_S / 2, place.longitude)
    days = solar.location_days(place.latitude, place.longitude, ordinal, 2)
    temps, ghis = [], []
    for index in range(BLOCKS_PER_DAY):
        seconds = start_s + index * BLOCK_S
        day = days[0] if seconds < DAY_S else days[1]
        seconds = seconds if seconds < DAY_S else seconds - DAY_S
        temps.append(day.temperature.at(seconds))
        ghis.append(day.ghi.at(seconds))
    return temps, ghis


def _draws(seed: str, device_id: int, ordinal: int, count: int = 4) -> list[float]:
    rng = random.Random(f"{seed}|{device_id}|day|{ordinal}")
    return [rng.random() for _ in range(count)]


def _laundry(seed: str, ordinal: int, day: Occupancy) -> tuple[float, float] | None:
    """The household's wash of the day as (start, end) hours, or None: shared by washer and dryer."""
    rng = random.Random(f"{seed}|laundry|{ordinal}")
    chance, when = rng.random(), rng.random()
    weekend = date.fromordinal(ordinal).weekday() >= 5
    if chance >= (0.6 if weekend else 0.3):
        return None
    # At home: late morning; after work otherwise.
    start = max(day.wake_h + 1.0, 9.0) + 4.0 * when if day.back_h is None else day.back_h + 0.5 + 1.5 * when
    return start, start + 1.5


def _thermal(values: list[float], day: Occupancy, temps: list[float], *, cooling: bool) -> None:
    for index, (hour, temp) in enumerate(zip(_BLOCK_HOURS, temps, strict=True)):
        state = day.state(hour)
        if cooling:
            values[index] = min(max((temp - COOLING_FROM_C[state]) / COOLING_SPAN_C, 0.0), 1.0)
        else:
            values[index] = min(max((HEATING_BELOW_C[state] - temp) / HEATING_SPAN_C, 0.0), 1.0)


def _build(category: str, seed: str, device_id: int, ordinal: int, place: Place) -> list[float]:
    values = [0.0] * BLOCKS_PER_DAY
    day = occupancy(seed, ordinal)
    u = _draws(seed, device_id, ordinal)
    if category == Category.FRIDGE:
        period, duty, phase = 40.0 + 10.0 * u[0], 0.30 + 0.08 * u[1], u[2]
        for index in range(BLOCKS_PER_DAY):
            start = index * BLOCK_S / 60.0
            values[index] = _cycle_share(start, start + BLOCK_S / 60.0, period, duty, phase)
    elif category in (Category.AIR_CONDITIONER, Category.HEATING):
        _thermal(values, day, _outdoor(place)[0], cooling=category == Category.AIR_CONDITIONER)
    elif category == Category.LIGHTING:
        ghis = _outdoor(place)[1]
        for index, (hour, ghi) in enumerate(zip(_BLOCK_HOURS, ghis, strict=True)):
            if day.state(hour) == "home":
                values[index] = min(max(1.0 - ghi / DARK_GHI_W_M2, 0.0), 1.0)
    elif category == Category.DISHWASHER:
        if u[0] < 0.75:
            start = max(19.5 + 2.0 * u[1], (day.back_h or 0.0) + 2.0)
            _run(values, start, ((5, 0.05), (15, 1.0), (35, 0.05), (12, 1.0), (30, 0.02)))
    elif category in (Category.WASHER, Category.DRYER):
        wash = _laundry(seed, ordinal, day)
        if wash is not None and category == Category.WASHER:
            _run(values, wash[0], ((12, 1.0), (60, 0.1), (18, 0.35)))
        elif wash is not None and u[0] < 0.8:
            _run(values, wash[1] + (5 + 25 * u[1]) / 60.0, ((75, 0.8),))
    elif category == Category.OVEN:
        weekend = date.fromordinal(ordinal).weekday() >= 5
        if u[0] < (0.7 if weekend else 0.5):
            start = (12.0 if weekend and u[3] < 0.4 else 17.5) + 1.5 * u[1]
            if day.state(start) != "away":
                _run(values, start, ((10, 1.0), (30 + 30 * u[2], 0.45)))
    elif category == Category.WATER_HEATER:
        values = [WATER_HEATER_STANDBY] * BLOCKS_PER_DAY
        _run(values, day.wake_h + 0.25 * u[0], ((30 + 30 * u[1], 1.0 - WATER_HEATER_STANDBY),))
        _run(values, 19.0 + 2.0 * u[2], ((20 + 20 * u[3], 0.8 - WATER_HEATER_STANDBY),))
    elif category == Category.POOL_PUMP:
        warm = sum(_outdoor(place)[0]) / BLOCKS_PER_DAY >= 18.0
        hours = 8.0 if warm else 4.0
        _paint(values, 13.0 - hours / 2 + u[0] - 0.5, 13.0 + hours / 2 + u[0] - 0.5, 1.0)
    else:  # OTHER, empty or unknown: a steady base load, higher while people are up
        slow = 2.0 * math.pi * u[0]
        for index, hour in enumerate(_BLOCK_HOURS):
            active = OTHER_ACTIVE if day.state(hour) == "home" else 0.0
            values[index] = OTHER_BASE + active + 0.1 * math.sin(slow + 2.0 * math.pi * hour / 7.0)
    return [max(v, 0.0) for v in values]


_OUTDOOR = frozenset({Category.AIR_CONDITIONER, Category.HEATING, Category.LIGHTING, Category.POOL_PUMP})
_days: BoundedCache[DayProfile] = BoundedCache(1 << 16)


def appliance_day(
    category: str | None, seed: str, device_id: int, ordinal: int, place: Callable[[int], Place]
) -> DayProfile:
    """The appliance's draw as a share of its rating over one local day (cached).

    `place(ordinal)` says where and when the day is; it is only called to build a missing profile
    (the key holds the place for the categories that depend on the weather).
    """
    category = category or Category.OTHER
    outdoor = place(ordinal) if category in _OUTDOOR else None
    key = (category, seed, device_id, ordinal, outdoor)
    profile = _days.get(key)
    if profile is None:
        where = outdoor if outdoor is not None else place(ordinal)
        profile = _days.put(key, DayProfile(_build(category, seed, device_id, ordinal, where)))
    return profile


# --- trips ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Trips:
    """One local day of a vehicle: share of each block away, and the drain (W) while away."""

    away: DayProfile
    drain_w: DayProfile
    driven_km: float


def _vehicle(seed: str, device_id: int) -> tuple[float, float]:
    """(one-way commute km, consumption kWh/100 km), fixed per vehicle."""
    rng = random.Random(f"{seed}|{device_id}|vehicle")
    return 18.0 + 17.0 * rng.random(), 15.0 + 5.0 * rng.random()


def _build_trips(seed: str, device_id: int, ordinal: int) -> Trips:
    day = occupancy(seed, ordinal)
    away, drain = [0.0] * BLOCKS_PER_DAY, [0.0] * BLOCKS_PER_DAY
    km = 0.0
    if day.leave_h is not None and day.back_h is not None:
        commute_km, kwh_per_100km = _vehicle(seed, device_id)
        if date.fromordinal(ordinal).weekday() < 5:
            km = 2.0 * commute_km
        else:
            km = 20.0 + 110.0 * _draws(seed, device_id, ordinal)[3]
        _paint(away, day.leave_h, day.back_h, 1.0)
        _paint(drain, day.leave_h, day.back_h, km * kwh_per_100km * 10.0 / (day.back_h - day.leave_h))
    return Trips(DayProfile(away), DayProfile(drain), km)


_trips: BoundedCache[Trips] = BoundedCache(1 << 14)


def trips(seed: str, device_id: int, ordinal: int) -> Trips:
    key = (seed, device_id, ordinal)
    found = _trips.get(key)
    return found if found is not None else _trips.put(key, _build_trips(seed, device_id, ordinal))
