"""The plans the tick follows: stored per household in shared tables, read for a whole batch at once.

planning.services makes the plans (forecasts, the linear program) and stores them here through
`plans_store`; the tick reads the step in force for every household of its batch with one statement
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
import io
import struct
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from psycopg2 import sql

from devices.choices import PLANNED_MODES
from devices.models import StorageMode
from telemetry import physics
from telemetry.sql import TYPES, Query, identifiers, raw
from telemetry.tick import DEVICE_STATE_COLUMNS, device_state, live_charge_wh

POWER_DUST_W = 1.0
"""Planned powers within this of 0 count as 0 (W)."""


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """A planned store's power (+ discharging) and the home's planned grid power (+ export), W."""

    power_w: float
    grid_w: float


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
    return [
        follow(device, steps.get(device.id)) if device.mode in PLANNED_MODES else device for device in devices
    ]


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
_DEVICE_COLUMNS = ("household_id", "device_id", "power_w", "charge_wh", "reason")
_STAGE = sql.Identifier("pg_temp", "planning_household_plans")
"""This session's staging table for the household plans (COPY cannot upsert)."""
HOUSEHOLD_PLANS_STAGE = Query(
    sql.SQL("CREATE TEMP TABLE IF NOT EXISTS {stage} ({columns}) ON COMMIT DELETE ROWS").format(
        stage=sql.Identifier("planning_household_plans"),
        columns=sql.SQL(", ").join(
            # Money travels as text (its binary numeric form is not worth writing), cast on upsert.
            sql.SQL("{} {}").format(sql.Identifier(column), TYPES["text" if kind == "numeric" else kind])
            for column, kind in zip(_HOUSEHOLD_COLUMNS, _HOUSEHOLD_TYPES, strict=True)
        ),
    )
)
HOUSEHOLD_PLANS_COPY = Query(
    sql.SQL("COPY {stage} ({columns}) FROM STDIN (FORMAT binary)").format(
        stage=_STAGE, columns=identifiers(_HOUSEHOLD_COLUMNS)
    )
)
HOUSEHOLD_PLANS_UPSERT = Query(
    sql.SQL(
        "INSERT INTO {table} AS p ({columns}) SELECT {casts} FROM {stage} "
        "ON CONFLICT (household_id) DO UPDATE SET {updates}; DELETE FROM {stage};"
    ).format(
        table=sql.Identifier("public", "telemetry_householdplan"),
        columns=identifiers(_HOUSEHOLD_COLUMNS),
        casts=sql.SQL(", ").join(
            sql.SQL("{}::{}").format(sql.Identifier(column), TYPES[kind])
            for column, kind in zip(_HOUSEHOLD_COLUMNS, _HOUSEHOLD_TYPES, strict=True)
        ),
        stage=_STAGE,
        updates=sql.SQL(", ").join(
            sql.SQL("{c} = EXCLUDED.{c}").format(c=sql.Identifier(column))
            for column in _HOUSEHOLD_COLUMNS[1:]
        ),
    )
)
DEVICE_PLANS_DELETE = Query(
    sql.SQL("DELETE FROM public.telemetry_deviceplan WHERE household_id = ANY(%s::bigint[]);")
)
DEVICE_PLANS_COPY = Query(
    sql.SQL("COPY {table} ({columns}) FROM STDIN (FORMAT binary)").format(
        table=sql.Identifier("public", "telemetry_deviceplan"), columns=identifiers(_DEVICE_COLUMNS)
    )
)

# PostgreSQL's binary COPY format: a header, per row its field count and each field's length and
# bytes (network byte order), a trailer. Arrays of float8 (type oid 701) are one dimension from 1.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
_COPY_TRAILER = struct.pack("!h", -1)
_FLOAT8_OID = 701
_PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_ELEMENT = np.dtype([("length", ">i4"), ("value", ">f8")])


def _bigint(value: int) -> bytes:
    return struct.pack("!iq", 8, value)


def _timestamp(value: datetime) -> bytes:
    return struct.pack("!iq", 8, (value - _PG_EPOCH) // timedelta(microseconds=1))


def _text(value: str) -> bytes:
    encoded = value.encode()
    return struct.pack("!i", len(encoded)) + encoded


def _float8_array(values: Sequence[float]) -> bytes:
    series = np.asarray(values, dtype=float)
    if not len(series):
        return struct.pack("!iiii", 12, 0, 0, _FLOAT8_OID)
    elements = np.empty(len(series), dtype=_ELEMENT)
    elements["length"] = 8
    elements["value"] = series
    body = elements.tobytes()
    return struct.pack("!iiiiii", 20 + len(body), 1, 0, _FLOAT8_OID, len(series), 1) + body


def _household_row(plan: StoredPlan) -> bytes:
    return b"".join(
        (
            struct.pack("!h", len(_HOUSEHOLD_COLUMNS)),
            _bigint(plan.household_id),
            _timestamp(plan.created_at),
            _timestamp(plan.start),
            struct.pack("!ii", 4, plan.step_seconds),
            _bigint(plan.devices_version),
            _float8_array(plan.grid_w),
            _float8_array(plan.solar_w),
            _float8_array(plan.load_w),
            _float8_array(plan.import_price_per_kwh),
            _float8_array(plan.export_price_per_kwh),
            _text(plan.currency),
            _text(str(plan.expected_cost)),
            _text(str(plan.expected_cost_without_plan)),
        )
    )


def _device_rows(plan: StoredPlan) -> Iterator[bytes]:
    for device_id, (power, charge, reason) in plan.devices.items():
        yield b"".join(
            (
                struct.pack("!h", len(_DEVICE_COLUMNS)),
                _bigint(plan.household_id),
                _bigint(device_id),
                _float8_array(power),
                _float8_array(charge),
                _text(reason),
            )
        )


def _copy(cursor: Any, query: Query, rows: Sequence[bytes]) -> None:
    raw(cursor).copy_expert(query.text(cursor), io.BytesIO(b"".join((_COPY_HEADER, *rows, _COPY_TRAILER))))


def plans_store(cursor: Any, plans: Sequence[StoredPlan]) -> None:
    """Replace these households' plans in one transaction (the caller's, if any): the household plans
    COPYed (binary, no number turned into text) into a session's staging table and upserted from it,
    then their device plans deleted and COPYed in. Four round trips for the whole batch.

    The upsert goes first: two transactions replacing the same household's plan queue on its row
    before either touches its device plans.
    """
    if not plans:
        return
    # The staged rows live until the transaction ends: one is needed even in autocommit.
    with transaction.atomic(savepoint=False):
        cursor.execute(HOUSEHOLD_PLANS_STAGE.text(cursor))
        _copy(cursor, HOUSEHOLD_PLANS_COPY, [_household_row(plan) for plan in plans])
        cursor.execute(
            HOUSEHOLD_PLANS_UPSERT.text(cursor)
            + DEVICE_PLANS_DELETE.bind(cursor, ([plan.household_id for plan in plans],)).decode()
        )
        devices = [row for plan in plans for row in _device_rows(plan)]
        if devices:
            _copy(cursor, DEVICE_PLANS_COPY, devices)


# --- planning's read: a chunk's devices with their live charge --------------------------------

PLANNING_DEVICE_COLUMNS = (*DEVICE_STATE_COLUMNS, "charge_target_percent", "ready_by", "charge_revision")
_PLANNING_DEVICES_SELECT = sql.SQL(
    "SELECT %s::bigint, {columns}, s.charge_wh, s.charge_revision FROM {table} AS d "
    "LEFT JOIN public.telemetry_devicelivestate AS s ON s.household_id = %s AND s.device_id = d.id"
)
_PLANNING_DEVICES_COLUMNS_SQL = identifiers(PLANNING_DEVICE_COLUMNS, prefix="d")
_PLANNING_DEVICES_ORDER = sql.SQL(" ORDER BY 1, 2")


def planning_devices_sql(cursor: Any, households: Sequence[tuple[int, str]]) -> bytes:
    """One statement: the devices of these households (id, schema) joined to their live state (a
    UNION ALL over just their schemas), by household and device id. Rows for `planning_device`."""
    selects = sql.SQL(" UNION ALL ").join(
        _PLANNING_DEVICES_SELECT.format(
            columns=_PLANNING_DEVICES_COLUMNS_SQL, table=sql.Identifier(schema, "devices_device")
        )
        for _, schema in households
    )
    params = [household_id for household_id, _ in households for _ in range(2)]
    return raw(cursor).mogrify(selects + _PLANNING_DEVICES_ORDER, params)


def planning_device(row: Sequence[Any]) -> tuple[int, physics.DeviceState, tuple[float, time] | None]:
    """A row of planning_devices_sql: (household id, the device with its live charge as
    telemetry.selectors.devices_with_live_state gives it, its (charge target %, readyBy) when set)."""
    household_id, *columns, live_wh, live_revision = row
    device = dict(zip(PLANNING_DEVICE_COLUMNS, columns, strict=True))
    state = device_state(
        device,
        charge_wh=live_charge_wh(
            own_wh=device["charge_wh"],
            own_revision=device["charge_revision"],
            capacity_wh=device["capacity_wh"],
            live_wh=live_wh,
            live_revision=live_revision or 0,
        ),
    )
    percent, ready_by = device["charge_target_percent"], device["ready_by"]
    return household_id, state, (percent, ready_by) if percent is not None and ready_by else None


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
