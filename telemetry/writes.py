"""The SQL of a tick: claim the instants, load stale device configuration, write readings, rollups
and state.

Readings, rollups, tick claims and the devices' live state live in shared public tables keyed by
household (telemetry.models), so the writes of a whole batch of households cost a fixed number of
statements: one COPY of the readings, one set-based upsert per rollup table, one for the live state,
one for the fleet snapshot. The claim returns each household's devices version and the batch's
carried charges; only households whose cached configuration is stale (telemetry.device_cache) are
read from their schemas.
"""

import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from psycopg2 import sql

from devices.kinds import BY_VALUE, KINDS
from telemetry import device_cache, flows, physics
from telemetry.costs import TickCost, as_decimal
from telemetry.sql import join, json_rows, literal, statement, table

NET_DUST_W = 1e-6
REPORTED = "reported"
"""devices.models.TelemetrySource.REPORTED: the device's readings come from its home's gateway."""


def net_power_w(produced_w: float, consumed_w: float) -> float:
    """Produced minus consumed; float dust from an exactly balancing battery counts as 0."""
    net = produced_w - consumed_w
    return net if abs(net) > NET_DUST_W else 0.0


DEVICE_COLUMNS = (
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
    "tilt_degrees",
    "azimuth_degrees",
    "dc_ac_ratio",
    "reserve_percent",
    "charge_revision",
    "source",
)
_DEVICE_SELECT = sql.SQL(", ".join(f"d.{column}" for column in DEVICE_COLUMNS))
READINGS_COPY = sql.SQL(
    "COPY public.telemetry_reading (household_id, device_id, at, power_w, energy_wh, charge_wh, is_on, mode) "
    "FROM STDIN"
)
# Claim each (household, instant); per claimed household: its instants, its devices version and
# the charge each of its stores carries from the newest tick (one row per store, or one with NULLs).
# The joined tables are also filtered on the batch's ids (%(ids)s): the planner cannot estimate the
# claim's rows, and without the filter it hash-joined a sequential scan of the whole fleet's live
# state (~120 ms a chunk at 250,000 households, against ~5 ms through the primary keys).
CLAIM = sql.SQL(
    "WITH c AS (INSERT INTO public.telemetry_tick (household_id, at, seconds) "
    "SELECT h, i, s FROM unnest(%(ids)s::bigint[]) AS h, unnest(%(instants)s::timestamptz[]) AS i, "
    "(SELECT %(seconds)s::integer) AS t(s) ON CONFLICT DO NOTHING RETURNING household_id, at), "
    "k AS (SELECT household_id, array_agg(at ORDER BY at) AS instants FROM c GROUP BY household_id) "
    "SELECT k.household_id, k.instants, h.devices_version, s.device_id, s.charge_wh, s.charge_revision "
    "FROM k JOIN public.households_household AS h ON h.id = k.household_id AND h.id = ANY(%(ids)s::bigint[]) "
    "LEFT JOIN public.telemetry_devicelivestate AS s ON s.household_id = k.household_id "
    "AND s.household_id = ANY(%(ids)s::bigint[]) AND s.charge_wh IS NOT NULL ORDER BY 1"
)
LIVE_STATE_TYPES = ("bigint", "bigint", "timestamptz", "float8", "float8", "boolean", "boolean", "integer")
LIVE_STATE_INSERT = sql.SQL(
    "INSERT INTO public.telemetry_devicelivestate AS s "
    "(household_id, device_id, at, power_w, charge_wh, is_on, plugged_in, charge_revision) "
)
LIVE_STATE_ON_CONFLICT = sql.SQL(
    " ON CONFLICT (household_id, device_id) DO UPDATE SET at = EXCLUDED.at, power_w = EXCLUDED.power_w, "
    "charge_wh = EXCLUDED.charge_wh, is_on = EXCLUDED.is_on, plugged_in = EXCLUDED.plugged_in, "
    "charge_revision = EXCLUDED.charge_revision WHERE s.at <= EXCLUDED.at;"
)
# Rollup columns that add up per hour (then ticks and covered_seconds): a device's energy and its
# seconds per storage reason code; the home's energy at the meter and per flow (telemetry.flows).
_DEVICE_HOUR_SUMS = (
    "produced_wh",
    "consumed_wh",
    "driven_wh",
    "charged_away_wh",
    *flows.REASON_COLUMNS.values(),
)
_HOME_HOUR_SUMS = ("produced_wh", "consumed_wh", "imported_wh", "exported_wh", *flows.FLOW_COLUMNS.values())
# Each tick's cost (telemetry.costs), exact numeric sums; the hour's currency is its first tick's.
MONEY_COLUMNS = ("import_cost", "export_revenue", "cost_without_devices")
# The JSON rows' column types: keys, the sums, then ticks and covered_seconds.
DEVICE_HOUR_TYPES = (
    "bigint",
    "bigint",
    "timestamptz",
    *("float8",) * 4,
    *("integer",) * (len(flows.REASON_COLUMNS) + 2),
)
HOME_HOUR_TYPES = (
    "bigint",
    "timestamptz",
    *("float8",) * len(_HOME_HOUR_SUMS),
    *("numeric",) * len(MONEY_COLUMNS),
    "integer",
    "integer",
    "varchar",
)


def _additive_upsert(
    target: str, key: Sequence[str], sums: Sequence[str], kept: Sequence[str] = ()
) -> tuple[sql.SQL, sql.SQL]:
    """(`INSERT INTO target AS h (key..., sums..., ticks, covered_seconds, kept...) `, `ON CONFLICT ...;`):
    every summed column and the tick counters add up; a `kept` column keeps its first non-empty value."""
    added = (*sums, "ticks", "covered_seconds")
    updates = [f"{column} = h.{column} + EXCLUDED.{column}" for column in added]
    updates += [f"{column} = COALESCE(NULLIF(h.{column}, ''), EXCLUDED.{column})" for column in kept]
    return (
        sql.SQL(f"INSERT INTO {target} AS h ({', '.join((*key, *added, *kept))}) "),
        sql.SQL(f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET " + ", ".join(updates) + ";"),
    )


DEVICE_HOURS_UPSERT, DEVICE_HOURS_ON_CONFLICT = _additive_upsert(
    "public.telemetry_devicehour", ("household_id", "device_id", "hour_start"), _DEVICE_HOUR_SUMS
)
HOME_HOURS_UPSERT, HOME_HOURS_ON_CONFLICT = _additive_upsert(
    "public.telemetry_householdhour",
    ("household_id", "hour_start"),
    (*_HOME_HOUR_SUMS, *MONEY_COLUMNS),
    kept=("currency",),
)
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
# The households' rows in the public fleet table, moved forward only; one count column per kind.
_SNAPSHOT_COLUMNS = ["at", *SNAPSHOT_POWERS, *(kind.count_column for kind in KINDS), "reported_devices"]
# Today's costs (the home's local day of its newest tick): added to while the day and currency
# stay, restarted by a new day.
SNAPSHOT_COSTS = ("import_cost_today", "export_revenue_today", "cost_without_devices_today")
SNAPSHOT_TYPES = (
    "bigint",
    "timestamptz",
    *("float8",) * len(SNAPSHOT_POWERS),
    *("integer",) * (len(KINDS) + 1),
    "date",
    "varchar",
    *("numeric",) * len(SNAPSHOT_COSTS),
)
_SAME_DAY = "s.cost_day = EXCLUDED.cost_day AND s.currency = EXCLUDED.currency"
SNAPSHOT_INSERT = statement(
    sql.SQL("INSERT INTO public.telemetry_householdsnapshot AS s (household_id, "),
    join(", ", map(sql.SQL, [*_SNAPSHOT_COLUMNS, "cost_day", "currency", *SNAPSHOT_COSTS])),
    sql.SQL(") "),
)
SNAPSHOT_ON_CONFLICT = statement(
    sql.SQL(" ON CONFLICT (household_id) DO UPDATE SET "),
    join(", ", (sql.SQL(f"{column} = EXCLUDED.{column}") for column in _SNAPSHOT_COLUMNS)),
    sql.SQL(", "),
    join(
        ", ",
        (
            sql.SQL(f"{c} = CASE WHEN {_SAME_DAY} THEN s.{c} + EXCLUDED.{c} ELSE EXCLUDED.{c} END")
            for c in SNAPSHOT_COSTS
        ),
    ),
    sql.SQL(", cost_day = EXCLUDED.cost_day, currency = EXCLUDED.currency"),
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
        return net_power_w(self.produced_w, self.consumed_w)


@dataclass(frozen=True, slots=True)
class HouseholdTicks:
    """What one household's tick (or backfill chunk) stores: its ticks and its devices."""

    household_id: int
    schema: str
    devices: Sequence[physics.DeviceState]
    ticks: Sequence[SimulatedTick]
    charge_revisions: Mapping[int, int] = field(default_factory=dict)
    """Per device id: the revision of the owner-set charge the ticks started from (live state)."""
    reported: frozenset[int] = frozenset()
    """Ids of the devices fed by the home's gateway (telemetry.reported), counted in the snapshot."""
    costs: Sequence[TickCost] = ()
    """Each tick's cost, in the order of `ticks` (telemetry.costs); empty when not priced."""


def claim_sql(
    cursor: Any, household_ids: Sequence[int], instants: Sequence[datetime], seconds: int
) -> sql.SQL:
    """One statement that claims each (household, instant); reads no household schema.

    A claim already recorded returns no row, so a duplicate or concurrent delivery simulates
    nothing: the second INSERT waits on the first's primary key until it commits, then skips.
    Rows: (household id, claimed instants, devices version, store id, charge_wh, charge_revision),
    the last three NULL for a household whose stores have no live state yet.
    """
    return literal(
        cursor, CLAIM.string, {"ids": list(household_ids), "instants": list(instants), "seconds": seconds}
    )


def devices_sql(cursor: Any, households: Sequence[tuple[int, str]]) -> sql.SQL:
    """The devices of the given households (id, schema): one UNION ALL over just their schemas.

    Rows: (household id, DEVICE_COLUMNS...), ordered by household and device id.
    """
    return statement(
        join(
            " UNION ALL ",
            (
                statement(
                    sql.SQL("SELECT "),
                    literal(cursor, "%s::bigint", (household_id,)),
                    sql.SQL(" AS household_id, "),
                    _DEVICE_SELECT,
                    sql.SQL(" FROM "),
                    table(cursor, schema, "devices_device"),
                    sql.SQL(" AS d"),
                )
                for household_id, schema in households
            ),
        ),
        sql.SQL(" ORDER BY 1, 2"),
    )


def cached_device(row: Sequence) -> device_cache.CachedDevice:
    """A row of DEVICE_COLUMNS as the worker caches it."""
    config = physics.DeviceState(
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
        dc_ac_ratio=row[12],
        reserve_percent=row[13],
    )
    return device_cache.CachedDevice(config, row[14], row[15] == REPORTED)


def live_charge_wh(
    *,
    own_wh: float | None,
    own_revision: int,
    capacity_wh: float | None,
    live_wh: float | None,
    live_revision: int,
) -> float | None:
    """A store's charge now: the owner's write wins over a live state computed before it.

    The owner setting the charge bumps the device's revision (devices.services); a live state that
    started from an older revision, such as a tick in flight during the write, is superseded by the
    device's own charge. A newer live state wins, cut to the capacity (which the owner may have lowered).
    """
    if live_wh is None or live_revision < own_revision or capacity_wh is None:
        return own_wh
    return min(live_wh, capacity_wh)


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return repr(value)


def readings_copy(cursor: Any, homes: Iterable[HouseholdTicks]) -> int:
    """COPY every reading of the batch into the shared table: the fastest way PostgreSQL ingests rows."""
    buffer = io.StringIO()
    write = buffer.write
    count = 0
    for home in homes:
        prefix = f"{home.household_id}\t"
        modes = {d.id: d.mode or "" for d in home.devices}
        for tick in home.ticks:
            at = f"\t{tick.at.isoformat()}\t"
            for o in tick.outcomes:
                write(
                    f"{prefix}{o.device_id}{at}{o.power_w!r}\t{o.energy_wh!r}\t{_copy_value(o.charge_wh)}"
                    f"\t{_copy_value(o.is_on)}\t{modes.get(o.device_id, '')}\n"
                )
                count += 1
    if count:
        buffer.seek(0)
        cursor.copy_expert(READINGS_COPY.string, buffer)
    return count


def rollups_sql(
    cursor: Any, homes: Iterable[HouseholdTicks], *, minus: Iterable[HouseholdTicks] = ()
) -> sql.SQL:
    """Additive upserts of the hourly rollups of the whole batch: one statement per table.

    Import/export come from each tick's net flow; the home's row also sums each tick's flows
    (telemetry.flows.FLOW_COLUMNS); a store's row counts the seconds it spent with each reason code.
    Each row: the keys, the sums, ticks, seconds. The ticks in `minus` are taken away: a minute
    computed again (telemetry.ingest) replaces its old contribution with its new one.
    """
    flow_index = {flow: 4 + index for index, flow in enumerate(flows.FLOW_COLUMNS)}
    reason_index = {reason: 4 + index for index, reason in enumerate(flows.REASON_COLUMNS)}
    device_hours: dict[tuple[int, int, datetime], list] = defaultdict(
        lambda: [0.0, 0.0, 0.0, 0.0] + [0] * (len(flows.REASON_COLUMNS) + 2)
    )
    home_hours: dict[tuple[int, datetime], list] = defaultdict(lambda: [0.0] * len(_HOME_HOUR_SUMS) + [0, 0])
    home_money: dict[tuple[int, datetime], list] = {}
    signed = [(home, 1) for home in homes] + [(home, -1) for home in minus]
    for home, sign in signed:
        for index, tick in enumerate(home.ticks):
            hours = sign * tick.seconds / 3600.0
            key = (home.household_id, tick.hour_start)
            row = home_hours[key]
            row[0] += tick.produced_w * hours
            row[1] += tick.consumed_w * hours
            row[2] += max(-tick.net_w, 0.0) * hours
            row[3] += max(tick.net_w, 0.0) * hours
            for flow, power_w in tick.allocation.items():
                row[flow_index[flow]] += power_w * hours
            row[-2] += sign
            row[-1] += sign * tick.seconds
            if home.costs:
                cost = home.costs[index]
                money = home_money.setdefault(key, [0, 0, 0, cost.currency])
                money[0] += sign * cost.import_nano
                money[1] += sign * cost.export_nano
                money[2] += sign * cost.without_nano
            for outcome in tick.outcomes:
                device = device_hours[(home.household_id, outcome.device_id, tick.hour_start)]
                if outcome.energy_wh >= 0:
                    device[0] += sign * outcome.energy_wh
                else:
                    device[1] -= sign * outcome.energy_wh
                if outcome.trip_wh or outcome.charged_away_wh:
                    device[2] += sign * outcome.trip_wh
                    device[3] += sign * outcome.charged_away_wh
                reason = tick.reasons.get(outcome.device_id)
                if reason is not None:
                    device[reason_index[reason]] += sign * tick.seconds
                device[-2] += sign
                device[-1] += sign * tick.seconds
    statements: list[sql.SQL] = []
    if device_hours:
        rows = [(h, d, hour.isoformat(), *values) for (h, d, hour), values in device_hours.items()]
        statements += [
            DEVICE_HOURS_UPSERT,
            json_rows(cursor, DEVICE_HOUR_TYPES, rows),
            DEVICE_HOURS_ON_CONFLICT,
        ]
    if home_hours:
        rows = [
            (
                h,
                hour.isoformat(),
                *values[:-2],
                *_money_row(home_money.get((h, hour))),
                *values[-2:],
                currency,
            )
            for (h, hour), values in home_hours.items()
            for currency in [home_money[(h, hour)][3] if (h, hour) in home_money else ""]
        ]
        payload = json_rows(cursor, HOME_HOUR_TYPES, rows)
        statements += [HOME_HOURS_UPSERT, payload, HOME_HOURS_ON_CONFLICT]
    return statement(*statements)


def _money_row(money: list | None) -> tuple[str, str, str]:
    """An hour's summed costs (integer 1e-9 units) as JSON text: numeric travels as a string."""
    if money is None:
        return ("0", "0", "0")
    return (str(as_decimal(money[0])), str(as_decimal(money[1])), str(as_decimal(money[2])))


def live_states_sql(cursor: Any, homes: Iterable[HouseholdTicks]) -> sql.SQL:
    """Each device's state after its household's newest tick, for the whole batch: one statement.

    Moved forward only: an older (backfilled) tick never overwrites a newer state.
    """
    rows = [
        (
            home.household_id,
            o.device_id,
            at,
            o.power_w,
            o.charge_wh,
            o.is_on,
            o.plugged_in,
            home.charge_revisions.get(o.device_id, 0),
        )
        for home in homes
        for at, outcomes in [(home.ticks[-1].at.isoformat(), home.ticks[-1].outcomes)]
        for o in outcomes
    ]
    if not rows:
        return sql.SQL("")
    return statement(LIVE_STATE_INSERT, json_rows(cursor, LIVE_STATE_TYPES, rows), LIVE_STATE_ON_CONFLICT)


def _snapshot_row(home: HouseholdTicks) -> tuple:
    last = home.ticks[-1]
    counts = dict.fromkeys(BY_VALUE, 0)
    for device in home.devices:
        counts[device.kind] += 1
    charge_by_device = {o.device_id: o.charge_wh for o in last.outcomes if o.charge_wh is not None}
    capacity = sum(d.capacity_wh or 0.0 for d in home.devices if d.id in charge_by_device)
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
    return (
        home.household_id,
        last.at.isoformat(),
        *measured,
        *counts.values(),
        len(home.reported),
        *_costs_today(home),
    )


def _costs_today(home: HouseholdTicks) -> tuple:
    """(day, currency, import cost, export revenue, cost without devices) of the newest tick's local
    day, summed over this write's ticks of that day; no day when the ticks were not priced."""
    if not home.costs:
        return (None, "", "0", "0", "0")
    day, currency = home.costs[-1].day, home.costs[-1].currency
    today = [c for c in home.costs if c.day == day and c.currency == currency]
    return (
        day.isoformat(),
        currency,
        str(as_decimal(sum(c.import_nano for c in today))),
        str(as_decimal(sum(c.export_nano for c in today))),
        str(as_decimal(sum(c.without_nano for c in today))),
    )


def snapshots_sql(cursor: Any, homes: Sequence[HouseholdTicks]) -> sql.SQL:
    """The households' rows in the public fleet table, moved forward only: one statement."""
    if not homes:
        return sql.SQL("")
    rows = [_snapshot_row(home) for home in homes]
    return statement(SNAPSHOT_INSERT, json_rows(cursor, SNAPSHOT_TYPES, rows), SNAPSHOT_ON_CONFLICT)
