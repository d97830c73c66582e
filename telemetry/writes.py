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

from devices.kinds import BY_VALUE, KINDS
from telemetry import flows, physics
from telemetry.sql import join, json_rows, literal, statement, table

COPY_THRESHOLD_ROWS = 2_000
NET_DUST_W = 1e-6

DEVICE_COLUMNS = sql.SQL(
    "id, kind, rated_capacity_w, capacity_wh, charge_wh, max_charge_rate_w, "
    "max_discharge_rate_w, mode, average_power_w, category, tilt_degrees, azimuth_degrees"
)
ORDER_BY_ID = sql.SQL(" ORDER BY id")
FROM_STDIN = sql.SQL("FROM STDIN")
INSERT_INTO = sql.SQL("INSERT INTO ")
READING_COLUMNS = sql.SQL(" (device_id, at, power_w, energy_wh, charge_wh, is_on, mode) ")
# One-row templates quoted by the driver, and the column types of the many-row JSON payloads.
TICK_ROW = "(%s::timestamptz, %s, now())"
READING_TYPES = ("bigint", "timestamptz", "float8", "float8", "float8", "boolean", "text")
DEVICE_STATE_TYPES = ("bigint", "float8", "float8", "boolean", "boolean")
# Rollup columns that add up per hour (then ticks and covered_seconds): a device's energy and its
# seconds per storage reason code; the home's energy at the meter and per flow (telemetry.flows).
_DEVICE_HOUR_SUMS = ("produced_wh", "consumed_wh", *flows.REASON_COLUMNS.values())
_HOME_HOUR_SUMS = ("produced_wh", "consumed_wh", "imported_wh", "exported_wh", *flows.FLOW_COLUMNS.values())
# The JSON rows' column types: keys, the sums, then ticks and covered_seconds.
DEVICE_HOUR_TYPES = (
    "bigint",
    "timestamptz",
    "float8",
    "float8",
    *("integer",) * (len(flows.REASON_COLUMNS) + 2),
)
HOME_HOUR_TYPES = ("timestamptz", *("float8",) * len(_HOME_HOUR_SUMS), "integer", "integer")


def _additive_upsert(key: Sequence[str], sums: Sequence[str]) -> tuple[sql.SQL, sql.SQL]:
    """(` AS h (key..., sums..., ticks, covered_seconds) `, ` ON CONFLICT (key) DO UPDATE SET ...;`)."""
    added = (*sums, "ticks", "covered_seconds")
    return (
        sql.SQL(f" AS h ({', '.join((*key, *added))}) "),
        sql.SQL(
            f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
            + ", ".join(f"{column} = h.{column} + EXCLUDED.{column}" for column in added)
            + ";"
        ),
    )


DEVICE_HOUR_COLUMNS, DEVICE_HOUR_ON_CONFLICT = _additive_upsert(
    ("device_id", "hour_start"), _DEVICE_HOUR_SUMS
)
HOME_HOUR_COLUMNS, HOME_HOUR_ON_CONFLICT = _additive_upsert(("hour_start",), _HOME_HOUR_SUMS)
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
"""The snapshot's measured columns (watts and storage), in the row's order."""
SNAPSHOT_ROW = "(%s, %s::timestamptz" + ", %s::float8" * len(SNAPSHOT_POWERS) + ", %s" * len(KINDS) + ")"
# The household's row in the public fleet table, moved forward only; one count column per kind.
_SNAPSHOT_COLUMNS = ["at", *SNAPSHOT_POWERS, *(kind.count_column for kind in KINDS)]
SNAPSHOT_INSERT = statement(
    sql.SQL("INSERT INTO public.reporting_householdsnapshot AS s (household_id, "),
    join(", ", map(sql.SQL, _SNAPSHOT_COLUMNS)),
    sql.SQL(") VALUES "),
)
SNAPSHOT_ON_CONFLICT = statement(
    sql.SQL(" ON CONFLICT (household_id) DO UPDATE SET "),
    join(", ", (sql.SQL(f"{column} = EXCLUDED.{column}") for column in _SNAPSHOT_COLUMNS)),
    sql.SQL(" WHERE s.at IS NULL OR s.at <= EXCLUDED.at;"),
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


def claim_and_load_sql(cursor: Any, claims: Sequence[tuple[str, datetime, int]]) -> sql.SQL:
    """One statement that records each (schema, instant) tick and returns the devices to simulate.

    A tick already recorded returns no row, so a duplicate or concurrent delivery simulates
    nothing: the second INSERT waits on the first's primary key until it commits, then skips.
    Each claimed household returns at least one row (device columns NULL when it has none).
    """
    ctes, selects = [], []
    for index, (schema, at, seconds) in enumerate(claims):
        claim = sql.SQL(f"c{index}")
        ctes.append(
            statement(
                claim,
                sql.SQL(" AS (INSERT INTO "),
                table(cursor, schema, "telemetry_tick"),
                sql.SQL(" (at, seconds, recorded_at) VALUES "),
                literal(cursor, TICK_ROW, (at, seconds)),
                sql.SQL(" ON CONFLICT DO NOTHING RETURNING at)"),
            )
        )
        selects.append(
            statement(
                sql.SQL("SELECT "),
                literal(cursor, "%s", (index,)),
                sql.SQL(" AS claim, d.* FROM "),
                claim,
                sql.SQL(" LEFT JOIN (SELECT "),
                DEVICE_COLUMNS,
                sql.SQL(" FROM "),
                table(cursor, schema, "devices_device"),
                sql.SQL(") d ON true"),
            )
        )
    return statement(
        sql.SQL("WITH "),
        join(", ", ctes),
        sql.SQL(" "),
        join(" UNION ALL ", selects),
        sql.SQL(" ORDER BY 1, 2"),
    )


def claim_instants_sql(cursor: Any, schema: str, instants: Sequence[datetime], seconds: int) -> sql.SQL:
    return statement(
        sql.SQL("INSERT INTO "),
        table(cursor, schema, "telemetry_tick"),
        sql.SQL(" (at, seconds, recorded_at) VALUES "),
        join(", ", (literal(cursor, TICK_ROW, (at, seconds)) for at in instants)),
        sql.SQL(" ON CONFLICT DO NOTHING RETURNING at"),
    )


def load_devices_sql(cursor: Any, schema: str) -> sql.SQL:
    return statement(
        sql.SQL("SELECT "),
        DEVICE_COLUMNS,
        sql.SQL(" FROM "),
        table(cursor, schema, "devices_device"),
        ORDER_BY_ID,
    )


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
        tilt_degrees=row[10],
        azimuth_degrees=row[11],
    )


def _reading_rows(ticks: Iterable[SimulatedTick], modes: dict[int, str | None], *, iso: bool = False):
    for tick in ticks:
        at = tick.at.isoformat() if iso else tick.at
        for outcome in tick.outcomes:
            yield at, outcome, modes.get(outcome.device_id)


def readings_values_sql(
    cursor: Any, schema: str, ticks: Sequence[SimulatedTick], modes: dict[int, str | None]
) -> sql.SQL:
    rows = [
        (o.device_id, at, o.power_w, o.energy_wh, o.charge_wh, o.is_on, mode or "")
        for at, o, mode in _reading_rows(ticks, modes, iso=True)
    ]
    if not rows:
        return sql.SQL("")
    return statement(
        INSERT_INTO,
        table(cursor, schema, "telemetry_reading"),
        READING_COLUMNS,
        json_rows(cursor, READING_TYPES, rows),
        sql.SQL(" ON CONFLICT DO NOTHING;"),
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
    copy = statement(
        sql.SQL("COPY "), table(cursor, schema, "telemetry_reading"), READING_COLUMNS, FROM_STDIN
    )
    cursor.copy_expert(copy, buffer)


def rollups_sql(cursor: Any, schema: str, ticks: Sequence[SimulatedTick]) -> sql.SQL:
    """Additive upserts of the hourly rollups; import/export come from each tick's net flow.

    The home's row also sums each tick's flows (telemetry.flows.FLOW_COLUMNS); a store's row
    counts the seconds it spent with each reason code. Each row: the sums, ticks, seconds.
    """
    flow_index = {flow: 4 + index for index, flow in enumerate(flows.FLOW_COLUMNS)}
    reason_index = {reason: 2 + index for index, reason in enumerate(flows.REASON_COLUMNS)}
    device_hours: dict[tuple[int, datetime], list] = defaultdict(
        lambda: [0.0, 0.0] + [0] * (len(flows.REASON_COLUMNS) + 2)
    )
    home_hours: dict[datetime, list] = defaultdict(lambda: [0.0] * len(_HOME_HOUR_SUMS) + [0, 0])
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
    statements: list[sql.SQL] = []
    if device_hours:
        rows = [(device_id, hour.isoformat(), *row) for (device_id, hour), row in device_hours.items()]
        statements += [
            INSERT_INTO,
            table(cursor, schema, "telemetry_devicehour"),
            DEVICE_HOUR_COLUMNS,
            json_rows(cursor, DEVICE_HOUR_TYPES, rows),
            DEVICE_HOUR_ON_CONFLICT,
        ]
    if home_hours:
        home_rows = [(hour.isoformat(), *row) for hour, row in home_hours.items()]
        statements += [
            INSERT_INTO,
            table(cursor, schema, "telemetry_householdhour"),
            HOME_HOUR_COLUMNS,
            json_rows(cursor, HOME_HOUR_TYPES, home_rows),
            HOME_HOUR_ON_CONFLICT,
        ]
    return statement(*statements)


def device_state_sql(cursor: Any, schema: str, last: SimulatedTick) -> sql.SQL:
    """Current state from the newest tick; an older (backfilled) tick never overwrites a newer one."""
    if not last.outcomes:
        return sql.SQL("")
    rows = [(o.device_id, o.power_w, o.charge_wh, o.is_on, o.plugged_in) for o in last.outcomes]
    at = literal(cursor, "%s::timestamptz", (last.at,))
    return statement(
        sql.SQL("UPDATE "),
        table(cursor, schema, "devices_device"),
        sql.SQL(
            " AS d SET power_w = v.power_w, charge_wh = COALESCE(v.charge_wh, d.charge_wh), "
            "is_on = COALESCE(v.is_on, d.is_on), plugged_in = COALESCE(v.plugged_in, d.plugged_in), "
            "last_reading_at = "
        ),
        at,
        sql.SQL(" FROM ("),
        json_rows(cursor, DEVICE_STATE_TYPES, rows),
        sql.SQL(
            ") AS v(id, power_w, charge_wh, is_on, plugged_in) "
            "WHERE d.id = v.id AND (d.last_reading_at IS NULL OR d.last_reading_at <= "
        ),
        at,
        sql.SQL(");"),
    )


def snapshot_sql(
    cursor: Any, household_id: int, last: SimulatedTick, devices: Sequence[physics.DeviceState]
) -> sql.SQL:
    """The household's row in the public fleet table, moved forward only."""
    counts = dict.fromkeys(BY_VALUE, 0)
    for device in devices:
        counts[device.kind] += 1
    charge_by_device = {o.device_id: o.charge_wh for o in last.outcomes if o.charge_wh is not None}
    capacity = sum(d.capacity_wh or 0.0 for d in devices if d.id in charge_by_device)
    charge = sum(charge_by_device.values())
    powers = last.powers
    measured = (
        last.produced_w,
        last.consumed_w,
        last.net_w,
        capacity,
        charge,
        powers.solar_w,
        powers.load_w,
        powers.storage_charge_w,
        powers.storage_discharge_w,
        -last.net_w if last.net_w < 0 else 0.0,
        last.net_w if last.net_w > 0 else 0.0,
    )
    row = (household_id, last.at, *measured)
    return statement(
        SNAPSHOT_INSERT, literal(cursor, SNAPSHOT_ROW, (*row, *counts.values())), SNAPSHOT_ON_CONFLICT
    )
