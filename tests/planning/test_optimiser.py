"""The plan's linear program on cases a reader can check by hand (no database)."""

import numpy as np
import pytest

from planning.optimiser import Problem, Reason, Store, Target, solve

HOURS = 1.0


def _problem(stores, *, prices, load_w=1000.0, solar_w=0.0, export=0.0, efficiency=1.0) -> Problem:
    n = len(prices)
    return Problem(
        step_hours=HOURS,
        solar_w=np.full(n, solar_w),
        load_w=np.full(n, load_w),
        import_price_per_kwh=np.asarray(prices, dtype=float),
        export_price_per_kwh=np.full(n, export),
        stores=tuple(stores),
        efficiency=efficiency,
    )


def test_a_battery_charges_in_the_cheap_hours_and_discharges_in_the_dear_ones():
    battery = Store(1, capacity_wh=4000.0, charge_wh=0.0, max_charge_w=2000.0, max_discharge_w=2000.0)
    plan = solve(_problem([battery], prices=[0.10] * 4 + [0.40] * 4))

    power = plan.power_w[1]
    assert (power[:4] <= 0).all() and power[:4].sum() == pytest.approx(-4000.0)
    assert power[4:] == pytest.approx([1000.0] * 4)  # covers the 1 kW load through the dear hours
    assert plan.charge_wh[1][-1] == pytest.approx(0.0, abs=1e-6)
    assert plan.grid_w[4:] == pytest.approx([0.0] * 4, abs=1e-6)
    # 4 h of load and 4 kWh of charging, all at 0.10.
    assert plan.expected_cost == pytest.approx(0.80)
    assert plan.reasons == {}


def test_a_battery_keeps_its_charge_when_the_price_never_changes():
    battery = Store(1, capacity_wh=4000.0, charge_wh=2000.0, max_charge_w=2000.0, max_discharge_w=2000.0)
    plan = solve(_problem([battery], prices=[0.30] * 6))
    # Cycling costs and nothing pays for it: what the battery does is only to cover the load from
    # what it holds or to hold it; it never buys energy to sell it back.
    assert (plan.power_w[1] >= 0).all()


def test_a_just_feasible_target_is_met_at_full_rate_from_the_start():
    # 8 kWh by the end of the second hour at 4 kW: only full rate in both hours reaches it, although
    # the second hour is dearer than the hours after the target.
    ev = Store(
        2,
        capacity_wh=20_000.0,
        charge_wh=0.0,
        max_charge_w=4000.0,
        max_discharge_w=0.0,
        targets=(Target(step=2, charge_wh=8000.0),),
        is_vehicle=True,
    )
    plan = solve(_problem([ev], prices=[0.40, 0.50, 0.10, 0.10], load_w=0.0))
    assert plan.power_w[2][:2] == pytest.approx([-4000.0, -4000.0])
    assert plan.charge_wh[2][1] == pytest.approx(8000.0)
    assert plan.reasons == {}


def test_a_target_that_cannot_be_met_charges_at_full_rate_and_says_so():
    ev = Store(
        2,
        capacity_wh=20_000.0,
        charge_wh=0.0,
        max_charge_w=4000.0,
        max_discharge_w=0.0,
        targets=(Target(step=2, charge_wh=8100.0),),
        is_vehicle=True,
    )
    plan = solve(_problem([ev], prices=[0.40, 0.50, 0.10, 0.10], load_w=0.0))
    assert plan.reasons == {2: Reason.TARGET_UNREACHABLE}
    assert plan.power_w[2][:2] == pytest.approx([-4000.0, -4000.0])
    assert plan.grid_w[:2] == pytest.approx([-4000.0, -4000.0])


def test_a_target_is_reached_in_the_cheapest_hours_the_car_is_home():
    home = np.array([1.0, 1.0, 0.0, 1.0, 1.0, 1.0])
    ev = Store(
        2,
        capacity_wh=20_000.0,
        charge_wh=0.0,
        max_charge_w=4000.0,
        max_discharge_w=0.0,
        home=home,
        targets=(Target(step=5, charge_wh=4000.0),),
        is_vehicle=True,
    )
    # Hour 2 is the cheapest, but the car is away then.
    plan = solve(_problem([ev], prices=[0.30, 0.20, 0.05, 0.25, 0.10, 0.40], load_w=0.0))
    assert plan.power_w[2][2] == 0.0
    assert plan.power_w[2][4] == pytest.approx(-4000.0)
    assert plan.charge_wh[2][4] == pytest.approx(4000.0)


def test_efficiency_counts_both_ways():
    battery = Store(1, capacity_wh=10_000.0, charge_wh=0.0, max_charge_w=1000.0, max_discharge_w=5000.0)
    problem = _problem([battery], prices=[0.10, 1.00], efficiency=0.9)
    problem = Problem(**{**problem.__dict__, "load_w": np.array([0.0, 810.0])})
    plan = solve(problem)
    # 1 kWh in stores 0.9 kWh; 810 W out for an hour takes 810 / 0.9 = 900 Wh: the dear hour is covered.
    assert plan.power_w[1] == pytest.approx([-1000.0, 810.0])
    assert plan.charge_wh[1] == pytest.approx([900.0, 0.0], abs=1e-6)
    assert plan.grid_w == pytest.approx([-1000.0, 0.0], abs=1e-6)


def test_solar_surplus_goes_into_the_battery_when_the_feed_in_price_is_low():
    battery = Store(1, capacity_wh=10_000.0, charge_wh=0.0, max_charge_w=3000.0, max_discharge_w=3000.0)
    prices = [0.30, 0.30, 0.30, 0.30]
    n = len(prices)
    problem = Problem(
        step_hours=HOURS,
        solar_w=np.array([3000.0, 3000.0, 0.0, 0.0]),
        load_w=np.full(n, 1000.0),
        import_price_per_kwh=np.asarray(prices),
        export_price_per_kwh=np.full(n, 0.05),
        stores=(battery,),
    )
    plan = solve(problem)
    # 4 kWh of surplus stores 3.8 kWh; the evening's 2 kWh take 2.1 kWh out.
    assert plan.power_w[1] == pytest.approx([-2000.0, -2000.0, 1000.0, 1000.0])
    assert plan.grid_w == pytest.approx([0.0] * n, abs=1e-6)


def test_an_ev_away_with_a_drain_arrives_with_less():
    home = np.array([1.0, 0.0, 0.0, 1.0])
    drain = np.array([0.0, 1500.0, 1500.0, 0.0])
    ev = Store(
        2,
        capacity_wh=20_000.0,
        charge_wh=10_000.0,
        max_charge_w=4000.0,
        max_discharge_w=0.0,
        home=home,
        drain_wh=drain,
        is_vehicle=True,
    )
    plan = solve(_problem([ev], prices=[0.30] * 4, load_w=0.0))
    assert plan.charge_wh[2][2] == pytest.approx(7000.0)
    assert plan.power_w[2][1:3] == pytest.approx([0.0, 0.0])


def test_a_battery_never_charges_the_car_since_the_simulation_never_lets_it():
    battery = Store(1, capacity_wh=10_000.0, charge_wh=10_000.0, max_charge_w=5000.0, max_discharge_w=5000.0)
    ev = Store(
        2,
        capacity_wh=60_000.0,
        charge_wh=0.0,
        max_charge_w=4000.0,
        max_discharge_w=0.0,
        targets=(Target(step=2, charge_wh=4000.0),),
        is_vehicle=True,
    )
    plan = solve(_problem([battery, ev], prices=[0.30, 0.30, 0.30], load_w=0.0))
    assert plan.power_w[1] == pytest.approx([0.0, 0.0, 0.0], abs=1e-6)  # nothing to cover, nothing to sell
    assert plan.power_w[2][:2].sum() == pytest.approx(-4000.0)
    assert plan.grid_w[:2].sum() == pytest.approx(-4000.0)  # the car's energy comes from the grid
