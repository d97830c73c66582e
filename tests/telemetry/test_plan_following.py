"""Physics wins over the plan: whatever a plan step says (a forecast deliberately wrong, a step made
for another home), the tick's stores keep every limit; the documented rule (telemetry.plans) decides."""

import dataclasses
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telemetry.physics import STORAGE_EFFICIENCY, DeviceState, Kind, Mode, simulate_household
from telemetry.plans import PlannedStep, follow, followed

TOLERANCE_W = 1e-6
BERLIN = ("Europe/Berlin", 52.52, 13.40)


def _tick(devices, at, *, dt_hours=1 / 60, seed="plan"):
    tz, lat, lon = BERLIN
    return simulate_household(
        devices,
        local_time=at.replace(tzinfo=ZoneInfo(tz)),
        dt_hours=dt_hours,
        seed=seed,
        latitude=lat,
        longitude=lon,
        ev_reserve_fraction=0.2,
    )


def _store(device_id, kind, mode, capacity, fraction, up, down):
    return DeviceState(
        id=device_id,
        kind=kind,
        capacity_wh=capacity,
        charge_wh=capacity * fraction,
        max_charge_rate_w=up,
        max_discharge_rate_w=down,
        mode=mode,
    )


powers = st.floats(-60_000.0, 60_000.0)
steps = st.one_of(st.none(), st.builds(PlannedStep, powers, powers))


@st.composite
def planned_homes(draw):
    """A panel, appliances, OPTIMIZED batteries and SMART EVs of any size, in any state."""
    devices = [DeviceState(1, Kind.SOLAR_PANEL, rated_capacity_w=draw(st.floats(0.0, 15_000.0)))]
    for category in draw(st.lists(st.sampled_from(["other", "oven", "water_heater", "heating"]), max_size=4)):
        devices.append(
            DeviceState(
                len(devices) + 1,
                Kind.APPLIANCE,
                average_power_w=draw(st.floats(0.0, 5_000.0)),
                category=category,
            )
        )
    for kind, mode in draw(
        st.lists(
            st.sampled_from([(Kind.BATTERY, "optimized"), (Kind.ELECTRIC_VEHICLE, "smart")]),
            min_size=1,
            max_size=3,
        )
    ):
        devices.append(
            _store(
                len(devices) + 1,
                kind,
                mode,
                draw(st.floats(1.0, 100_000.0)),
                draw(st.floats(0.0, 1.0)),
                draw(st.floats(1.0, 20_000.0)),
                draw(st.floats(1.0, 20_000.0)),
            )
        )
    return devices


times = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31))


@settings(max_examples=150, deadline=None)
@given(planned_homes(), st.data(), times)
def test_any_plan_step_keeps_every_limit_of_the_real_devices(devices, data, at):
    plan = {d.id: data.draw(steps) for d in devices if d.mode in ("optimized", "smart")}
    planned = {device_id: step for device_id, step in plan.items() if step is not None}
    dt = 1 / 60

    outcomes = _tick(followed(devices, planned), at, dt_hours=dt)

    for device, outcome in zip(devices, outcomes, strict=True):
        assert outcome.energy_wh == pytest.approx(outcome.power_w * dt)
        if device.capacity_wh is None:
            continue
        assert 0.0 <= outcome.charge_wh <= device.capacity_wh
        assert (
            -device.max_charge_rate_w - TOLERANCE_W
            <= outcome.power_w
            <= device.max_discharge_rate_w + TOLERANCE_W
        )
        before = device.charge_wh
        used = (
            outcome.energy_wh * STORAGE_EFFICIENCY
            if outcome.power_w < 0
            else outcome.energy_wh / STORAGE_EFFICIENCY
        )
        # Driving takes charge off a car, charging away from home (where the model has it) puts some back.
        away = getattr(outcome, "charged_away_wh", 0.0)
        assert outcome.charge_wh == pytest.approx(
            min(before - outcome.trip_wh + away - used, device.capacity_wh), abs=1e-6
        )


@settings(max_examples=40, deadline=None)
@given(planned_homes(), st.data(), times, st.integers(1, 30))
def test_a_wrong_plan_followed_for_hours_keeps_stores_in_bounds(devices, data, start, count):
    for n in range(count):
        planned = {d.id: data.draw(st.builds(PlannedStep, powers, powers)) for d in devices if d.capacity_wh}
        outcomes = _tick(followed(devices, planned), start + timedelta(minutes=15 * n), dt_hours=0.25)
        for device, outcome in zip(devices, outcomes, strict=True):
            if outcome.charge_wh is not None:
                assert 0.0 <= outcome.charge_wh <= device.capacity_wh
        devices = [
            dataclasses.replace(d, charge_wh=o.charge_wh) if o.charge_wh is not None else d
            for d, o in zip(devices, outcomes, strict=True)
        ]


BATTERY = _store(9, Kind.BATTERY, "optimized", 10_000.0, 0.5, 5_000.0, 5_000.0)
CAR = _store(8, Kind.ELECTRIC_VEHICLE, "smart", 60_000.0, 0.5, 11_000.0, 5_000.0)


@pytest.mark.parametrize(
    ("step", "mode", "charge_w", "discharge_w"),
    [
        (PlannedStep(-2_000.0, -3_000.0), Mode.CHARGING, 2_000.0, 5_000.0),  # charging from the grid
        (PlannedStep(-9_000.0, -9_500.0), Mode.CHARGING, 5_000.0, 5_000.0),  # never above its limit
        (PlannedStep(3_000.0, 1_000.0), Mode.DISCHARGING, 5_000.0, 3_000.0),  # selling at a dear hour
        (PlannedStep(0.0, -800.0), Mode.IDLE, 5_000.0, 5_000.0),  # holding for a dearer hour
        (PlannedStep(-1_500.0, 0.0), Mode.AUTO, 5_000.0, 5_000.0),  # balancing solar at the meter
        (PlannedStep(1_200.0, -100.0), Mode.AUTO, 5_000.0, 5_000.0),  # covering the evening's load
        (None, Mode.AUTO, 5_000.0, 5_000.0),  # no plan: self-consumption
    ],
)
def test_an_optimized_battery_takes_the_command_the_rule_says(step, mode, charge_w, discharge_w):
    command = follow(BATTERY, step)
    assert (command.mode, command.max_charge_rate_w, command.max_discharge_rate_w) == (
        mode,
        charge_w,
        discharge_w,
    )


@pytest.mark.parametrize(
    ("step", "mode", "charge_w"),
    [
        (PlannedStep(-3_700.0, -4_000.0), Mode.CHARGING, 3_700.0),
        (PlannedStep(0.0, 2_000.0), Mode.SOLAR, 11_000.0),  # surplus first
        (PlannedStep(2_000.0, 0.0), Mode.DISCHARGING, 11_000.0),  # vehicle-to-home
        (None, Mode.CHARGING, 11_000.0),  # no plan: the target is never put at risk
    ],
)
def test_a_smart_ev_takes_the_command_the_rule_says(step, mode, charge_w):
    command = follow(CAR, step)
    assert (command.mode, command.max_charge_rate_w) == (mode, charge_w)


def test_the_battery_absorbs_more_sun_than_forecast_when_the_plan_balanced_the_meter():
    # The plan expected 1.5 kW of surplus at noon and charged with it; the sky is brighter.
    panel = DeviceState(1, Kind.SOLAR_PANEL, rated_capacity_w=10_000.0)
    at = datetime(2026, 6, 21, 13, 0)
    outcomes = _tick([panel, BATTERY], at)
    command = follow(BATTERY, PlannedStep(-1_500.0, 0.0))
    real = _tick([panel, command], at)
    solar_w = outcomes[0].power_w
    assert solar_w > 1_500.0  # the real surplus is larger than the plan's
    assert real[1].power_w == pytest.approx(-min(solar_w, 5_000.0))
