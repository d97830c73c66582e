"""OPTIMIZED batteries keep the reserve AUTO keeps: in the plan and in what the tick does with it."""

import dataclasses
from datetime import UTC, datetime
from datetime import time as clock

import numpy as np
import pytest

from planning import forecast, homeplan, optimiser
from telemetry import realism
from telemetry.physics import simulate_household
from telemetry.plans import PlannedStep, followed

NOON = datetime(2026, 1, 15, 11, 0, tzinfo=UTC)
BERLIN = dict(latitude=52.52, longitude=13.40, timezone="Europe/Berlin")


def _battery(charge_wh: float, reserve_percent: float | None = None):
    return dataclasses.replace(
        realism.home_battery(40), mode="optimized", charge_wh=charge_wh, reserve_percent=reserve_percent
    )


def test_the_plan_never_takes_the_battery_below_its_reserve_although_the_evening_is_dear():
    battery = _battery(6_000.0, reserve_percent=25.0)
    devices = [realism.panel(30, 1_000.0), *realism.flat_in_germany(), battery]
    expected = forecast.forecast(devices, now=NOON, steps=homeplan.HORIZON_STEPS, **BERLIN)
    steps = expected.steps
    dear = homeplan.Prices(np.full(steps, 0.60), np.full(steps, 0.30), "EUR")
    dear.import_per_kwh[-8:] = 0.05  # cheap at the very end: emptying the battery before pays
    made = homeplan.home_plan(devices, {}, expected, dear, timezone=BERLIN["timezone"])

    charge = made.plan.charge_wh[battery.id]
    assert charge.min() == pytest.approx(2_500.0, abs=1.0)  # 25 % of 10 kWh, and used down to it
    assert (charge >= 2_500.0 - 1e-6).all()


def test_the_default_reserve_is_ten_percent_as_in_auto():
    battery = _battery(5_000.0)
    devices = [*realism.flat_in_germany(), battery]
    expected = forecast.forecast(devices, now=NOON, steps=16, **BERLIN)
    prices = homeplan.Prices(np.full(16, 0.50), np.full(16, 0.49), "EUR")  # selling all of it pays
    problem = homeplan.problem_of(devices, {}, expected, prices, timezone=BERLIN["timezone"])
    plan = optimiser.solve(problem)
    assert problem.stores[0].floor_wh == pytest.approx(1_000.0)
    assert plan.charge_wh[battery.id][-1] == pytest.approx(1_000.0, abs=1.0)


@pytest.mark.parametrize("charge_wh, granted_wh", [(1_000.0, 0.0), (1_500.0, 500.0)])
def test_a_planned_discharge_stops_at_the_reserve_whatever_the_plan_asked(charge_wh, granted_wh):
    # The plan (from a forecast that was wrong about the charge) asks for 5 kW into the grid for a
    # quarter-hour: 1.25 kWh. The 10 % reserve of 10 kWh stays in the battery.
    battery = _battery(charge_wh)
    commanded = followed([battery], {battery.id: PlannedStep(power_w=5_000.0, grid_w=5_000.0)})
    (outcome,) = simulate_household(commanded, local_time=NOON, dt_hours=0.25, seed="reserve", **_place())
    assert outcome.charge_wh == pytest.approx(max(charge_wh - granted_wh, 1_000.0), abs=1e-6)
    assert outcome.power_w * 0.25 == pytest.approx(granted_wh * 0.95, abs=1e-6)


def test_the_owners_own_discharging_may_still_go_below_the_reserve():
    battery = dataclasses.replace(_battery(1_000.0), mode="discharging")
    (outcome,) = simulate_household([battery], local_time=NOON, dt_hours=0.25, seed="reserve", **_place())
    assert outcome.charge_wh < 1_000.0


def test_a_smart_cars_target_is_unaffected_by_the_battery_reserve():
    ev = realism.commuter_ev(20, "smart")
    devices = [*realism.flat_in_germany(), _battery(5_000.0), dataclasses.replace(ev, charge_wh=10_000.0)]
    expected = forecast.forecast(devices, now=NOON, steps=homeplan.HORIZON_STEPS, **BERLIN)
    steps = expected.steps
    prices = homeplan.Prices(np.full(steps, 0.30), np.full(steps, 0.05), "EUR")
    target = homeplan.ChargeTarget(80.0, clock(7, 0))
    made = homeplan.home_plan(devices, {ev.id: target}, expected, prices, timezone=BERLIN["timezone"])
    assert made.plan.reasons == {}
    assert made.plan.charge_wh[ev.id].max() >= 48_000.0 - 1.0


def _place() -> dict:
    return {"latitude": BERLIN["latitude"], "longitude": BERLIN["longitude"]}
