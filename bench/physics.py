"""Physics per household-tick (no database): an 8-device home, warm caches and a new location-day.

Warm: the day profiles of the home's location, panel and appliances are cached, as on every tick
but the first of a local day. Cold: the first tick of a day at a place not seen before, which
runs pvlib for that day (shared by every home within ~1 km and every later tick of the day).
Baseline in the same run: a tick of a home with no devices (the per-call overhead).
"""

import time
from datetime import UTC, datetime, timedelta

from telemetry import realism
from telemetry.physics import DeviceState, Mode, simulate_household

TICKS = 5_000
COLD_PLACES = 20
START = datetime(2026, 6, 22, 0, 0, tzinfo=UTC)


def _home() -> list[DeviceState]:
    return [
        realism.panel(1, 5_000.0),
        realism.home_battery(2),
        realism.commuter_ev(3, Mode.CHARGING),
        *realism.flat_in_germany()[:5],
    ]


def _ticks(devices: list[DeviceState]) -> None:
    for i in range(TICKS):
        at = START + timedelta(seconds=60 * i)
        simulate_household(devices, local_time=at, dt_hours=1 / 60, seed="b", latitude=52.52, longitude=13.40)


def _per_tick_us(devices: list[DeviceState]) -> float:
    _ticks(devices)  # warm the days' profiles
    began = time.perf_counter()
    _ticks(devices)
    return (time.perf_counter() - began) / TICKS * 1e6


def run() -> dict:
    home = _home()
    empty_us = _per_tick_us([])
    warm_us = _per_tick_us(home)
    began = time.perf_counter()
    for n in range(COLD_PLACES):
        simulate_household(
            home,
            local_time=START,
            dt_hours=1 / 60,
            seed=f"cold{n}",
            latitude=40.0 + n * 0.1,
            longitude=-3.0 - n * 0.1,
        )
    cold_ms = (time.perf_counter() - began) / COLD_PLACES * 1e3
    return {
        "devices": len(home),
        "ticks": TICKS,
        "warm_us_per_household_tick": round(warm_us, 1),
        "baseline_empty_home_us_per_tick": round(empty_us, 1),
        "warm_over_baseline": round(warm_us / empty_us, 1),
        "cold_ms_first_tick_of_a_new_location_day": round(cold_ms, 1),
    }
