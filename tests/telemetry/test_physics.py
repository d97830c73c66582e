"""Properties of the simulation physics: plain Python, no database, so hypothesis can roam.

Every test calls the functions the tick calls (physics.simulate_household, store_step and the
day profiles behind them).
"""

import dataclasses
import itertools
import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from telemetry import appliances, physics, realism, weather
from telemetry.physics import (
    STORAGE_EFFICIENCY,
    Category,
    DeviceOutcome,
    DeviceState,
    Kind,
    Mode,
    simulate_household,
    store_step,
)
from telemetry.profiles import DAY_S, DayProfile, average

ROOT = Path(__file__).resolve().parents[2]
PLACES = [
    ("Europe/Berlin", 52.52, 13.40),
    ("America/New_York", 40.71, -74.01),
    ("Asia/Kolkata", 22.57, 88.36),
    ("Australia/Sydney", -33.87, 151.21),
]
TOLERANCE_W = 1e-6
MINUTE_H = 1 / 60

capacities = st.floats(1.0, 100_000.0)
rates = st.floats(0.0, 20_000.0)
fractions = st.floats(0.0, 1.0)
durations = st.floats(1 / 3600, 1.0)
requests = st.floats(-30_000.0, 30_000.0)
places = st.sampled_from(PLACES)
naive_times = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31))
seeds = st.text(min_size=1, max_size=12)


def tick(devices, at: datetime, place, *, seed="s", dt_hours=MINUTE_H, reserve=0.2) -> list[DeviceOutcome]:
    tz, lat, lon = place
    return simulate_household(
        devices,
        local_time=at.replace(tzinfo=ZoneInfo(tz)),
        dt_hours=dt_hours,
        seed=seed,
        latitude=lat,
        longitude=lon,
        ev_reserve_fraction=reserve,
    )


def net_w(outcomes: list[DeviceOutcome]) -> float:
    return sum(o.power_w for o in outcomes)


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


BATTERY_MODES = [None, Mode.AUTO, Mode.CHARGING, Mode.DISCHARGING, Mode.IDLE]
EV_MODES = [None, Mode.CHARGING, Mode.DISCHARGING, Mode.IDLE, Mode.SOLAR]


@st.composite
def households(draw) -> list[DeviceState]:
    """A random mix of every kind; ids are assigned in order so each device seeds its own stream."""
    devices = [
        DeviceState(
            0,
            Kind.SOLAR_PANEL,
            rated_capacity_w=draw(st.floats(0.0, 12_000.0)),
            tilt_degrees=draw(st.one_of(st.none(), st.floats(0.0, 90.0))),
            azimuth_degrees=draw(st.one_of(st.none(), st.floats(0.0, 360.0))),
        )
    ]
    for _ in range(draw(st.integers(0, 5))):
        devices.append(
            DeviceState(
                0,
                Kind.APPLIANCE,
                average_power_w=draw(st.floats(0.0, 5_000.0)),
                category=draw(st.sampled_from(list(Category))),
            )
        )
    devices += draw(st.lists(stores(Kind.BATTERY, st.sampled_from(BATTERY_MODES)), max_size=2))
    devices += draw(st.lists(stores(Kind.ELECTRIC_VEHICLE, st.sampled_from(EV_MODES)), max_size=2))
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
        assert new_charge == pytest.approx(min(charge - power * dt * STORAGE_EFFICIENCY, capacity))
    elif power > 0:
        assert new_charge == pytest.approx(max(charge - power * dt / STORAGE_EFFICIENCY, 0.0), abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(capacities, rates, rates, durations)
def test_a_full_store_cannot_charge_and_an_empty_one_cannot_discharge(capacity, up, down, dt):
    assert store_step(capacity, capacity, -1_000.0, up, down, dt) == (0.0, capacity)
    assert store_step(capacity, 0.0, 1_000.0, up, down, dt) == (0.0, 0.0)


def test_a_store_step_follows_the_stated_efficiency():
    assert store_step(10_000, 5_000, -1_000, 2_000, 2_000, 1.0) == (
        -1_000,
        5_000 + 1_000 * STORAGE_EFFICIENCY,
    )
    power, charge = store_step(10_000, 5_000, 1_000, 2_000, 2_000, 1.0)
    assert (power, charge) == (1_000, pytest.approx(5_000 - 1_000 / STORAGE_EFFICIENCY))


# --- the household: conservation and limits ------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(households(), naive_times, places, seeds, st.sampled_from([60, 300, 900]))
def test_every_tick_conserves_energy_and_respects_every_limit(devices, at, place, seed, step):
    dt = step / 3600
    outcomes = tick(devices, at, place, seed=seed, dt_hours=dt)

    assert [o.device_id for o in outcomes] == [d.id for d in devices]
    for device, outcome in zip(devices, outcomes, strict=True):
        assert outcome.energy_wh == pytest.approx(outcome.power_w * dt)
        if device.kind == Kind.SOLAR_PANEL:
            assert 0.0 <= outcome.power_w <= (device.rated_capacity_w or 0.0) + TOLERANCE_W
        elif device.kind == Kind.APPLIANCE:
            assert -1.5 * (device.average_power_w or 0.0) - TOLERANCE_W <= outcome.power_w <= 0.0
        else:
            assert 0.0 <= outcome.charge_wh <= device.capacity_wh
            assert -device.max_charge_rate_w - TOLERANCE_W <= outcome.power_w
            assert outcome.power_w <= device.max_discharge_rate_w + TOLERANCE_W
            # Stored energy changes by what crossed the home's boundary (with losses) and by driving.
            before = device.charge_wh
            if outcome.power_w < 0:
                expected = before - outcome.trip_wh - outcome.energy_wh * STORAGE_EFFICIENCY
            else:
                expected = before - outcome.trip_wh - outcome.energy_wh / STORAGE_EFFICIENCY
            assert outcome.charge_wh == pytest.approx(min(expected, device.capacity_wh), abs=1e-6)
            if device.kind == Kind.BATTERY:
                assert outcome.trip_wh == 0.0


@settings(max_examples=40, deadline=None)
@given(households(), naive_times, places, st.integers(1, 40), seeds)
def test_stores_stay_in_bounds_over_any_sequence_of_ticks(devices, start, place, steps, seed):
    for n in range(steps):
        outcomes = tick(devices, start + timedelta(minutes=7 * n), place, seed=seed, dt_hours=7 * MINUTE_H)
        for device, outcome in zip(devices, outcomes, strict=True):
            if outcome.charge_wh is not None:
                assert 0.0 <= outcome.charge_wh <= device.capacity_wh
        devices = [
            dataclasses.replace(d, charge_wh=o.charge_wh) if o.charge_wh is not None else d
            for d, o in zip(devices, outcomes, strict=True)
        ]


def _flows(devices, outcomes):
    solar = sum(o.power_w for d, o in zip(devices, outcomes, strict=True) if d.kind == Kind.SOLAR_PANEL)
    load = -sum(o.power_w for d, o in zip(devices, outcomes, strict=True) if d.kind == Kind.APPLIANCE)
    stores_in = -sum(min(o.power_w, 0.0) for o in outcomes if o.charge_wh is not None)
    stores_out = sum(max(o.power_w, 0.0) for o in outcomes if o.charge_wh is not None)
    return solar, load, stores_in, stores_out


@settings(max_examples=150, deadline=None)
@given(households(), naive_times, places, seeds)
def test_automatic_dispatch_never_moves_energy_between_stores(devices, at, place, seed):
    """What AUTO batteries, SOLAR EVs and V2H EVs do is bounded by solar and appliances alone."""
    outcomes = tick(devices, at, place, seed=seed)
    solar, load, _, _ = _flows(devices, outcomes)
    automatic = [
        o
        for d, o in zip(devices, outcomes, strict=True)
        if (d.kind == Kind.BATTERY and (d.mode or Mode.AUTO) == Mode.AUTO)
        or (d.kind == Kind.ELECTRIC_VEHICLE and d.mode in (Mode.SOLAR, Mode.DISCHARGING))
    ]
    assert sum(max(o.power_w, 0.0) for o in automatic) <= max(load - solar, 0.0) + TOLERANCE_W
    assert -sum(min(o.power_w, 0.0) for o in automatic) <= max(solar - load, 0.0) + TOLERANCE_W
    # Never charging one automatic store from another's discharge in the same tick.
    assert not (
        any(o.power_w > TOLERANCE_W for o in automatic) and any(o.power_w < -TOLERANCE_W for o in automatic)
    )


def _home(*extra: DeviceState) -> list[DeviceState]:
    return [DeviceState(1, Kind.APPLIANCE, average_power_w=2_000.0, category=Category.OTHER), *extra]


EVENING = datetime(2026, 1, 14, 21, 0)  # a Wednesday evening: the car is home, no sun
BERLIN = PLACES[0]


def test_the_home_battery_covers_the_home_before_the_car():
    battery = store(2, Kind.BATTERY, Mode.AUTO, 10_000, 0.5, 5_000, 5_000)
    car = store(3, Kind.ELECTRIC_VEHICLE, Mode.DISCHARGING, 60_000, 0.8, 7_000, 7_000)

    outcomes = tick(_home(battery, car), EVENING, BERLIN)

    assert outcomes[1].power_w == pytest.approx(-outcomes[0].power_w)
    assert outcomes[2].power_w == 0.0
    assert outcomes[2].plugged_in is True


def test_a_battery_never_feeds_a_charging_car():
    battery = store(2, Kind.BATTERY, Mode.AUTO, 10_000, 0.5, 5_000, 5_000)
    car = store(3, Kind.ELECTRIC_VEHICLE, Mode.CHARGING, 60_000, 0.2, 7_000, 7_000)

    outcomes = tick(_home(battery, car), EVENING, BERLIN)

    assert outcomes[2].power_w == -7_000
    assert outcomes[1].power_w == pytest.approx(-outcomes[0].power_w)  # the home only, not the car


def test_a_discharging_car_never_feeds_a_charging_battery():
    battery = store(2, Kind.BATTERY, Mode.CHARGING, 10_000, 0.2, 3_000, 3_000)
    car = store(3, Kind.ELECTRIC_VEHICLE, Mode.DISCHARGING, 60_000, 0.8, 7_000, 7_000)

    outcomes = tick(_home(battery, car), EVENING, BERLIN)

    assert outcomes[1].power_w == -3_000
    assert outcomes[2].power_w == pytest.approx(-outcomes[0].power_w)


def test_a_solar_mode_car_charges_from_surplus_only():
    noon = datetime(2026, 6, 20, 13, 0)  # a Saturday; the realism seed keeps this household home
    devices = [
        DeviceState(1, Kind.SOLAR_PANEL, rated_capacity_w=8_000.0),
        DeviceState(2, Kind.APPLIANCE, average_power_w=500.0, category=Category.OTHER),
        store(3, Kind.ELECTRIC_VEHICLE, Mode.SOLAR, 60_000, 0.2, 11_000, 11_000),
    ]
    at_night = tick(devices, EVENING, BERLIN)
    assert at_night[2].power_w == 0.0

    for hour in range(9, 17):
        outcomes = tick(devices, noon.replace(hour=hour), BERLIN, seed="home-all-day")
        solar, load = outcomes[0].power_w, -outcomes[1].power_w
        assert -outcomes[2].power_w <= max(solar - load, 0.0) + TOLERANCE_W
        assert net_w(outcomes) >= min(solar - load, 0.0) - TOLERANCE_W  # never imports for the car


@pytest.mark.parametrize(
    ("mode", "power_w"), [(Mode.CHARGING, -3_000), (Mode.DISCHARGING, 3_000), (Mode.IDLE, 0)]
)
def test_manual_battery_modes_obey_the_owner(mode, power_w):
    battery = store(2, Kind.BATTERY, mode, 10_000, 0.5, 3_000, 3_000)

    outcomes = tick(_home(battery), EVENING, BERLIN)

    assert outcomes[1].power_w == power_w  # discharging exports what the home does not use


def test_a_discharging_battery_covers_only_the_home_while_another_store_charges_on_command():
    charging = store(2, Kind.BATTERY, Mode.CHARGING, 10_000, 0.5, 3_000, 3_000)
    discharging = store(3, Kind.BATTERY, Mode.DISCHARGING, 10_000, 0.5, 3_000, 3_000)

    outcomes = tick(_home(charging, discharging), EVENING, BERLIN)

    load = -outcomes[0].power_w
    assert 0 < load < 3_000
    assert outcomes[1].power_w == -3_000  # charged by the grid
    assert outcomes[2].power_w == pytest.approx(load)  # not a watt more into the other battery


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown device kind"):
        tick([DeviceState(1, "teleporter")], EVENING, BERLIN)


# --- electric vehicles ------------------------------------------------------------------------


def _week(devices, place, seed, step_s=300, first=date(2026, 3, 2)):
    where = realism.City("here", place[0], place[1], place[2], (0.0, 0.0))
    trace = []
    realism.simulate(where, devices, first=first, days=7, step_s=step_s, seed=seed, trace=trace)
    return trace


def test_a_commuter_leaves_on_weekdays_unplugged_and_returns_with_less_charge():
    car = store(1, Kind.ELECTRIC_VEHICLE, Mode.IDLE, 60_000, 0.9, 7_000, 7_000)
    trace = _week([car], BERLIN, "commuter")
    away_days = {at.date() for at, outcomes in trace if outcomes[0].plugged_in is False}
    assert away_days  # the car leaves
    for _, outcomes in trace:
        if outcomes[0].plugged_in is False:
            assert outcomes[0].power_w == 0.0  # nothing crosses the home's boundary while away
    charges = [outcomes[0].charge_wh for _, outcomes in trace]
    assert charges[-1] < charges[0]
    driven_kwh = sum(outcomes[0].trip_wh for _, outcomes in trace) / 1000
    assert driven_kwh == pytest.approx(charges[0] / 1000 - charges[-1] / 1000)


@settings(max_examples=20, deadline=None)
@given(seeds, st.integers(0, 10_000))
def test_trips_drain_fifteen_to_twenty_kwh_per_hundred_km(seed, device_id):
    for offset in range(7):
        ordinal = date(2026, 5, 4).toordinal() + offset
        trips = appliances.trips(seed, device_id, ordinal)
        if trips.driven_km:
            kwh_per_100km = trips.drain_w.total() / 1000 / trips.driven_km * 100
            assert 15.0 - 1e-9 <= kwh_per_100km <= 20.0 + 1e-9


def test_a_vehicle_at_or_below_its_reserve_supplies_nothing():
    car = store(3, Kind.ELECTRIC_VEHICLE, Mode.DISCHARGING, 60_000, 0.2, 7_000, 7_000)
    outcomes = tick(_home(car), EVENING, BERLIN, reserve=0.2)
    assert outcomes[1].power_w == 0.0


# --- tick length ------------------------------------------------------------------------------


def _daily_kwh(devices, step_s, place=BERLIN, seed="ticks"):
    trace = _week(devices, place, seed, step_s=step_s, first=date(2026, 7, 6))
    totals = {}
    for at, outcomes in trace:
        for outcome in outcomes:
            totals[(at.date(), outcome.device_id)] = (
                totals.get((at.date(), outcome.device_id), 0.0) + outcome.energy_wh
            )
    return totals


@pytest.mark.parametrize(("step_s", "tolerance"), [(300, 0.02), (900, 0.05)])
def test_daily_energy_does_not_depend_on_the_tick_length(step_s, tolerance):
    devices = [
        *realism.house_in_the_us(),
        realism.commuter_ev(20, Mode.CHARGING),
        realism.panel(30, 5_000.0),
    ]
    fine, coarse = _daily_kwh(devices, 60), _daily_kwh(devices, step_s)
    for key, value in fine.items():
        assert coarse[key] == pytest.approx(value, rel=tolerance, abs=5.0), key


def test_profiles_integrate_exactly_across_midnight():
    ramp = DayProfile(range(288))
    day = ramp.integral_s(0, DAY_S) / DAY_S
    assert average(lambda _: ramp, 1, 0.0, DAY_S) == pytest.approx(day)
    assert average(lambda _: ramp, 1, DAY_S - 150, 300) == pytest.approx((287 + 0) / 2)


# --- determinism ------------------------------------------------------------------------------

DAY_SCRIPT = """
import json, sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from telemetry.physics import DeviceState, simulate_household
devices = [DeviceState(**d) for d in json.loads(sys.argv[1])]
start = datetime(2026, 6, 3, tzinfo=ZoneInfo("Europe/Berlin"))
rows = []
for n in range(0, 24 * 60, 37):
    outcomes = simulate_household(devices, local_time=start + timedelta(minutes=n), dt_hours=1 / 60,
                                  seed=sys.argv[2], latitude=52.52, longitude=13.40)
    rows.append([[o.power_w, o.charge_wh, o.is_on, o.plugged_in] for o in outcomes])
print(json.dumps(rows))
"""

DEMO_HOME = [*realism.flat_in_germany(), realism.commuter_ev(), realism.panel()]


def _day(devices, seed):
    start = datetime(2026, 6, 3, tzinfo=ZoneInfo("Europe/Berlin"))
    rows = []
    for n in range(0, 24 * 60, 37):
        outcomes = simulate_household(
            devices,
            local_time=start + timedelta(minutes=n),
            dt_hours=1 / 60,
            seed=seed,
            latitude=52.52,
            longitude=13.40,
        )
        rows.append([[o.power_w, o.charge_wh, o.is_on, o.plugged_in] for o in outcomes])
    return rows


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


# --- appliances and occupancy (the day profiles the tick integrates) ------------------------------


def _days(category: str, seed: str, first: date, count: int):
    return [appliances.appliance_day(category, seed, 1, first.toordinal() + n, _berlin) for n in range(count)]


def _berlin(ordinal: int) -> appliances.Place:
    """Berlin at the local midnight of a day, as the tick gives it."""
    day = date.fromordinal(ordinal)
    midnight = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo("Europe/Berlin")).timestamp()
    return appliances.Place(52.52, 13.40, midnight)


@settings(max_examples=10, deadline=None)
@given(seeds)
def test_a_dishwasher_runs_half_to_one_cycle_a_day_in_the_evening(seed):
    # A year, so the share of days is the household's habit, not a lucky or unlucky month.
    days = _days("dishwasher", seed, date(2026, 1, 5), 365)
    runs = [d for d in days if d.total() > 0]
    assert 0.5 <= len(runs) / len(days) <= 1.0
    for day in runs:
        assert 0.35 <= day.total() <= 0.55  # hours at full power: ~0.9 kWh for a 2 kW machine
        first_on = next(i for i, v in enumerate(day.values) if v > 0) / 12
        assert 19.0 <= first_on <= 23.5


@settings(max_examples=10, deadline=None)
@given(seeds)
def test_the_dryer_runs_only_after_a_wash(seed):
    first = date(2026, 1, 5)
    for n in range(21):
        ordinal = first.toordinal() + n
        washer = appliances.appliance_day("washer", seed, 1, ordinal, _berlin)
        dryer = appliances.appliance_day("dryer", seed, 2, ordinal, _berlin)
        if dryer.total() > 0:
            assert washer.total() > 0
            last_wash = max(i for i, v in enumerate(washer.values) if v > 0)
            first_dry = min(i for i, v in enumerate(dryer.values) if v > 0)
            assert first_dry >= last_wash


def test_lighting_follows_darkness_and_people():
    seed = "lights"
    winter, summer = (
        _days("lighting", seed, date(2026, 1, 5), 7),
        _days("lighting", seed, date(2026, 6, 22), 7),
    )
    assert sum(d.total() for d in winter) > 2 * sum(d.total() for d in summer)
    for n, day in enumerate(winter):
        home = appliances.occupancy(seed, date(2026, 1, 5).toordinal() + n)
        for index, value in enumerate(day.values):
            if value > 0:
                assert home.state((index + 0.5) / 12) == "home"


def test_other_is_a_steady_base_load():
    day = _days("other", "base", date(2026, 3, 2), 1)[0]
    assert min(day.values) >= 0.55
    assert max(day.values) <= 1.35
    assert 0.75 <= day.total() / 24 <= 1.2


def test_a_fridge_cycles_on_its_thermostat():
    day = _days("fridge", "cold", date(2026, 3, 2), 1)[0]
    assert 0.28 <= day.total() / 24 <= 0.4
    assert min(day.values) < 0.2 and max(day.values) > 0.8


# --- a fleet in one process ------------------------------------------------------------------


def _fleet_day(seeds_in_turn, cache_households):
    """Each household's outcomes over an evening, ticked in turn as a worker ticks its fleet."""
    devices = [*realism.house_in_the_us(), realism.commuter_ev(20), realism.panel(30, 5_000.0)]
    start = datetime(2026, 7, 6, 17, 0)
    physics.size_caches(households=cache_households, places=64)
    try:
        rows = {seed: [] for seed in seeds_in_turn}
        for n in range(0, 6 * 60, 7):
            for seed in seeds_in_turn:
                rows[seed].append(tick(devices, start + timedelta(minutes=n), PLACES[1], seed=seed))
        return rows
    finally:
        physics.size_caches(
            households=django_settings.TELEMETRY_SIMULATED_HOUSEHOLDS,
            places=django_settings.TELEMETRY_SIMULATED_PLACES,
        )


def test_a_households_outcomes_do_not_depend_on_the_fleet_the_process_ticks():
    seeds_in_turn = [f"home{n}" for n in range(5)]
    assert _fleet_day(seeds_in_turn, cache_households=1) == _fleet_day(seeds_in_turn, cache_households=10)


def test_a_household_that_moves_gets_its_new_places_weather_in_the_same_day():
    devices = [DeviceState(1, Kind.APPLIANCE, average_power_w=3_000.0, category=Category.AIR_CONDITIONER)]
    noon = datetime(2026, 7, 15, 15, 0)
    in_oslo = tick(devices, noon, ("Europe/Berlin", 59.91, 10.75), seed="mover")
    in_madrid = tick(devices, noon + timedelta(minutes=1), ("Europe/Berlin", 40.42, -3.70), seed="mover")
    assert in_madrid[0].power_w < in_oslo[0].power_w <= 0.0


# --- weather ----------------------------------------------------------------------------------


def test_neighbours_share_the_weather_and_distant_cities_do_not():
    first = date(2026, 4, 1).toordinal()
    mitte, pankow, munich = (52.52, 13.40), (52.57, 13.41), (48.14, 11.58)

    def sky(place, ordinal):
        return weather.day(*place, ordinal).state, list(weather.clear_sky_index(*place, ordinal))

    assert all(sky(mitte, first + n) == sky(pankow, first + n) for n in range(30))
    assert any(sky(mitte, first + n) != sky(munich, first + n) for n in range(30))


def test_weather_days_persist():
    """Clear, broken and overcast spells: a day repeats yesterday's state more often than chance."""
    ordinals = range(date(2026, 1, 1).toordinal(), date(2027, 1, 1).toordinal())
    states = [weather.day(52.52, 13.40, o).state for o in ordinals]
    repeats = sum(a == b for a, b in itertools.pairwise(states)) / (len(states) - 1)
    shares = [states.count(s) / len(states) for s in set(states)]
    assert repeats > sum(p * p for p in shares) + 0.2
