"""The plans the tick follows: stored per household in shared tables, read for a whole batch at once.

planning.services makes the plans (forecasts, the linear program) and stores them here through
`plans_sql`; the tick reads the step in force for every household of its batch with one statement
(`plan_steps_sql`) and turns each planned store's step into a command the physics already knows
(`follow`). Physics wins over the plan: the plan only chooses a mode and a rate cap, and
telemetry.physics grants what the store's charge, rates and reserve allow, whatever the forecast got
wrong. The rule, per step of a store's planned power P and the home's planned grid power G (+ export):

- an OPTIMIZED battery: P < 0 and G < 0 (charging from the grid): CHARGING at |P|; P > 0 and G > 0
  (discharging into the grid): DISCHARGING at P, down to its reserve as in AUTO; P = 0 and G < 0
  (holding its charge for dearer hours): IDLE; otherwise (the plan balances solar and load at the
  meter): AUTO, so the battery absorbs whatever the real solar and load differ from the forecast,
  within its limits;
- a SMART electric vehicle: P < 0: CHARGING at |P|; P > 0: DISCHARGING (vehicle-to-home) at P;
  P = 0: SOLAR (solar surplus only);
- no plan step for the instant (none made yet, or expired): OPTIMIZED acts as AUTO, SMART as
  CHARGING at full rate (the target is never put at risk by a missing plan).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from psycopg2 import sql

from devices.models import StorageMode
from telemetry import physics
from telemetry.sql import Query, identifiers, json_rows, json_select

POWER_DUST_W = 1.0
"""Planned powers within this of 0 count as 0 (W)."""
PLANNED_MODES = frozenset({StorageMode.OPTIMIZED.value, StorageMode.SMART.value})


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """A planned store's power (+ discharging) and the home's planned grid power (+ export), W."""

    power_w: float
    grid_w: float


def follows_plan(device: physics.DeviceState) -> bool:
    return device.mode in PLANNED_MODES


def follow(device: physics.DeviceState, step: PlannedStep | None) -> physics.DeviceState:
    """The command a planned store gets for this instant (module docstring); others unchanged."""
    if device.mode == StorageMode.OPTIMIZED:
        return _battery(device, step)
    if device.mode == StorageMode.SMART:
        return _vehicle(device, step)
    return device


def _capped(device: physics.DeviceState, mode: str, power_w: float) -> physics.DeviceState:
    if mode == physics.Mode.CHARGING:
        rate = min(abs(power_w), device.max_charge_rate_w or 0.0)
        return dataclasses.replace(device, mode=mode, max_charge_rate_w=rate)
    rate = min(abs(power_w), device.max_discharge_rate_w or 0.0)
    return dataclasses.replace(device, mode=mode, max_discharge_rate_w=rate)


def _battery(device: physics.DeviceState, step: PlannedStep | None) -> physics.DeviceState:
    if step is None:
        return dataclasses.replace(device, mode=physics.Mode.AUTO)
    power, grid = step.power_w, step.grid_w
    if power < -POWER_DUST_W and grid < -POWER_DUST_W:
        return _capped(device, physics.Mode.CHARGING, power)
    if power > POWER_DUST_W and grid > POWER_DUST_W:
        return dataclasses.replace(_capped(device, physics.Mode.DISCHARGING, power), keeps_reserve=True)
    if abs(power) <= POWER_DUST_W and grid < -POWER_DUST_W:
        return dataclasses.replace(device, mode=physics.Mode.IDLE)
    return dataclasses.replace(device, mode=physics.Mode.AUTO)


def _vehicle(device: physics.DeviceState, step: PlannedStep | None) -> physics.DeviceState:
    if step is None:
        return dataclasses.replace(device, mode=physics.Mode.CHARGING)
    if step.power_w < -POWER_DUST_W:
        return _capped(device, physics.Mode.CHARGING, step.power_w)
    if step.power_w > POWER_DUST_W:
        return _capped(device, physics.Mode.DISCHARGING, step.power_w)
    return dataclasses.replace(device, mode=physics.Mode.SOLAR)


def followed(
    devices: Sequence[physics.DeviceState], steps: Mapping[int, PlannedStep]
) -> list[physics.DeviceState]:
    """The devices as the physics should run them this instant (planned stores commanded)."""
    return [follow(device, steps.get(device.id)) if follows_plan(device) else device for device in devices]


# --- the tick's read: the step in force for a batch ------------------------------------------

PLAN_STEPS = Query(
    sql.SQL(
        "SELECT h.household_id, d.device_id, d.power_w[s.i], h.grid_w[s.i] "
        "FROM public.telemetry_householdplan AS h "
        "CROSS JOIN LATERAL (SELECT floor(extract(epoch FROM (%(at)s::timestamptz - h.start)) "
        "/ h.step_seconds)::integer + 1 AS i) AS s "
        "JOIN public.telemetry_deviceplan AS d ON d.household_id = h.household_id "
        "AND d.household_id = ANY(%(ids)s::bigint[]) "
        "WHERE h.household_id = ANY(%(ids)s::bigint[]) AND s.i BETWEEN 1 AND cardinality(h.grid_w)"
    )
)


def plan_steps_sql(cursor: Any, household_ids: Sequence[int], at: datetime) -> bytes:
    """One statement: the step in force at `at` of every planned store of these households.

    Rows: (household id, device id, planned power W, the home's planned grid power W).
    """
    return PLAN_STEPS.bind(cursor, {"ids": list(household_ids), "at": at})


def plan_steps(rows: Sequence[Sequence[Any]]) -> dict[int, dict[int, PlannedStep]]:
    """The rows of plan_steps_sql by household, then device."""
    steps: dict[int, dict[int, PlannedStep]] = {}
    for household_id, device_id, power_w, grid_w in rows:
        if power_w is not None and grid_w is not None:
            steps.setdefault(household_id, {})[device_id] = PlannedStep(power_w, grid_w)
    return steps


# --- planning's write: many households' plans in one round trip ------------------------------


@dataclass(frozen=True, slots=True)
class StoredPlan:
    """A household's plan as the tables hold it (telemetry.models.HouseholdPlan, DevicePlan)."""

    household_id: int
    created_at: datetime
    start: datetime
    step_seconds: int
    devices_version: int
    grid_w: Sequence[float]
    solar_w: Sequence[float]
    load_w: Sequence[float]
    import_price_per_kwh: Sequence[float]
    export_price_per_kwh: Sequence[float]
    currency: str
    expected_cost: Decimal
    expected_cost_without_plan: Decimal
    devices: Mapping[int, tuple[Sequence[float], Sequence[float], str]]
    """Device id -> (power W per step, charge Wh at the end of each step, reason code or "")."""


def _array(values: Sequence[float]) -> str:
    return "{" + ",".join(repr(float(value)) for value in values) + "}"


_HOUSEHOLD_COLUMNS = (
    "household_id",
    "created_at",
    "start",
    "step_seconds",
    "devices_version",
    "grid_w",
    "solar_w",
    "load_w",
    "import_price_per_kwh",
    "export_price_per_kwh",
    "currency",
    "expected_cost",
    "expected_cost_without_plan",
)
_HOUSEHOLD_TYPES = (
    "bigint",
    "timestamptz",
    "timestamptz",
    "integer",
    "bigint",
    *("float8[]",) * 5,
    "text",
    "numeric",
    "numeric",
)
_DEVICE_TYPES = ("bigint", "bigint", "float8[]", "float8[]", "text")
HOUSEHOLD_PLAN_UPSERT = Query(
    sql.SQL(
        "INSERT INTO {table} AS p ({columns}) {rows} ON CONFLICT (household_id) DO UPDATE SET {updates};"
    ).format(
        table=sql.Identifier("public", "telemetry_householdplan"),
        columns=identifiers(_HOUSEHOLD_COLUMNS),
        rows=json_select(_HOUSEHOLD_TYPES),
        updates=sql.SQL(", ").join(
            sql.SQL("{c} = EXCLUDED.{c}").format(c=sql.Identifier(column))
            for column in _HOUSEHOLD_COLUMNS[1:]
        ),
    )
)
DEVICE_PLANS_DELETE = Query(
    sql.SQL("DELETE FROM public.telemetry_deviceplan WHERE household_id = ANY(%s::bigint[]);")
)
_DEVICE_COLUMNS = ("household_id", "device_id", "power_w", "charge_wh", "reason")
DEVICE_PLANS_INSERT = Query(
    sql.SQL("INSERT INTO {table} ({columns}) {rows};").format(
        table=sql.Identifier("public", "telemetry_deviceplan"),
        columns=identifiers(_DEVICE_COLUMNS),
        rows=json_select(_DEVICE_TYPES),
    )
)


def plans_sql(cursor: Any, plans: Sequence[StoredPlan]) -> bytes:
    """Replace these households' plans: three statements for the whole batch, sent as one text."""
    if not plans:
        return b""
    households = [
        (
            plan.household_id,
            plan.created_at,
            plan.start,
            plan.step_seconds,
            plan.devices_version,
            _array(plan.grid_w),
            _array(plan.solar_w),
            _array(plan.load_w),
            _array(plan.import_price_per_kwh),
            _array(plan.export_price_per_kwh),
            plan.currency,
            str(plan.expected_cost),
            str(plan.expected_cost_without_plan),
        )
        for plan in plans
    ]
    devices = [
        (plan.household_id, device_id, _array(power), _array(charge), reason)
        for plan in plans
        for device_id, (power, charge, reason) in plan.devices.items()
    ]
    parts = [
        HOUSEHOLD_PLAN_UPSERT.bind(cursor, (json_rows(households),)),
        DEVICE_PLANS_DELETE.bind(cursor, ([plan.household_id for plan in plans],)),
    ]
    if devices:
        parts.append(DEVICE_PLANS_INSERT.bind(cursor, (json_rows(devices),)))
    return b"".join(parts)


# --- which households to plan again ----------------------------------------------------------

PLANS_DUE = Query(
    sql.SQL(
        "SELECT h.id FROM public.households_household AS h "
        "LEFT JOIN public.telemetry_householdplan AS p ON p.household_id = h.id "
        "WHERE h.schema_name <> %(public)s AND (p.household_id IS NULL "
        "OR p.devices_version <> h.devices_version "
        "OR (cardinality(p.grid_w) > 0 AND p.created_at < %(stale_before)s) "
        "OR EXISTS (SELECT 1 FROM public.telemetry_deviceplan AS d "
        "JOIN public.telemetry_devicelivestate AS s "
        "ON s.household_id = d.household_id AND s.device_id = d.device_id "
        "WHERE d.household_id = h.id AND s.charge_wh IS NOT NULL "
        "AND abs(s.charge_wh - d.charge_wh[greatest(1, "
        "floor(extract(epoch FROM (s.at - p.start)) / p.step_seconds)::integer)]) > %(drift_wh)s)) "
        "ORDER BY h.id LIMIT %(limit)s"
    )
)


def plans_due_sql(cursor: Any, *, stale_before: datetime, drift_wh: float, limit: int, public: str) -> bytes:
    """One statement: the households whose plan is due, oldest id first, at most `limit`.

    Due: never checked; its devices changed since the plan (a device, mode or charge target: the
    devices version); a plan older than `stale_before`; or a planned store's charge more than
    `drift_wh` from what the plan expected at the store's last tick.
    """
    params = {"stale_before": stale_before, "drift_wh": drift_wh, "limit": limit, "public": public}
    return PLANS_DUE.bind(cursor, params)


PLANNED_HOUSEHOLDS = Query(
    sql.SQL("SELECT DISTINCT household_id FROM public.telemetry_deviceplan ORDER BY 1")
)
"""The households with a planned store (one statement)."""
