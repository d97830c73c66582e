"""A home's plan from its devices, forecast and prices, and what the same horizon costs without one.

Plain Python: planning.services reads the devices, charges, targets and prices and stores the
result; `make realism` runs the same function over simulated years. Only stores that follow a plan
are variables of the linear program: OPTIMIZED batteries and SMART electric vehicles (which charge,
never supply the home: vehicle-to-home stays the owner's DISCHARGING mode). Other stores are left
out of both costs, so the two costs differ only by what the plan does.

The cost without a plan runs the same forecast through the rules the simulation would apply
(telemetry.physics): the batteries in AUTO cover the appliances' deficit from their surplus, above
their reserve, and the EVs charge at full rate from the moment they are plugged in, up to their
charge target. The plan keeps the same reserve: its batteries never go below it (floor_wh).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from devices.choices import PLANNED_MODES
from planning import optimiser
from planning.forecast import Forecast
from telemetry.physics import (
    EPSILON_WH,
    HANDLERS,
    STORAGE_EFFICIENCY,
    DeviceState,
    Handler,
    battery_floor_wh,
)

HORIZON_STEPS = 144
"""36 hours of 15-minute steps: tomorrow's prices are known from the afternoon on."""


@dataclass(frozen=True, slots=True)
class ChargeTarget:
    percent: float
    ready_by: time
    """Local time of day."""


@dataclass(frozen=True)
class Prices:
    """Per step, in the tariff's currency per kWh."""

    import_per_kwh: np.ndarray
    export_per_kwh: np.ndarray
    currency: str


@dataclass
class HomePlan:
    plan: optimiser.Plan
    problem: optimiser.Problem
    cost_without_plan: float


def planned_stores(devices: Sequence[DeviceState]) -> list[DeviceState]:
    return [d for d in devices if d.mode in PLANNED_MODES and d.capacity_wh]


def _targets(
    target: ChargeTarget | None, capacity_wh: float, start: datetime, steps: int, tz: ZoneInfo
) -> tuple[optimiser.Target, ...]:
    """One target per readyBy within the horizon: the charge at the end of the step it falls in."""
    if target is None:
        return ()
    local = start.astimezone(tz)
    found = []
    for days in range(0, steps * 900 // 86_400 + 2):
        day = (local + timedelta(days=days)).date()
        ready = datetime.combine(day, target.ready_by, tz)
        step = int((ready - start).total_seconds() // 900)
        if 1 <= step <= steps:
            found.append(optimiser.Target(step, capacity_wh * target.percent / 100.0))
    return tuple(found)


def problem_of(
    devices: Sequence[DeviceState],
    targets: Mapping[int, ChargeTarget],
    forecast: Forecast,
    prices: Prices,
    *,
    timezone: str,
) -> optimiser.Problem:
    tz = ZoneInfo(timezone)
    stores = []
    for device in planned_stores(devices):
        capacity = device.capacity_wh or 0.0
        vehicle = HANDLERS.get(device.kind) == Handler.VEHICLE
        trips = forecast.vehicles.get(device.id)
        stores.append(
            optimiser.Store(
                id=device.id,
                capacity_wh=capacity,
                charge_wh=device.charge_wh or 0.0,
                max_charge_w=device.max_charge_rate_w or 0.0,
                max_discharge_w=0.0 if vehicle else device.max_discharge_rate_w or 0.0,
                floor_wh=0.0 if vehicle else battery_floor_wh(device),
                home=trips.home if trips is not None else None,
                drain_wh=trips.drain_wh if trips is not None else None,
                targets=_targets(targets.get(device.id), capacity, forecast.start, forecast.steps, tz)
                if vehicle
                else (),
                is_vehicle=vehicle,
            )
        )
    return optimiser.Problem(
        step_hours=forecast.step_seconds / 3600.0,
        solar_w=forecast.solar_w,
        load_w=forecast.load_w,
        import_price_per_kwh=prices.import_per_kwh,
        export_price_per_kwh=prices.export_per_kwh,
        stores=tuple(stores),
        efficiency=STORAGE_EFFICIENCY,
    )


def grid_without_plan(problem: optimiser.Problem) -> np.ndarray:
    """The grid power (+ export) per step with the batteries in AUTO and the EVs charging on arrival.

    telemetry.physics.store_step's rule, written out for the two requests this walk makes (an EV
    charging at full rate, a battery covering surplus or deficit) with the same arithmetic, so the
    result is the same to the last bit: a loop of plain floats, ~3x faster than calling it.
    """
    dt = problem.step_hours
    n = problem.steps
    vehicles = [
        (
            [1.0] * n if store.home is None else np.asarray(store.home, dtype=float).tolist(),
            [0.0] * n if store.drain_wh is None else np.asarray(store.drain_wh, dtype=float).tolist(),
            # Charging on arrival stops at the car's target (or full): the plan is held to the same.
            max((target.charge_wh for target in store.targets), default=store.capacity_wh),
            store.max_charge_w or 0.0,
        )
        for store in problem.stores
        if store.is_vehicle
    ]
    vehicle_charges = [store.charge_wh for store in problem.stores if store.is_vehicle]
    batteries = [
        (
            max(store.capacity_wh or 0.0, 0.0),
            store.max_charge_w or 0.0,
            store.max_discharge_w or 0.0,
            min(max(store.floor_wh, 0.0), max(store.capacity_wh or 0.0, 0.0)),
        )
        for store in problem.stores
        if not store.is_vehicle
    ]
    battery_charges = [store.charge_wh for store in problem.stores if not store.is_vehicle]
    solar_w = np.asarray(problem.solar_w, dtype=float).tolist()
    load_w = np.asarray(problem.load_w, dtype=float).tolist()
    grid = [0.0] * n
    for t in range(n):
        solar, load = solar_w[t], load_w[t]
        charging = 0.0
        for index, (home, drain, limit, rate) in enumerate(vehicles):
            share = home[t]
            charge = max(vehicle_charges[index] - drain[t], 0.0)
            capacity = max(limit, charge)
            room = capacity - charge
            if room > EPSILON_WH and rate > 0.0:
                power = rate
                hours = dt * share
                if hours > 0.0:
                    power = min(power, room / (hours * STORAGE_EFFICIENCY))
                    charge = min(charge + power * hours * STORAGE_EFFICIENCY, capacity)
                charging -= -power * share
            vehicle_charges[index] = charge
        surplus, deficit = solar - load - charging, load - solar
        supplied = 0.0
        for index, (capacity, charge_rate, discharge_rate, floor) in enumerate(batteries):
            charge = min(max(battery_charges[index] or 0.0, 0.0), capacity)
            power = 0.0
            if surplus > 0:
                room = capacity - charge
                if room > EPSILON_WH and charge_rate > 0.0:
                    power = min(surplus, charge_rate)
                    if dt > 0.0:
                        power = min(power, room / (dt * STORAGE_EFFICIENCY))
                        charge = min(charge + power * dt * STORAGE_EFFICIENCY, capacity)
                    power = -power
            elif deficit > 0.0:
                available = charge - floor
                if available > EPSILON_WH and discharge_rate > 0.0:
                    power = min(deficit, discharge_rate)
                    if dt > 0.0:
                        power = min(power, available * STORAGE_EFFICIENCY / dt)
                        charge = max(charge - power * dt / STORAGE_EFFICIENCY, floor)
            battery_charges[index] = charge
            supplied += power
            surplus += min(power, 0.0)
            deficit -= max(power, 0.0)
        grid[t] = solar - load - charging + supplied
    return np.asarray(grid)


def home_plan(
    devices: Sequence[DeviceState],
    targets: Mapping[int, ChargeTarget],
    forecast: Forecast,
    prices: Prices,
    *,
    timezone: str,
) -> HomePlan:
    """The cost-optimal plan of the home's OPTIMIZED batteries and SMART EVs over the forecast (solved
    warm from the last home planned in the same time zone)."""
    problem = problem_of(devices, targets, forecast, prices, timezone=timezone)
    plan = optimiser.solve(problem, family=timezone)
    return HomePlan(plan, problem, optimiser.net_cost(grid_without_plan(problem), problem))
