"""Properties of the simulation physics: plain Python, no database, so hypothesis can roam."""

import dataclasses
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telemetry import physics
from telemetry.physics import (
    STORAGE_EFFICIENCY,
    Category,
    DeviceOutcome,
    DeviceState,
    Kind,
    Mode,
    appliance_is_on,
    appliance_power_w,
    simulate_household,
    solar_output_w,
    store_step,
)

ROOT = Path(__file__).resolve().parents[2]
ZONES = [ZoneInfo(name) for name in ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC")]
TOLERANCE_W = 1e-6
MINUTE_H = 1 / 60

capacities = st.floats(1.0, 100_000.0)
rates = st.floats(0.0, 20_000.0)
fractions = st.floats(0.0, 1.0)
durations = st.floats(1 / 3600, 1.0)
requests = st.floats(-30_000.0, 30_000.0)
local_times = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.sampled_from(ZONES)
)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
seeds = st.text(min_size=1, max_size=12)


def net_w(outcomes: list[DeviceOutcome]) -> float:
    return sum(o.power_w for o in outcomes)


def grid(outcomes: list[DeviceOutcome]) -> tuple[float, float]:
    """(import, export) in W."""
    net = net_w(outcomes)
    return max(-net, 0.0), max(net, 0.0)


def day_of_ticks(day: date, tz: ZoneInfo, step: timedelta = timedelta(minutes=1)) -> list[datetime]:
    """Local instants from local midnight to the next, built from UTC so DST days have 23 or 25 h."""
    start = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
    following = day + timedelta(days=1)
    end = datetime(following.year, following.month, following.day, tzinfo=tz).astimezone(UTC)
    instants = []
    while start < end:
        instants.append(start.astimezone(tz))
        start += step
    return instants


def store(device_id: int, kind: Kind, mode, capacity, fraction, charge_rate, discharge_rate) -> DeviceState:
    return DeviceState(
        id=device_id,
        kind=kind,
        capacity_wh=capacity,
        charge_wh=capacity * fraction,
        max_charge_rate_w=charge_rate,
        max_discharge_rate_w=discharge_rate,
        mode=mode,
    )


@st.composite
def stores(draw, kind: Kind, modes):
    return store(
        0,
        kind,
        draw(modes),
        draw(capacities),
        draw(fractions),
        draw(st.floats(1.0, 20_000.0)),
        draw(st.floats(1.0, 20_000.0)),
    )


@st.composite
def households(draw) -> list[DeviceState]:
    """A random mix of every kind; ids are assigned in order so each device seeds its own stream."""
    devices = [DeviceState(0, Kind.SOLAR_PANEL, rated_capacity_w=draw(st.floats(0.0, 12_000.0)))]
    for _ in range(draw(st.integers(0, 5))):
        devices.append(
            DeviceState(
                0,
                Kind.APPLIANCE,
                average_power_w=draw(st.floats(0.0, 5_000.0)),
                category=draw(st.sampled_from(list(Category))),
            )
        )
    battery_modes = st.sampled_from([None, *Mode])
    devices += draw(st.lists(stores(Kind.BATTERY, battery_modes), max_size=2))
    ev_modes = st.sampled_from([None, Mode.CHARGING, Mode.DISCHARGING, Mode.IDLE])
    devices += draw(st.lists(stores(Kind.ELECTRIC_VEHICLE, ev_modes), max_size=2))
    order = draw(st.permutations(range(len(devices))))
    return [dataclasses.replace(devices[i], id=n + 1) for n, i in enumerate(order)]


# --- storage ----------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(capacities, fractions, requests, rates, rates, durations)
def test_a_store_step_keeps_charge_and_rate_in_bounds(capacity, fraction, requested, up, down, dt):
    charge = capacity * fraction

    power, new_charge = store_step(capacity, charge, requested, up, down, dt)

    assert 0.0 <= new_charge <= capacity
    assert -up <= power <= down
    assert abs(power) <= abs(requested)
    assert power * requested >= 0.0  # never the opposite of what was asked
    if power < 0:
        expected = charge - power * dt * STORAGE_EFFICIENCY
    else:
        expected = charge - power * dt / STORAGE_EFFICIENCY
    assert new_charge == pytest.approx(expected, rel=1e-9, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(capacities, rates, rates, durations)
def test_a_full_store_cannot_charge_and_an_empty_one_cannot_discharge(capacity, up, down, dt):
    assert store_step(capacity, capacity, -up, up, down, dt) == (0.0, capacity)
    assert store_step(capacity, 0.0, down, up, down, dt) == (0.0, 0.0)


@settings(max_examples=150, deadline=None)
@given(capacities, st.floats(-1e6, 1e6), requests, rates, rates, durations)
def test_a_charge_out_of_bounds_is_clamped_first(capacity, charge, requested, up, down, dt):
    _, new_charge = store_step(capacity, charge, requested, up, down, dt)

    assert 0.0 <= new_charge <= capacity


def test_a_store_step_follows_the_stated_efficiency():
    assert store_step(10_000, 5_000, -2_000, 3_000, 3_000, 0.5) == (-2_000, 5_000 + 1_000 * 0.95)
    power, charge = store_step(10_000, 5_000, 2_000, 3_000, 3_000, 0.5)
    assert power == 2_000
    assert charge == pytest.approx(5_000 - 1_000 / 0.95)


def test_a_store_near_full_only_takes_what_fits():
    power, charge = store_step(10_000, 9_990, -5_000, 5_000, 5_000, 1.0)

    assert power == pytest.approx(-10 / 0.95)
    assert charge == pytest.approx(10_000)


@settings(max_examples=40, deadline=None)
@given(
    households(),
    local_times,
    st.lists(st.sampled_from([1 / 60, 5 / 60, 0.25, 1.0]), min_size=1, max_size=40),
    seeds,
    fractions,
)
def test_stores_stay_in_bounds_over_any_sequence_of_ticks(devices, start, steps, seed, reserve):
    at = start
    for dt in steps:
        outcomes = simulate_household(
            devices, local_time=at, dt_hours=dt, seed=seed, ev_reserve_fraction=reserve
        )
        assert [o.device_id for o in outcomes] == [d.id for d in devices]
        for device, outcome in zip(devices, outcomes, strict=True):
            assert outcome.energy_wh == outcome.power_w * dt
            if device.kind in (Kind.BATTERY, Kind.ELECTRIC_VEHICLE):
                assert 0.0 <= outcome.charge_wh <= device.capacity_wh
                assert -device.max_charge_rate_w <= outcome.power_w <= device.max_discharge_rate_w
                assert outcome.is_on is None
                if outcome.power_w < 0:
                    gained = -outcome.power_w * dt * STORAGE_EFFICIENCY
                else:
                    gained = -outcome.power_w * dt / STORAGE_EFFICIENCY
                assert outcome.charge_wh - device.charge_wh == pytest.approx(gained, rel=1e-9, abs=1e-6)
            else:
                assert outcome.charge_wh is None
        devices = [
            dataclasses.replace(d, charge_wh=o.charge_wh) if o.charge_wh is not None else d
            for d, o in zip(devices, outcomes, strict=True)
        ]
        at = (at.astimezone(UTC) + timedelta(hours=dt)).astimezone(at.tzinfo)


# --- solar ------------------------------------------------------------------------------------


night_hours = st.one_of(st.floats(22.0, 23.999), st.floats(0.0, 4.0))


@settings(max_examples=200, deadline=None)
@given(days, night_hours, st.floats(0.0, 20_000.0), fractions, fractions, st.sampled_from(ZONES))
def test_solar_is_zero_at_local_night(day, hour, rating, weather, cloud, tz):
    seconds = int(hour * 3600)
    at = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(seconds=seconds)

    assert solar_output_w(rating, at, weather=weather, cloud=cloud) == 0.0
    [outcome] = simulate_household(
        [DeviceState(1, Kind.SOLAR_PANEL, rated_capacity_w=rating)],
        local_time=at,
        dt_hours=MINUTE_H,
        seed="s",
    )
    assert outcome.power_w == 0.0


@settings(max_examples=200, deadline=None)
@given(local_times, st.floats(0.0, 20_000.0), st.floats(-1.0, 2.0), st.floats(-1.0, 2.0))
def test_solar_is_never_negative_nor_above_its_rating(at, rating, weather, cloud):
    assert 0.0 <= solar_output_w(rating, at, weather=weather, cloud=cloud) <= rating


@settings(max_examples=15, deadline=None)
@given(days, st.sampled_from(ZONES), seeds, st.floats(100.0, 12_000.0))
def test_solar_peaks_between_ten_and_two_local(day, tz, seed, rating):
    panel = [DeviceState(7, Kind.SOLAR_PANEL, rated_capacity_w=rating)]
    output = [
        (simulate_household(panel, local_time=at, dt_hours=MINUTE_H, seed=seed)[0].power_w, at)
        for at in day_of_ticks(day, tz)
    ]

    peak, at = max(output, key=lambda pair: pair[0])
    assert peak > 0.0
    assert 10 <= at.hour < 14 or (at.hour, at.minute) == (14, 0)
    assert all(0.0 <= watts <= rating for watts, _ in output)


@settings(max_examples=100, deadline=None)
@given(days, st.floats(0.0, 9.999), st.floats(14.001, 23.999))
def test_the_clearest_ramp_stays_below_the_cloudiest_plateau(day, before, after):
    def at(hour: float) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(seconds=round(hour * 3600))

    plateau = min(solar_output_w(1000, at(hour), cloud=1.0) for hour in (10.0, 12.0, 14.0))
    assert solar_output_w(1000, at(before), cloud=0.0) < plateau
    assert solar_output_w(1000, at(after), cloud=0.0) < plateau


def test_solar_rises_after_sunrise_and_days_are_longer_in_summer():
    def daylight_minutes(day: date) -> int:
        ticks = day_of_ticks(day, ZoneInfo("UTC"))
        return sum(solar_output_w(1000, at) > 0 for at in ticks)

    assert daylight_minutes(date(2026, 6, 21)) > daylight_minutes(date(2026, 12, 21)) + 180
    assert solar_output_w(1000, datetime(2026, 3, 20, 8, tzinfo=UTC)) > 0.0


def test_some_days_are_cloudy():
    factors = [physics.weather_factor("home", date(2026, 5, 1) + timedelta(days=n)) for n in range(60)]

    assert all(physics.WEATHER_MIN <= f <= 1.0 for f in factors)
    assert min(factors) < 0.6 and max(factors) > 0.9


# --- appliances -------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([*Category, None, "unknown"]),
    local_times,
    st.one_of(st.none(), st.floats(0.0, 10_000.0)),
    seeds,
)
def test_appliances_never_produce(category, at, average, seed):
    device = DeviceState(3, Kind.APPLIANCE, average_power_w=average, category=category)

    [outcome] = simulate_household([device], local_time=at, dt_hours=MINUTE_H, seed=seed)

    assert outcome.power_w <= 0.0
    assert -outcome.power_w <= 1.1 * (average or 0.0)
    assert outcome.is_on in (True, False)
    if outcome.is_on and average:
        assert -outcome.power_w >= 0.9 * average


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.none(), st.floats(-100.0, 10_000.0)), st.booleans(), st.floats(-1.0, 2.0))
def test_appliance_power_stays_near_its_average(average, is_on, noise):
    power = appliance_power_w(average, is_on, noise)

    assert power <= 0.0
    assert -power <= 1.1 * max(average or 0.0, 0.0)


def _minutes_on(category: Category, day: date, seed: str = "home") -> list[datetime]:
    device = DeviceState(5, Kind.APPLIANCE, average_power_w=1000, category=category)
    return [
        at
        for at in day_of_ticks(day, ZoneInfo("Europe/Berlin"))
        if simulate_household([device], local_time=at, dt_hours=MINUTE_H, seed=seed)[0].is_on
    ]


@settings(max_examples=10, deadline=None)
@given(days, seeds)
def test_a_dishwasher_runs_about_an_hour_and_a_half_in_the_evening(day, seed):
    on = _minutes_on(Category.DISHWASHER, day, seed)

    assert 80 <= len(on) <= 100
    assert all(19 <= at.hour + at.minute / 60 < 21.5 for at in on)


@settings(max_examples=10, deadline=None)
@given(days, seeds)
def test_a_fridge_cycles_through_the_day(day, seed):
    on = _minutes_on(Category.FRIDGE, day, seed)
    minutes = len(day_of_ticks(day, ZoneInfo("Europe/Berlin")))

    assert 0.2 <= len(on) / minutes <= 0.6
    # Every local hour the clock shows that day (a spring-forward day skips one).
    assert {at.hour for at in on} == {at.hour for at in day_of_ticks(day, ZoneInfo("Europe/Berlin"))}


def test_air_conditioning_runs_on_summer_afternoons_more_than_in_winter():
    def hours_on(month: int) -> list[int]:
        tz = ZoneInfo("America/New_York")
        hours = []
        for day in range(1, 29):
            for hour in range(24):
                for minute in (0, 30):
                    at = datetime(2026, month, day, hour, minute, tzinfo=tz)
                    rng = physics.device_rng("home", 1, at)
                    if appliance_is_on(Category.AIR_CONDITIONER, at, rng, day_key="home|1"):
                        hours.append(hour)
        return hours

    july, january = hours_on(7), hours_on(1)
    assert len(july) > 5 * max(len(january), 1)
    assert all(12 <= hour <= 22 for hour in july)


def test_washer_runs_only_on_some_days():
    runs = [bool(_minutes_on(Category.WASHER, date(2026, 4, 1) + timedelta(days=n))) for n in range(14)]

    assert any(runs) and not all(runs)


# --- households: batteries and vehicles -------------------------------------------------------


@settings(max_examples=120, deadline=None)
@given(households(), stores(Kind.BATTERY, st.just(Mode.AUTO)), st.integers(0, 6), local_times, seeds)
def test_an_auto_battery_never_increases_import_nor_export(devices, battery, position, at, seed):
    battery = dataclasses.replace(battery, id=100)
    with_auto = [*devices[:position], battery, *devices[position:]]
    with_idle = [dataclasses.replace(d, mode=Mode.IDLE) if d.id == 100 else d for d in with_auto]

    imported, exported = grid(simulate_household(with_auto, local_time=at, dt_hours=MINUTE_H, seed=seed))
    imported_idle, exported_idle = grid(
        simulate_household(with_idle, local_time=at, dt_hours=MINUTE_H, seed=seed)
    )

    assert imported <= imported_idle + TOLERANCE_W
    assert exported <= exported_idle + TOLERANCE_W


def test_an_auto_battery_soaks_up_solar_and_covers_the_evening():
    battery = store(2, Kind.BATTERY, None, 10_000, 0.5, 3_000, 3_000)
    panel = DeviceState(1, Kind.SOLAR_PANEL, rated_capacity_w=2_000)
    oven = DeviceState(3, Kind.APPLIANCE, average_power_w=5_000, category=Category.OTHER)
    noon = datetime(2026, 6, 21, 12, tzinfo=ZoneInfo("Europe/Berlin"))

    solar, absorbed = simulate_household([panel, battery], local_time=noon, dt_hours=MINUTE_H, seed="s")
    assert absorbed.power_w == pytest.approx(-solar.power_w)

    night = noon.replace(hour=23)
    fridge = DeviceState(3, Kind.APPLIANCE, average_power_w=1_000, category=Category.FRIDGE)
    for load in (fridge, oven):
        outcomes = simulate_household([load, battery], local_time=night, dt_hours=MINUTE_H, seed="s")
        assert outcomes[1].power_w == pytest.approx(min(-outcomes[0].power_w, 3_000))


@settings(max_examples=100, deadline=None)
@given(households(), stores(Kind.ELECTRIC_VEHICLE, st.just(Mode.CHARGING)), local_times)
def test_a_full_vehicle_draws_nothing_when_charging(devices, vehicle, at):
    full = dataclasses.replace(vehicle, id=100, charge_wh=vehicle.capacity_wh)

    outcome = simulate_household([*devices, full], local_time=at, dt_hours=MINUTE_H, seed="s")[-1]

    assert outcome.power_w == 0.0
    assert outcome.charge_wh == full.capacity_wh


@settings(max_examples=100, deadline=None)
@given(stores(Kind.ELECTRIC_VEHICLE, st.just(Mode.CHARGING)), durations)
def test_a_charging_vehicle_draws_its_rate_until_full(vehicle, dt):
    [outcome] = simulate_household(
        [vehicle], local_time=datetime(2026, 1, 1, tzinfo=UTC), dt_hours=dt, seed="s"
    )

    room = vehicle.capacity_wh - vehicle.charge_wh
    if room > 1e-6:
        expected = min(vehicle.max_charge_rate_w, room / (dt * STORAGE_EFFICIENCY))
        assert outcome.power_w == pytest.approx(-expected)


@settings(max_examples=150, deadline=None)
@given(
    households(), stores(Kind.ELECTRIC_VEHICLE, st.just(Mode.DISCHARGING)), fractions, fractions, local_times
)
def test_a_vehicle_at_or_below_its_reserve_supplies_nothing(devices, vehicle, reserve, below, at):
    low = dataclasses.replace(vehicle, id=100, charge_wh=vehicle.capacity_wh * reserve * below)
    heavy_load = DeviceState(101, Kind.APPLIANCE, average_power_w=50_000, category=Category.OTHER)

    outcomes = simulate_household(
        [*devices, heavy_load, low], local_time=at, dt_hours=MINUTE_H, seed="s", ev_reserve_fraction=reserve
    )

    assert outcomes[-1].power_w == 0.0
    assert outcomes[-1].charge_wh == pytest.approx(low.charge_wh)


@settings(max_examples=120, deadline=None)
@given(households(), stores(Kind.ELECTRIC_VEHICLE, st.just(Mode.DISCHARGING)), local_times, seeds, fractions)
def test_a_discharging_vehicle_never_makes_the_home_export(devices, vehicle, at, seed, reserve):
    vehicle = dataclasses.replace(vehicle, id=100)
    with_v2h = [*devices, vehicle]
    with_idle = [*devices, dataclasses.replace(vehicle, mode=Mode.IDLE)]
    kwargs = dict(local_time=at, dt_hours=MINUTE_H, seed=seed, ev_reserve_fraction=reserve)

    outcomes = simulate_household(with_v2h, **kwargs)
    _, exported = grid(outcomes)
    _, exported_idle = grid(simulate_household(with_idle, **kwargs))

    assert exported <= exported_idle + TOLERANCE_W
    assert outcomes[-1].power_w >= 0.0
    assert outcomes[-1].charge_wh >= reserve * vehicle.capacity_wh - 1e-6 or outcomes[-1].power_w == 0.0
    others = sum(
        o.power_w
        for d, o in zip(with_v2h, outcomes, strict=True)
        if not (d.kind == Kind.BATTERY and (d.mode or Mode.AUTO) == Mode.AUTO)
        and not (d.kind == Kind.ELECTRIC_VEHICLE and d.mode == Mode.DISCHARGING)
    )
    vehicles = sum(
        o.power_w
        for d, o in zip(with_v2h, outcomes, strict=True)
        if d.kind == Kind.ELECTRIC_VEHICLE and d.mode == Mode.DISCHARGING
    )
    assert others + vehicles <= max(others, 0.0) + TOLERANCE_W


def test_a_discharging_vehicle_covers_only_the_deficit():
    vehicle = store(2, Kind.ELECTRIC_VEHICLE, Mode.DISCHARGING, 60_000, 0.5, 7_000, 5_000)
    load = DeviceState(1, Kind.APPLIANCE, average_power_w=2_000, category=Category.OTHER)
    at = datetime(2026, 1, 1, 23, tzinfo=UTC)

    for seed in map(str, range(50)):
        appliance, car = simulate_household([load, vehicle], local_time=at, dt_hours=MINUTE_H, seed=seed)
        assert car.power_w == pytest.approx(-appliance.power_w)


def test_manual_battery_modes_obey_the_owner():
    at = datetime(2026, 6, 21, 12, tzinfo=UTC)
    charging = store(1, Kind.BATTERY, Mode.CHARGING, 10_000, 0.5, 3_000, 4_000)
    discharging = dataclasses.replace(charging, id=2, mode=Mode.DISCHARGING)
    idle = dataclasses.replace(charging, id=3, mode=Mode.IDLE)

    outcomes = simulate_household([charging, discharging, idle], local_time=at, dt_hours=MINUTE_H, seed="s")

    assert [o.power_w for o in outcomes] == [-3_000, 4_000, 0.0]
    assert outcomes[2].charge_wh == 5_000


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown device kind"):
        simulate_household(
            [DeviceState(1, "heat_pump")], local_time=datetime(2026, 1, 1, tzinfo=UTC), dt_hours=1, seed="s"
        )


# --- determinism ------------------------------------------------------------------------------

DAY_SCRIPT = """
import json, sys
from datetime import datetime, timedelta, UTC
from telemetry.physics import DeviceState, simulate_household
devices = [DeviceState(**d) for d in json.loads(sys.argv[1])]
start = datetime(2026, 7, 4, tzinfo=UTC)
rows = []
for n in range(0, 24 * 60, 7):
    at = start + timedelta(minutes=n)
    outcomes = simulate_household(devices, local_time=at, dt_hours=1 / 60, seed=sys.argv[2])
    rows.append([[o.power_w, o.charge_wh, o.is_on] for o in outcomes])
print(json.dumps(rows))
"""

DEMO_HOME = [
    DeviceState(1, Kind.SOLAR_PANEL, rated_capacity_w=5000),
    store(2, Kind.BATTERY, Mode.AUTO, 13_500, 0.5, 5_000, 7_000),
    store(3, Kind.ELECTRIC_VEHICLE, Mode.DISCHARGING, 60_000, 0.5, 7_400, 5_000),
    *(
        DeviceState(4 + n, Kind.APPLIANCE, average_power_w=watts, category=category)
        for n, (category, watts) in enumerate(
            [(Category.FRIDGE, 150), (Category.AIR_CONDITIONER, 3000), (Category.OTHER, 400)]
        )
    ),
]


def _day(devices: list[DeviceState], seed: str) -> list:
    start = datetime(2026, 7, 4, tzinfo=UTC)
    rows = []
    for n in range(0, 24 * 60, 7):
        outcomes = simulate_household(
            devices, local_time=start + timedelta(minutes=n), dt_hours=1 / 60, seed=seed
        )
        rows.append([[o.power_w, o.charge_wh, o.is_on] for o in outcomes])
    return rows


@settings(max_examples=50, deadline=None)
@given(households(), local_times, seeds)
def test_the_same_call_gives_the_same_outcomes(devices, at, seed):
    first = simulate_household(devices, local_time=at, dt_hours=MINUTE_H, seed=seed)
    second = simulate_household(list(devices), local_time=at, dt_hours=MINUTE_H, seed=seed)

    assert first == second


def test_outcomes_are_the_same_in_another_process():
    payload = json.dumps([dataclasses.asdict(d) for d in DEMO_HOME])
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}

    result = subprocess.run(
        [sys.executable, "-c", DAY_SCRIPT, payload, "household_a"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=ROOT,
    )

    assert json.loads(result.stdout) == _day(DEMO_HOME, "household_a")


def test_a_different_seed_changes_the_day():
    assert _day(DEMO_HOME, "household_a") != _day(DEMO_HOME, "household_b")


# --- daylight saving ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [("Europe/Berlin", date(2026, 3, 29), 23), ("America/New_York", date(2026, 11, 1), 25)],
)
def test_a_daylight_saving_day_keeps_solar_to_local_daytime(zone, day, hours):
    tz = ZoneInfo(zone)
    ticks = day_of_ticks(day, tz)
    assert len(ticks) == hours * 60

    devices = DEMO_HOME
    peak = (0.0, None)
    for at in ticks:
        outcomes = simulate_household(devices, local_time=at, dt_hours=MINUTE_H, seed="dst")
        solar = outcomes[0].power_w
        if at.hour >= 22 or at.hour < 4:
            assert solar == 0.0
        if solar > peak[0]:
            peak = (solar, at)
        devices = [
            dataclasses.replace(d, charge_wh=o.charge_wh) if o.charge_wh is not None else d
            for d, o in zip(devices, outcomes, strict=True)
        ]

    assert peak[1] is not None
    assert 10 <= peak[1].hour < 14


def _daily_solar_kwh_per_kw(day: date, southern: bool) -> float:
    """A clear day's yield (weather 1) at 1-minute steps, per kW of rating."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return (
        sum(
            solar_output_w(1000, start + timedelta(minutes=m), southern_hemisphere=southern) / 60
            for m in range(24 * 60)
        )
        / 1000
    )


def test_clear_day_yield_follows_the_local_season():
    june, december = date(2026, 6, 21), date(2026, 12, 21)

    north_summer, north_winter = (
        _daily_solar_kwh_per_kw(june, False),
        _daily_solar_kwh_per_kw(december, False),
    )
    south_summer = _daily_solar_kwh_per_kw(december, True)

    assert 5.0 <= north_summer <= 7.5
    assert 1.8 <= north_winter <= 3.5
    assert south_summer == pytest.approx(north_summer, rel=0.02)
