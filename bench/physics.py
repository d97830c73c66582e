"""Physics per household-tick (no database): one home with warm caches, and a fleet cycling.

Warm: the day profiles of the home's location, panel and appliances are cached, as on every tick
but the first of a local day. Cold: the first tick of a day at a place not seen before, which
runs pvlib for that day (shared by every home within ~1 km and every later tick of the day).
Baseline in the same run: a tick of a home with no devices (the per-call overhead).

Fleet: N distinct households (BENCH_PHYSICS_HOUSEHOLDS, default 20,000), each ticking once a
minute in this process as the tick service calls the physics (UTC instant -> the home's zone), so
every per-household cache must hold the whole fleet. Homes are bench.homes' 8 devices (panel, AUTO
battery, EV, 5 appliances) in the realism cities' zones, scattered over ±0.05° around each city (~100 of the
solar caches' 0.01° places per city).
A warm-up minute, then RUNS minutes: the median µs per household-tick with its spread; then the
first minute of a new local day, and the memory the fleet's caches hold (resident set growth over
the warm-up; each fleet size has its own households, so a second size's growth is its households'
days, the places being shared). Homes do not carry their charge from minute to minute (the physics
costs the same).
"""

import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.homes import home_device_states
from households.timezones import zone
from telemetry import realism
from telemetry.physics import DeviceState, Mode, simulate_household
from telemetry.services import HouseholdRef

TICKS = 5_000
COLD_PLACES = 20
START = datetime(2026, 6, 22, 0, 0, tzinfo=UTC)
RUNS = 3
FLEET_SPREAD_DEGREES = 0.05
FLEET_HOUR_UTC = 10  # mid-day or evening in the cities' zones, away from every local midnight


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


def _fleet(count: int) -> list[tuple[HouseholdRef, list[DeviceState]]]:
    rng = random.Random("bench-physics-fleet")
    fleet = []
    for index in range(count):
        city = realism.CITIES[index % len(realism.CITIES)]
        latitude = city.latitude + rng.uniform(-FLEET_SPREAD_DEGREES, FLEET_SPREAD_DEGREES)
        longitude = city.longitude + rng.uniform(-FLEET_SPREAD_DEGREES, FLEET_SPREAD_DEGREES)
        ref = HouseholdRef(index + 1, f"h_{count}_{index:014x}", city.timezone, latitude, longitude)
        fleet.append((ref, home_device_states(first_id=index * 8 + 1, appliances=5)))
    return fleet


def _minute_us(fleet, instants: dict[str, datetime]) -> float:
    """One tick of every household at its zone's instant, as simulate_instants calls the physics."""
    zones = {name: zone(name) for name in instants}
    began = time.perf_counter()
    for ref, devices in fleet:
        simulate_household(
            devices,
            local_time=instants[ref.timezone].astimezone(zones[ref.timezone]),
            dt_hours=1 / 60,
            seed=ref.schema_name,
            latitude=ref.latitude,
            longitude=ref.longitude,
        )
    return (time.perf_counter() - began) / len(fleet) * 1e6


def _resident_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def _spread(values: list[float]) -> dict:
    return {
        "median": round(statistics.median(values), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
        "runs": len(values),
    }


def fleet_run(count: int) -> dict:
    fleet = _fleet(count)
    zones = sorted({ref.timezone for ref, _ in fleet})
    resident_before = _resident_mb()
    minute = datetime(2026, 6, 22, FLEET_HOUR_UTC, 0, tzinfo=UTC)

    def same_instant(n: int) -> dict[str, datetime]:
        return dict.fromkeys(zones, minute + timedelta(minutes=n))

    warm_up_us = _minute_us(fleet, same_instant(0))
    steady = [_minute_us(fleet, same_instant(n)) for n in range(1, RUNS + 1)]
    resident_after = _resident_mb()
    # The first minute of a new local day in every zone at once (each household ticks at its zone's
    # local midnight): the worst case, a fleet in one zone. Before it, two catch-up ticks do at once
    # what a real day spreads out: at 22:00 local every cell fetches its next solar days (pvlib; over
    # 11:00-19:00 solar time in a real day), at 23:59 every household builds tomorrow's day (over
    # 23:00-23:49 in a real day, one fiftieth of the fleet a minute).
    solar_ahead, day_ahead, new_day = [], [], []
    for n in range(RUNS):
        midnight = {name: datetime(2026, 6, 23 + n, tzinfo=zone(name)).astimezone(UTC) for name in zones}
        solar_ahead.append(_minute_us(fleet, {k: v - timedelta(hours=2) for k, v in midnight.items()}))
        day_ahead.append(_minute_us(fleet, {k: v - timedelta(minutes=1) for k, v in midnight.items()}))
        new_day.append(_minute_us(fleet, midnight))
    return {
        "households": count,
        "devices_per_household": 8,
        "zones": len(zones),
        "warm_up_minute_us_per_household_tick": round(warm_up_us, 1),
        "us_per_household_tick": _spread(steady),
        "seconds_per_fleet_minute": round(statistics.median(steady) * count / 1e6, 1),
        "solar_days_ahead_catch_up_us_per_household_tick": _spread(solar_ahead),
        "tomorrow_ahead_catch_up_us_per_household_tick": _spread(day_ahead),
        "new_day_first_minute_us_per_household_tick": _spread(new_day),
        "new_day_first_minute_seconds": round(statistics.median(new_day) * count / 1e6, 1),
        "cache_mb_per_1000_households": round((resident_after - resident_before) / count * 1000, 2),
    }


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
    counts = os.environ.get("BENCH_PHYSICS_HOUSEHOLDS", "20000")
    return {
        "devices": len(home),
        "ticks": TICKS,
        "warm_us_per_household_tick": round(warm_us, 1),
        "baseline_empty_home_us_per_tick": round(empty_us, 1),
        "warm_over_baseline": round(warm_us / empty_us, 1),
        "cold_ms_first_tick_of_a_new_location_day": round(cold_ms, 1),
        "fleet": {count: fleet_run(int(count)) for count in counts.split(",")},
    }
