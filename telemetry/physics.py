"""Plain-Python physics of one simulated household tick: solar, appliances, batteries and EVs.

No Django here on purpose: the tick service feeds in `DeviceState`s and stores the returned
`DeviceOutcome`s, so the rules can be property-tested (and benchmarked) without a database.

Sign convention, from the home's side: positive power supplies the home (solar, discharging),
negative power draws from it (appliances, charging). All randomness comes from `random.Random`
seeded with strings, never `hash()`, so the same inputs give the same outputs in any process.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache

from devices.kinds import KINDS

STORAGE_EFFICIENCY: float = 0.95
"""Charging adds |p|·dt·η Wh to a store; discharging removes p·dt/η Wh."""

EPSILON_WH = 1e-6
EPSILON_W = 1e-6

SUNRISE_H = 6.5
SUNSET_H = 19.5
SEASONAL_SWING_H = 1.0
SUMMER_SOLSTICE_DAY = 172
# Clear-sky noon output as a share of the rating: ~0.8 at midsummer, ~0.4 at midwinter (mid
# latitudes; panels rarely reach their rating). Gives ~5 kWh/kW on summer days, ~2 in winter.
CLEAR_SKY_PEAK_MEAN = 0.6
CLEAR_SKY_PEAK_SWING = 0.2
PEAK_START_H = 10.0
PEAK_END_H = 14.0
CLOUD_NOISE = 0.08
RAMP_CEILING = 1.0 - CLOUD_NOISE
WEATHER_MIN = 0.35

APPLIANCE_NOISE = 0.05
OTHER_DUTY = 0.1


# The device kinds of the registry (devices.kinds, plain Python); simulate_household handles each.
Kind = StrEnum("Kind", [(kind.name, kind.value) for kind in KINDS])


class Mode(StrEnum):
    AUTO = "auto"
    CHARGING = "charging"
    DISCHARGING = "discharging"
    IDLE = "idle"


class Category(StrEnum):
    AIR_CONDITIONER = "air_conditioner"
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
class DeviceState:
    """What the simulation needs to know about one device before the tick."""

    id: int
    kind: Kind | str
    rated_capacity_w: float | None = None
    capacity_wh: float | None = None
    charge_wh: float | None = None
    max_charge_rate_w: float | None = None
    max_discharge_rate_w: float | None = None
    mode: Mode | str | None = None
    average_power_w: float | None = None
    category: Category | str | None = None


@dataclass(frozen=True, slots=True)
class DeviceOutcome:
    """One reading: power is signed from the home's side, energy_wh = power_w · dt."""

    device_id: int
    power_w: float
    energy_wh: float
    charge_wh: float | None
    is_on: bool | None


# --- randomness -------------------------------------------------------------------------------


def device_rng(seed: str, device_id: int, local_time: datetime) -> random.Random:
    """The per-device, per-tick generator; keyed by the UTC instant so DST cannot repeat it."""
    return random.Random(f"{seed}|{device_id}|{int(local_time.timestamp())}")


@lru_cache(maxsize=1 << 16)
def _day_draws(day_key: str, ordinal: int) -> tuple[float, float, float, float]:
    """Four uniforms fixed for one device and local date (run start times, which days it runs)."""
    rng = random.Random(f"{day_key}|day|{ordinal}")
    return (rng.random(), rng.random(), rng.random(), rng.random())


def day_draws(day_key: str, day: date) -> tuple[float, float, float, float]:
    return _day_draws(day_key, day.toordinal())


@lru_cache(maxsize=1 << 14)
def _weather(seed: str, ordinal: int) -> float:
    # Skewed toward sunny days; a cloudy day still yields WEATHER_MIN of the rating.
    u = random.Random(f"{seed}|weather|{ordinal}").random()
    return WEATHER_MIN + (1.0 - WEATHER_MIN) * u**0.6


def weather_factor(seed: str, day: date) -> float:
    """Fraction of the rating reachable on this local date, in [WEATHER_MIN, 1]."""
    return _weather(seed, day.toordinal())


# --- solar ------------------------------------------------------------------------------------


def local_hour(local_time: datetime) -> float:
    """Wall-clock hour as a float; on DST days some values repeat or are skipped, as on a clock."""
    return local_time.hour + local_time.minute / 60.0 + local_time.second / 3600.0


@lru_cache(maxsize=4096)
def _season(ordinal: int, southern: bool) -> float:
    """+1 at the local midsummer, -1 at midwinter; the southern hemisphere is half a year out."""
    day_of_year = date.fromordinal(ordinal).timetuple().tm_yday + (182 if southern else 0)
    return math.cos(2.0 * math.pi * (day_of_year - SUMMER_SOLSTICE_DAY) / 365.25)


def _daylight(ordinal: int, southern: bool = False) -> tuple[float, float]:
    swing = SEASONAL_SWING_H * _season(ordinal, southern)
    return SUNRISE_H - swing, SUNSET_H + swing


def _seasonal_month(month: int, southern: bool) -> int:
    """The northern-hemisphere month with the same season (July weather in a Sydney January)."""
    return (month + 5) % 12 + 1 if southern else month


def daylight_hours(day: date, *, southern_hemisphere: bool = False) -> tuple[float, float]:
    """(sunrise, sunset) local hours: a ±1 h seasonal swing, longest days at the local midsummer."""
    return _daylight(day.toordinal(), southern_hemisphere)


def clear_sky_peak(day: date, *, southern_hemisphere: bool = False) -> float:
    """Share of the rating a panel reaches at noon on a clear day of this date."""
    return CLEAR_SKY_PEAK_MEAN + CLEAR_SKY_PEAK_SWING * _season(day.toordinal(), southern_hemisphere)


def solar_profile(hour: float, sunrise: float, sunset: float) -> float:
    """Fraction of the day's plateau: 0 at night, S-shaped ramps, 1 from 10:00 to 14:00.

    The ramps top out at RAMP_CEILING, which is the lowest the plateau can be after cloud noise,
    so the day's maximum always falls in the 10:00-14:00 window.
    """
    if hour <= sunrise or hour >= sunset:
        return 0.0
    if hour < PEAK_START_H:
        x = (hour - sunrise) / (PEAK_START_H - sunrise)
    elif hour <= PEAK_END_H:
        return 1.0
    else:
        x = (sunset - hour) / (sunset - PEAK_END_H)
    s = math.sin(0.5 * math.pi * x)
    return RAMP_CEILING * s * s


def solar_output_w(
    rated_capacity_w: float | None,
    local_time: datetime,
    *,
    weather: float = 1.0,
    cloud: float = 0.0,
    southern_hemisphere: bool = False,
) -> float:
    """Panel output in W (>= 0, <= rating); `weather` in [0, 1] per day, `cloud` in [0, 1] per tick."""
    rating = rated_capacity_w or 0.0
    if rating <= 0.0:
        return 0.0
    day = local_time.date()
    sunrise, sunset = _daylight(day.toordinal(), southern_hemisphere)
    profile = solar_profile(local_hour(local_time), sunrise, sunset)
    if profile <= 0.0:
        return 0.0
    peak = clear_sky_peak(day, southern_hemisphere=southern_hemisphere)
    return _solar_w(rating, profile, weather * peak, cloud)


def _solar_w(rating: float, profile: float, weather: float, cloud: float) -> float:
    weather = min(max(weather, 0.0), 1.0)
    cloud = min(max(cloud, 0.0), 1.0)
    return min(rating * weather * profile * (1.0 - CLOUD_NOISE * cloud), rating)


# --- appliances -------------------------------------------------------------------------------

_Schedule = Callable[[float, int, float, tuple[float, float, float, float]], bool]


def _cycling(hour: float, period_min: float, duty: float, phase: float) -> bool:
    """A thermostat-like on/off cycle: on for `duty` of every `period_min` minutes."""
    return ((hour * 60.0 + phase * period_min) % period_min) < duty * period_min


def _fridge(hour: float, month: int, sunset: float, u: tuple[float, float, float, float]) -> bool:
    return _cycling(hour, 40.0 + 10.0 * u[0], 0.30 + 0.08 * u[1], u[2])


_HOT_DAY_CHANCE = {4: 0.1, 5: 0.4, 6: 0.85, 7: 0.9, 8: 0.85, 9: 0.45, 10: 0.1}


def _air_conditioner(hour: float, month: int, sunset: float, u: tuple[float, float, float, float]) -> bool:
    if u[0] >= _HOT_DAY_CHANCE.get(month, 0.02):
        return False
    start, end = 12.5 + 1.5 * u[1], 21.0 + 1.5 * u[2]
    return start <= hour < end and _cycling(hour, 30.0, 0.7, u[3])


def _dishwasher(hour: float, month: int, sunset: float, u: tuple[float, float, float, float]) -> bool:
    start = 19.25 + 0.5 * u[0]
    return start <= hour < start + 1.5


def _washer(hour: float, month: int, sunset: float, u: tuple[float, float, float, float]) -> bool:
    start = 9.0 + 7.0 * u[1]
    return u[0] < 0.5 and start <= hour < start + 1.0


def _dryer(hour: float, month: int, sunset: float, u: tuple[float, float, float, float]) -> bool:
    start = 11.0 + 6.0 * u[1]
    return u[0] < 0.4 and start <= hour < start + 1.0


def _oven(hour: float, month: int, sunset: float, u: tuple[float, float, float, float]) -> bool:
    start = 17.5 + u[1]
    return u[0] < 0.75 and start <= hour < start + 0.5 + 0.5 * u[2]


def _lighting(hour: float, month: int, sunset: float, u: tuple[float, float, float, float]) -> bool:
    morning = 6.25 + 0.25 * u[2]
    if morning <= hour < morning + 1.0:
        return True
    return sunset - 0.75 + 0.5 * u[0] <= hour < 22.5 + u[1]


def _water_heater(hour: float, month: int, sunset: float, u: tuple[float, float, float, float]) -> bool:
    shift = 0.5 * (u[0] - 0.5)
    in_window = 6.0 + shift <= hour < 8.0 + shift or 18.0 + shift <= hour < 21.0 + shift
    return in_window and _cycling(hour, 20.0, 0.6, u[1])


def _pool_pump(hour: float, month: int, sunset: float, u: tuple[float, float, float, float]) -> bool:
    shift = 0.5 * (u[0] - 0.5)
    if 5 <= month <= 9:
        return 9.0 + shift <= hour < 17.0 + shift
    return 10.0 + shift <= hour < 14.0 + shift


_SCHEDULES: dict[str, _Schedule] = {
    Category.FRIDGE: _fridge,
    Category.AIR_CONDITIONER: _air_conditioner,
    Category.DISHWASHER: _dishwasher,
    Category.WASHER: _washer,
    Category.DRYER: _dryer,
    Category.OVEN: _oven,
    Category.LIGHTING: _lighting,
    Category.WATER_HEATER: _water_heater,
    Category.POOL_PUMP: _pool_pump,
}


def _is_on(
    category: Category | str | None,
    hour: float,
    month: int,
    sunset: float,
    draws: tuple[float, float, float, float],
    rng: Callable[[], random.Random],
) -> bool:
    schedule = _SCHEDULES.get(category) if category else None
    if schedule is None:  # OTHER, empty or unknown: a low random duty
        return rng().random() < OTHER_DUTY
    return schedule(hour, month, sunset, draws)


def appliance_is_on(
    category: Category | str | None, local_time: datetime, rng: random.Random, *, day_key: str = ""
) -> bool:
    """Whether the appliance runs at this local time.

    Day-level choices (does the washer run today, when does the dishwasher start) come from
    `day_key` (e.g. "seed|device id") and the local date, so they hold across the day's ticks;
    `rng` is the tick's generator, used only by categories without a schedule.
    """
    ordinal = local_time.toordinal()
    return _is_on(
        category,
        local_hour(local_time),
        local_time.month,
        _daylight(ordinal)[1],
        _day_draws(day_key, ordinal),
        lambda: rng,
    )


def appliance_power_w(average_power_w: float | None, is_on: bool, noise: float = 0.5) -> float:
    """Draw (<= 0) of an appliance: about its average when on, within ±APPLIANCE_NOISE; 0 when off."""
    average = average_power_w or 0.0
    if not is_on or average <= 0.0:
        return 0.0
    noise = min(max(noise, 0.0), 1.0)
    return -average * (1.0 + APPLIANCE_NOISE * (2.0 * noise - 1.0))


# --- storage ----------------------------------------------------------------------------------


def store_step(
    capacity_wh: float | None,
    charge_wh: float | None,
    requested_power_w: float,
    max_charge_rate_w: float | None,
    max_discharge_rate_w: float | None,
    dt_hours: float,
    *,
    floor_wh: float = 0.0,
) -> tuple[float, float]:
    """Grant what a store can of `requested_power_w` (<0 charge, >0 discharge): (power_w, new charge).

    Power is bounded by the rate limits and by what fits between `floor_wh` (an EV's reserve,
    else empty) and full, counting STORAGE_EFFICIENCY both ways; the new charge is clamped.
    """
    capacity = max(capacity_wh or 0.0, 0.0)
    charge = min(max(charge_wh or 0.0, 0.0), capacity)
    if requested_power_w < 0.0:
        room = capacity - charge
        rate = max_charge_rate_w or 0.0
        if room <= EPSILON_WH or rate <= 0.0:
            return 0.0, charge
        power = min(-requested_power_w, rate)
        if dt_hours > 0.0:
            power = min(power, room / (dt_hours * STORAGE_EFFICIENCY))
            charge = min(charge + power * dt_hours * STORAGE_EFFICIENCY, capacity)
        return -power, charge
    if requested_power_w > 0.0:
        floor = min(max(floor_wh, 0.0), capacity)
        available = charge - floor
        rate = max_discharge_rate_w or 0.0
        if available <= EPSILON_WH or rate <= 0.0:
            return 0.0, charge
        power = min(requested_power_w, rate)
        if dt_hours > 0.0:
            power = min(power, available * STORAGE_EFFICIENCY / dt_hours)
            charge = max(charge - power * dt_hours / STORAGE_EFFICIENCY, floor)
        return power, charge
    return 0.0, charge


def _store_outcome(
    device: DeviceState, requested_w: float, dt_hours: float, floor_wh: float = 0.0
) -> DeviceOutcome:
    """Grant a store what its limits allow of the requested power; the reading that results."""
    power, charge = store_step(
        device.capacity_wh,
        device.charge_wh,
        requested_w,
        device.max_charge_rate_w,
        device.max_discharge_rate_w,
        dt_hours,
        floor_wh=floor_wh,
    )
    return DeviceOutcome(device.id, power, power * dt_hours, charge, None)


# --- the household ----------------------------------------------------------------------------


def simulate_household(
    devices: Sequence[DeviceState],
    *,
    local_time: datetime,
    dt_hours: float,
    seed: str,
    ev_reserve_fraction: float = 0.2,
    southern_hemisphere: bool = False,
) -> list[DeviceOutcome]:
    """One tick for one household; one outcome per device, in input order.

    Order: solar, appliances and owner-commanded stores (EV charging, battery modes) first; then
    discharging EVs cover what is still missing (so they never push the home into export); then
    AUTO batteries, in order, absorb the surplus or cover the deficit left over.
    """
    epoch = int(local_time.timestamp())
    hour = local_hour(local_time)
    ordinal = local_time.toordinal()
    month = _seasonal_month(local_time.month, southern_hemisphere)
    sunrise, sunset = _daylight(ordinal, southern_hemisphere)
    sunshine = _weather(seed, ordinal) * (
        CLEAR_SKY_PEAK_MEAN + CLEAR_SKY_PEAK_SWING * _season(ordinal, southern_hemisphere)
    )
    reserve_fraction = min(max(ev_reserve_fraction, 0.0), 1.0)

    outcomes: list[DeviceOutcome | None] = [None] * len(devices)
    balance = 0.0
    vehicle_to_home: list[int] = []
    auto: list[int] = []

    for index, device in enumerate(devices):
        kind = device.kind
        if kind == Kind.SOLAR_PANEL:
            rating = device.rated_capacity_w or 0.0
            profile = solar_profile(hour, sunrise, sunset) if rating > 0.0 else 0.0
            if profile > 0.0:
                cloud = random.Random(f"{seed}|{device.id}|{epoch}").random()
                power = _solar_w(rating, profile, sunshine, cloud)
            else:
                power = 0.0
            outcomes[index] = DeviceOutcome(device.id, power, power * dt_hours, None, None)
        elif kind == Kind.APPLIANCE:
            tick_rng: list[random.Random] = []

            def rng(device_id: int = device.id, made: list[random.Random] = tick_rng) -> random.Random:
                if not made:
                    made.append(random.Random(f"{seed}|{device_id}|{epoch}"))
                return made[0]

            draws = _day_draws(f"{seed}|{device.id}", ordinal)
            on = _is_on(device.category, hour, month, sunset, draws, rng)
            power = appliance_power_w(device.average_power_w, on, rng().random()) if on else 0.0
            outcomes[index] = DeviceOutcome(device.id, power, power * dt_hours, None, on)
        elif kind == Kind.ELECTRIC_VEHICLE:
            if device.mode == Mode.DISCHARGING:
                vehicle_to_home.append(index)
                continue
            requested = -(device.max_charge_rate_w or 0.0) if device.mode == Mode.CHARGING else 0.0
            outcomes[index] = _store_outcome(device, requested, dt_hours)
        elif kind == Kind.BATTERY:
            mode = device.mode or Mode.AUTO
            if mode == Mode.AUTO:
                auto.append(index)
                continue
            if mode == Mode.CHARGING:
                requested = -(device.max_charge_rate_w or 0.0)
            elif mode == Mode.DISCHARGING:
                requested = device.max_discharge_rate_w or 0.0
            else:
                requested = 0.0
            outcomes[index] = _store_outcome(device, requested, dt_hours)
        else:
            raise ValueError(f"unknown device kind {kind!r} (device {device.id})")
        balance += outcomes[index].power_w  # type: ignore[union-attr]

    for index in vehicle_to_home:
        device = devices[index]
        deficit = -balance if balance < -EPSILON_W else 0.0
        outcomes[index] = _store_outcome(
            device, deficit, dt_hours, floor_wh=reserve_fraction * (device.capacity_wh or 0.0)
        )
        balance += outcomes[index].power_w

    for index in auto:
        device = devices[index]
        # A surplus (balance > 0) asks the battery to charge, a deficit to discharge.
        requested = -balance if abs(balance) > EPSILON_W else 0.0
        outcomes[index] = _store_outcome(device, requested, dt_hours)
        balance += outcomes[index].power_w

    return outcomes  # type: ignore[return-value]
