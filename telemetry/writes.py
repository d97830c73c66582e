"""The SQL of a tick: claim the instants, load device state, write readings, rollups and state.

Every table is schema-qualified, so the ticks of many households can share one round trip and
one transaction (see telemetry.services); nothing here depends on the connection's search_path.
"""

import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from telemetry import flows, physics
from telemetry.sql import boolean, number, schema_table, timestamp, word

COPY_THRESHOLD_ROWS = 2_000
NET_DUST_W = 1e-6

DEVICE_COLUMNS = (
    "id, kind, rated_capacity_w, capacity_wh, charge_wh, max_charge_rate_w, "
    "max_discharge_rate_w, mode, average_power_w, category"
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


def claim_and_load_sql(claims: Sequence[tuple[str, datetime, int]]) -> str:
    """One statement that records each (schema, instant) tick and returns the devices to simulate.

    A tick already recorded returns no row, so a duplicate or concurrent delivery simulates
    nothing: the second INSERT waits on the first's primary key until it commits, then skips.
    Each claimed household returns at least one row (device columns NULL when it has none).
    """
    ctes, selects = [], []
    for index, (schema, at, seconds) in enumerate(claims):
        ctes.append(
            f"c{index} AS (INSERT INTO {schema_table(schema, 'telemetry_tick')} "
            f"(at, seconds, recorded_at) VALUES ({timestamp(at)}, {int(seconds)}, now()) "
            "ON CONFLICT DO NOTHING RETURNING at)"
        )
        selects.append(
            f"SELECT {index} AS claim, d.* FROM c{index} LEFT JOIN "
            f"(SELECT {DEVICE_COLUMNS} FROM {schema_table(schema, 'devices_device')}) d ON true"
        )
    return "WITH " + ", ".join(ctes) + " " + " UNION ALL ".join(selects) + " ORDER BY 1, 2"


def claim_instants_sql(schema: str, instants: Sequence[datetime], seconds: int) -> str:
    values = ", ".join(f"({timestamp(at)}, {int(seconds)}, now())" for at in instants)
    return (
        f"INSERT INTO {schema_table(schema, 'telemetry_tick')} (at, seconds, recorded_at) "
        f"VALUES {values} ON CONFLICT DO NOTHING RETURNING at"
    )


def load_devices_sql(schema: str) -> str:
    return f"SELECT {DEVICE_COLUMNS} FROM {schema_table(schema, 'devices_device')} ORDER BY id"


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


def readings_values_sql(schema: str, ticks: Sequence[SimulatedTick], modes: dict[int, str | None]) -> str:
    values = ", ".join(
        f"({outcome.device_id}, {timestamp(at)}, {number(outcome.power_w)}, "
        f"{number(outcome.energy_wh)}, {number(outcome.charge_wh)}, {boolean(outcome.is_on)}, "
        f"{word(mode)})"
        for at, outcome, mode in _reading_rows(ticks, modes)
    )
    if not values:
        return ""
    return (
        f"INSERT INTO {schema_table(schema, 'telemetry_reading')} "
        "(device_id, at, power_w, energy_wh, charge_wh, is_on, mode) "
        f"VALUES {values} ON CONFLICT DO NOTHING;"
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
        f"COPY {schema_table(schema, 'telemetry_reading')} "
        "(device_id, at, power_w, energy_wh, charge_wh, is_on, mode) FROM STDIN",
        buffer,
    )


_HOME_COLUMNS = ("produced_wh", "consumed_wh", "imported_wh", "exported_wh", *flows.FLOW_COLUMNS.values())
_DEVICE_COLUMNS = ("produced_wh", "consumed_wh", *flows.REASON_COLUMNS.values())


def _upsert_sql(table: str, key: str, columns: Sequence[str], rows: Iterable[str]) -> str:
    """An additive upsert: every column and the tick counters add to an existing row."""
    names = ", ".join(columns)
    updates = ", ".join(f"{c} = h.{c} + EXCLUDED.{c}" for c in (*columns, "ticks", "covered_seconds"))
    return (
        f"INSERT INTO {table} AS h ({key}, {names}, ticks, covered_seconds) VALUES {', '.join(rows)} "
        f"ON CONFLICT ({key}) DO UPDATE SET {updates};"
    )


def rollups_sql(schema: str, ticks: Sequence[SimulatedTick]) -> str:
    """Additive upserts of the hourly rollups; import/export come from each tick's net flow.

    The home's row also sums each tick's flows (telemetry.flows.FLOW_COLUMNS); a store's row
    counts the seconds it spent with each reason code.
    """
    flow_index = {flow: 4 + index for index, flow in enumerate(flows.FLOW_COLUMNS)}
    reason_index = {reason: 2 + index for index, reason in enumerate(flows.REASON_COLUMNS)}
    # Each row: the columns' sums, then ticks and covered seconds.
    device_hours: dict[tuple[int, datetime], list[float]] = defaultdict(
        lambda: [0.0] * (len(_DEVICE_COLUMNS) + 2)
    )
    home_hours: dict[datetime, list[float]] = defaultdict(lambda: [0.0] * (len(_HOME_COLUMNS) + 2))
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
    statements = []
    if device_hours:
        rows = (
            f"({device_id}, {timestamp(hour)}, {number(row[0])}, {number(row[1])}, "
            + ", ".join(str(int(value)) for value in row[2:])
            + ")"
            for (device_id, hour), row in device_hours.items()
        )
        table = schema_table(schema, "telemetry_devicehour")
        statements.append(_upsert_sql(table, "device_id, hour_start", _DEVICE_COLUMNS, rows))
    if home_hours:
        rows = (
            f"({timestamp(hour)}, "
            + ", ".join(number(value) for value in row[:-2])
            + f", {int(row[-2])}, {int(row[-1])})"
            for hour, row in home_hours.items()
        )
        table = schema_table(schema, "telemetry_householdhour")
        statements.append(_upsert_sql(table, "hour_start", _HOME_COLUMNS, rows))
    return "".join(statements)


def device_state_sql(schema: str, last: SimulatedTick) -> str:
    """Current state from the newest tick; an older (backfilled) tick never overwrites a newer one."""
    if not last.outcomes:
        return ""
    values = ", ".join(
        f"({o.device_id}, {number(o.power_w)}, {number(o.charge_wh)}, {boolean(o.is_on)})"
        for o in last.outcomes
    )
    return (
        f"UPDATE {schema_table(schema, 'devices_device')} AS d SET power_w = v.power_w, "
        "charge_wh = COALESCE(v.charge_wh, d.charge_wh), is_on = COALESCE(v.is_on, d.is_on), "
        f"last_reading_at = {timestamp(last.at)} "
        f"FROM (VALUES {values}) AS v(id, power_w, charge_wh, is_on) "
        f"WHERE d.id = v.id AND (d.last_reading_at IS NULL OR d.last_reading_at <= {timestamp(last.at)});"
    )


def snapshot_sql(household_id: int, last: SimulatedTick, devices: Sequence[physics.DeviceState]) -> str:
    """The household's row in the public fleet table, moved forward only."""
    counts = {kind: 0 for kind in physics.Kind}
    for device in devices:
        counts[physics.Kind(device.kind)] += 1
    charge_by_device = {o.device_id: o.charge_wh for o in last.outcomes if o.charge_wh is not None}
    capacity = sum(d.capacity_wh or 0.0 for d in devices if d.id in charge_by_device)
    charge = sum(charge_by_device.values())
    powers = last.powers
    values = {
        "produced_w": number(last.produced_w),
        "consumed_w": number(last.consumed_w),
        "net_w": number(last.net_w),
        "storage_capacity_wh": number(capacity),
        "storage_charge_wh": number(charge),
        "solar_panels": counts[physics.Kind.SOLAR_PANEL],
        "batteries": counts[physics.Kind.BATTERY],
        "electric_vehicles": counts[physics.Kind.ELECTRIC_VEHICLE],
        "appliances": counts[physics.Kind.APPLIANCE],
        "solar_w": number(powers.solar_w),
        "load_w": number(powers.load_w),
        "storage_charge_w": number(powers.storage_charge_w),
        "storage_discharge_w": number(powers.storage_discharge_w),
        "grid_import_w": number(-last.net_w if last.net_w < 0 else 0.0),
        "grid_export_w": number(last.net_w if last.net_w > 0 else 0.0),
    }
    return (
        f"INSERT INTO public.reporting_householdsnapshot AS s (household_id, at, {', '.join(values)}) "
        f"VALUES ({int(household_id)}, {timestamp(last.at)}, {', '.join(map(str, values.values()))}) "
        "ON CONFLICT (household_id) DO UPDATE SET at = EXCLUDED.at, "
        + ", ".join(f"{column} = EXCLUDED.{column}" for column in values)
        + " WHERE s.at IS NULL OR s.at <= EXCLUDED.at;"
    )
