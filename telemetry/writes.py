"""The SQL of a tick: claim the instants, load device state, write readings, rollups and state.

Every table is schema-qualified, so the ticks of many households can share one round trip and
one transaction (see telemetry.services); nothing here depends on the connection's search_path.
"""

import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from psycopg2 import sql

from telemetry import flows, physics
from telemetry.sql import literal, table, values

COPY_THRESHOLD_ROWS = 2_000
NET_DUST_W = 1e-6

DEVICE_COLUMNS = sql.SQL(", ").join(
    sql.Identifier(column)
    for column in (
        "id",
        "kind",
        "rated_capacity_w",
        "capacity_wh",
        "charge_wh",
        "max_charge_rate_w",
        "max_discharge_rate_w",
        "mode",
        "average_power_w",
        "category",
    )
)
READING_COLUMNS = sql.SQL("(device_id, at, power_w, energy_wh, charge_wh, is_on, mode)")
# Row templates: the casts type a VALUES list whose first row holds NULLs.
TICK_ROW = "(%s::timestamptz, %s, now())"
READING_ROW = "(%s, %s::timestamptz, %s::float8, %s::float8, %s::float8, %s::boolean, %s)"
# Rollup columns summed per hour (then ticks and covered_seconds): the home's energy and flows,
# each device's energy and seconds per storage reason code.
HOME_HOUR_COLUMNS = ("produced_wh", "consumed_wh", "imported_wh", "exported_wh", *flows.FLOW_COLUMNS.values())
DEVICE_HOUR_COLUMNS = ("produced_wh", "consumed_wh", *flows.REASON_COLUMNS.values())
DEVICE_HOUR_ROW = (
    "(%s, %s::timestamptz, %s::float8, %s::float8" + ", %s" * len(flows.REASON_COLUMNS) + ", %s, %s)"
)
HOME_HOUR_ROW = "(%s::timestamptz" + ", %s::float8" * len(HOME_HOUR_COLUMNS) + ", %s, %s)"
DEVICE_STATE_ROW = "(%s, %s::float8, %s::float8, %s::boolean)"
SNAPSHOT_COUNTS = ("solar_panels", "batteries", "electric_vehicles", "appliances")
SNAPSHOT_POWERS = (
    "produced_w",
    "consumed_w",
    "net_w",
    "storage_capacity_wh",
    "storage_charge_wh",
    "solar_w",
    "load_w",
    "storage_charge_w",
    "storage_discharge_w",
    "grid_import_w",
    "grid_export_w",
)
SNAPSHOT_ROW = (
    "(%s, %s::timestamptz" + ", %s::float8" * len(SNAPSHOT_POWERS) + ", %s" * len(SNAPSHOT_COUNTS) + ")"
)


@dataclass(frozen=True, slots=True)
class SimulatedTick:
    """One household's simulated instant, ready to store."""

    at: datetime
    seconds: int
    hour_start: datetime
    outcomes: Sequence[physics.DeviceOutcome]
    produced_w: float
    consumed_w: float
    powers: flows.NodePowers
    allocation: Mapping[flows.Flow, float]
    """Power of each flow, W (telemetry.flows.allocate)."""
    reasons: Mapping[int, flows.StorageReason] = field(default_factory=dict)
    """Device id -> why that store did not help (stores without a reason are absent)."""

    @property
    def net_w(self) -> float:
        """Produced minus consumed; float dust from an exactly balancing battery counts as 0."""
        net = self.produced_w - self.consumed_w
        return net if abs(net) > NET_DUST_W else 0.0


def claim_and_load_sql(cursor: Any, claims: Sequence[tuple[str, datetime, int]]) -> sql.Composed:
    """One statement that records each (schema, instant) tick and returns the devices to simulate.

    A tick already recorded returns no row, so a duplicate or concurrent delivery simulates
    nothing: the second INSERT waits on the first's primary key until it commits, then skips.
    Each claimed household returns at least one row (device columns NULL when it has none).
    """
    ctes, selects = [], []
    for index, (schema, at, seconds) in enumerate(claims):
        claim = sql.Identifier(f"c{index}")
        ctes.append(
            sql.SQL(
                "{} AS (INSERT INTO {} (at, seconds, recorded_at) VALUES {} "
                "ON CONFLICT DO NOTHING RETURNING at)"
            ).format(claim, table(schema, "telemetry_tick"), literal(cursor, TICK_ROW, (at, seconds)))
        )
        selects.append(
            sql.SQL("SELECT {} AS claim, d.* FROM {} LEFT JOIN (SELECT {} FROM {}) d ON true").format(
                sql.Literal(index), claim, DEVICE_COLUMNS, table(schema, "devices_device")
            )
        )
    return sql.SQL("WITH {} {} ORDER BY 1, 2").format(
        sql.SQL(", ").join(ctes), sql.SQL(" UNION ALL ").join(selects)
    )


def claim_instants_sql(cursor: Any, schema: str, instants: Sequence[datetime], seconds: int) -> sql.Composed:
    return sql.SQL(
        "INSERT INTO {} (at, seconds, recorded_at) VALUES {} ON CONFLICT DO NOTHING RETURNING at"
    ).format(table(schema, "telemetry_tick"), values(cursor, TICK_ROW, [(at, seconds) for at in instants]))


def load_devices_sql(schema: str) -> sql.Composed:
    return sql.SQL("SELECT {} FROM {} ORDER BY id").format(DEVICE_COLUMNS, table(schema, "devices_device"))


def device_state(row: Sequence) -> physics.DeviceState:
    return physics.DeviceState(
        id=row[0],
        kind=row[1],
        rated_capacity_w=row[2],
        capacity_wh=row[3],
        charge_wh=row[4],
        max_charge_rate_w=row[5],
        max_discharge_rate_w=row[6],
        mode=row[7],
        average_power_w=row[8],
        category=row[9] or None,
    )


def _reading_rows(ticks: Iterable[SimulatedTick], modes: dict[int, str | None]):
    for tick in ticks:
        for outcome in tick.outcomes:
            yield tick.at, outcome, modes.get(outcome.device_id)


def readings_values_sql(
    cursor: Any, schema: str, ticks: Sequence[SimulatedTick], modes: dict[int, str | None]
) -> sql.Composable:
    rows = [
        (o.device_id, at, o.power_w, o.energy_wh, o.charge_wh, o.is_on, mode or "")
        for at, o, mode in _reading_rows(ticks, modes)
    ]
    if not rows:
        return sql.SQL("")
    return sql.SQL("INSERT INTO {} {} VALUES {} ON CONFLICT DO NOTHING;").format(
        table(schema, "telemetry_reading"), READING_COLUMNS, values(cursor, READING_ROW, rows)
    )


def readings_copy(cursor, schema: str, ticks: Sequence[SimulatedTick], modes: dict[int, str | None]) -> None:
    """COPY for large batches (backfill): the fastest way PostgreSQL ingests rows."""
    buffer = io.StringIO()
    for at, outcome, mode in _reading_rows(ticks, modes):
        charge = "\\N" if outcome.charge_wh is None else repr(outcome.charge_wh)
        is_on = "\\N" if outcome.is_on is None else ("t" if outcome.is_on else "f")
        buffer.write(
            f"{outcome.device_id}\t{at.isoformat()}\t{outcome.power_w!r}\t{outcome.energy_wh!r}"
            f"\t{charge}\t{is_on}\t{mode or ''}\n"
        )
    buffer.seek(0)
    cursor.copy_expert(
        sql.SQL("COPY {} {} FROM STDIN").format(table(schema, "telemetry_reading"), READING_COLUMNS), buffer
    )


def _additive_upsert(
    cursor: Any, target: sql.Identifier, key: Sequence[str], columns: Sequence[str], template: str, rows: list
) -> sql.Composed:
    """INSERT ... ON CONFLICT (key) DO UPDATE: every column and the tick counters add up."""
    summed = (*columns, "ticks", "covered_seconds")
    return sql.SQL("INSERT INTO {} AS h ({}) VALUES {} ON CONFLICT ({}) DO UPDATE SET {};").format(
        target,
        sql.SQL(", ").join(map(sql.Identifier, (*key, *summed))),
        values(cursor, template, rows),
        sql.SQL(", ").join(map(sql.Identifier, key)),
        sql.SQL(", ").join(
            sql.SQL("{0} = h.{0} + EXCLUDED.{0}").format(sql.Identifier(column)) for column in summed
        ),
    )


def rollups_sql(cursor: Any, schema: str, ticks: Sequence[SimulatedTick]) -> sql.Composed:
    """Additive upserts of the hourly rollups; import/export come from each tick's net flow.

    The home's row also sums each tick's flows (telemetry.flows.FLOW_COLUMNS); a store's row
    counts the seconds it spent with each reason code. Each row: the columns, ticks, seconds.
    """
    flow_index = {flow: 4 + index for index, flow in enumerate(flows.FLOW_COLUMNS)}
    reason_index = {reason: 2 + index for index, reason in enumerate(flows.REASON_COLUMNS)}
    device_hours: dict[tuple[int, datetime], list] = defaultdict(
        lambda: [0.0, 0.0] + [0] * (len(flows.REASON_COLUMNS) + 2)
    )
    home_hours: dict[datetime, list] = defaultdict(lambda: [0.0] * len(HOME_HOUR_COLUMNS) + [0, 0])
    for tick in ticks:
        hours = tick.seconds / 3600.0
        home = home_hours[tick.hour_start]
        home[0] += tick.produced_w * hours
        home[1] += tick.consumed_w * hours
        home[2] += max(-tick.net_w, 0.0) * hours
        home[3] += max(tick.net_w, 0.0) * hours
        for flow, power_w in tick.allocation.items():
            home[flow_index[flow]] += power_w * hours
        home[-2] += 1
        home[-1] += tick.seconds
        for outcome in tick.outcomes:
            row = device_hours[(outcome.device_id, tick.hour_start)]
            if outcome.energy_wh >= 0:
                row[0] += outcome.energy_wh
            else:
                row[1] -= outcome.energy_wh
            reason = tick.reasons.get(outcome.device_id)
            if reason is not None:
                row[reason_index[reason]] += tick.seconds
            row[-2] += 1
            row[-1] += tick.seconds
    statements: list[sql.Composable] = []
    if device_hours:
        rows = [(device_id, hour, *row) for (device_id, hour), row in device_hours.items()]
        statements.append(
            _additive_upsert(
                cursor,
                table(schema, "telemetry_devicehour"),
                ("device_id", "hour_start"),
                DEVICE_HOUR_COLUMNS,
                DEVICE_HOUR_ROW,
                rows,
            )
        )
    if home_hours:
        rows = [(hour, *row) for hour, row in home_hours.items()]
        statements.append(
            _additive_upsert(
                cursor,
                table(schema, "telemetry_householdhour"),
                ("hour_start",),
                HOME_HOUR_COLUMNS,
                HOME_HOUR_ROW,
                rows,
            )
        )
    return sql.Composed(statements)


def device_state_sql(cursor: Any, schema: str, last: SimulatedTick) -> sql.Composable:
    """Current state from the newest tick; an older (backfilled) tick never overwrites a newer one."""
    if not last.outcomes:
        return sql.SQL("")
    rows = [(o.device_id, o.power_w, o.charge_wh, o.is_on) for o in last.outcomes]
    return sql.SQL(
        "UPDATE {} AS d SET power_w = v.power_w, "
        "charge_wh = COALESCE(v.charge_wh, d.charge_wh), is_on = COALESCE(v.is_on, d.is_on), "
        "last_reading_at = {at} "
        "FROM (VALUES {}) AS v(id, power_w, charge_wh, is_on) "
        "WHERE d.id = v.id AND (d.last_reading_at IS NULL OR d.last_reading_at <= {at});"
    ).format(
        table(schema, "devices_device"),
        values(cursor, DEVICE_STATE_ROW, rows),
        at=literal(cursor, "%s::timestamptz", (last.at,)),
    )


def snapshot_sql(
    cursor: Any, household_id: int, last: SimulatedTick, devices: Sequence[physics.DeviceState]
) -> sql.Composable:
    """The household's row in the public fleet table, moved forward only."""
    counts = {kind: 0 for kind in physics.Kind}
    for device in devices:
        counts[physics.Kind(device.kind)] += 1
    charge_by_device = {o.device_id: o.charge_wh for o in last.outcomes if o.charge_wh is not None}
    capacity = sum(d.capacity_wh or 0.0 for d in devices if d.id in charge_by_device)
    charge = sum(charge_by_device.values())
    powers = last.powers
    measured = {
        "produced_w": last.produced_w,
        "consumed_w": last.consumed_w,
        "net_w": last.net_w,
        "storage_capacity_wh": capacity,
        "storage_charge_wh": charge,
        "solar_w": powers.solar_w,
        "load_w": powers.load_w,
        "storage_charge_w": powers.storage_charge_w,
        "storage_discharge_w": powers.storage_discharge_w,
        "grid_import_w": -last.net_w if last.net_w < 0 else 0.0,
        "grid_export_w": last.net_w if last.net_w > 0 else 0.0,
    }
    kinds = (
        physics.Kind.SOLAR_PANEL,
        physics.Kind.BATTERY,
        physics.Kind.ELECTRIC_VEHICLE,
        physics.Kind.APPLIANCE,
    )
    row = (household_id, last.at, *(measured[c] for c in SNAPSHOT_POWERS), *(counts[kind] for kind in kinds))
    columns = ("household_id", "at", *SNAPSHOT_POWERS, *SNAPSHOT_COUNTS)
    return sql.SQL(
        "INSERT INTO public.reporting_householdsnapshot AS s ({}) VALUES {} ON CONFLICT (household_id) "
        "DO UPDATE SET {} WHERE s.at IS NULL OR s.at <= EXCLUDED.at;"
    ).format(
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        literal(cursor, SNAPSHOT_ROW, row),
        sql.SQL(", ").join(
            sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(column)) for column in columns[1:]
        ),
    )
