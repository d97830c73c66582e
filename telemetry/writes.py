"""The tick's SQL: claim the instants, load stale device configuration, write readings, rollups,
live state and the fleet snapshot.

Readings, rollups, tick claims, the devices' live state and the snapshots live in shared public
tables keyed by household (telemetry.models), so the writes of a whole batch of households cost a
fixed number of statements: one COPY of the readings, one set-based upsert per rollup table, one
for the live state, one for the fleet snapshot. What the statements store is the tick's model
(telemetry.tick). Every statement is composed with psycopg2.sql once, at import (telemetry.sql);
rows are built and read by column name, their order given once by each table's column list.
"""

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from psycopg2 import sql

from telemetry import flows
from telemetry.costs import as_decimal
from telemetry.sql import Query, array_columns, array_select, identifiers, raw
from telemetry.tick import DEVICE_STATE_COLUMNS, REPORTED, CachedDevice, HouseholdTicks, device_state

DEVICE_COLUMNS = (*DEVICE_STATE_COLUMNS, "charge_revision", "source")
"""The columns a tick reads of each device (devices_devices in the household's schema)."""
LOADED_COLUMNS = ("household_id", *DEVICE_COLUMNS)
"""The columns of devices_sql's rows."""
_DEVICE_SELECT = sql.SQL("SELECT {household}::bigint AS household_id, {columns} FROM {table} AS d")
_DEVICE_COLUMNS_SQL = identifiers(DEVICE_COLUMNS, prefix="d")
_DEVICES_ORDER = sql.SQL(" ORDER BY 1, 2")
READINGS_COPY = Query(
    sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier("public", "telemetry_reading"),
        identifiers(
            ("household_id", "device_id", "at", "power_w", "energy_wh", "charge_wh", "is_on", "mode")
        ),
    )
)
# Claim each (household, instant); per claimed household: its instants, its devices version and
# the charge each of its stores carries from the newest tick (one row per store, or one with NULLs).
# The joined tables are also filtered on the batch's ids (%(ids)s): the planner cannot estimate the
# claim's rows, and without the filter it hash-joined a sequential scan of the whole fleet's live
# state (~120 ms a chunk at 250,000 households, against ~5 ms through the primary keys).
CLAIM = Query(
    sql.SQL(
        "WITH c AS (INSERT INTO public.telemetry_tick (household_id, at, seconds) "
        "SELECT h, i, s FROM unnest(%(ids)s::bigint[]) AS h, unnest(%(instants)s::timestamptz[]) AS i, "
        "(SELECT %(seconds)s::integer) AS t(s) ON CONFLICT DO NOTHING RETURNING household_id, at), "
        "k AS (SELECT household_id, array_agg(at ORDER BY at) AS instants FROM c GROUP BY household_id) "
        "SELECT k.household_id, k.instants, h.devices_version, s.device_id, s.charge_wh, s.charge_revision "
        "FROM k JOIN public.households_household AS h "
        "ON h.id = k.household_id AND h.id = ANY(%(ids)s::bigint[]) "
        "LEFT JOIN public.telemetry_devicelivestate AS s ON s.household_id = k.household_id "
        "AND s.household_id = ANY(%(ids)s::bigint[]) AND s.charge_wh IS NOT NULL ORDER BY 1"
    )
)
CLAIM_COLUMNS = ("household_id", "instants", "devices_version", "device_id", "charge_wh", "charge_revision")
"""The columns of the claim's rows (the last three NULL for a household whose stores have no live state)."""


# Sent with a chunk's last writes: its transaction commits without waiting for its WAL (~2 MB) to
# reach the disk (synchronous_commit = off, for this transaction only). A crash may lose the last
# fraction of a second of committed ticks, their claims with them: gaps like any missed tick,
# never half-written.
ASYNC_COMMIT = Query(sql.SQL("SET LOCAL synchronous_commit TO OFF;"))

_NO_WHERE = sql.SQL("")


def _upsert(
    table: str,
    columns: Sequence[tuple[str, str]],
    key: Sequence[str],
    updates: Sequence[sql.Composable],
    *,
    alias: str,
    where: sql.Composable = _NO_WHERE,
) -> Query:
    """`INSERT INTO public.<table> AS <alias> (columns) SELECT * FROM unnest(%s::type[], ...)
    ON CONFLICT (key) DO UPDATE SET updates [WHERE ...];`: the rows as one array per column
    (`bind_rows`), each row in the order of `columns` ((name, type) pairs)."""
    return Query(
        sql.SQL(
            "INSERT INTO {table} AS {alias} ({columns}) {rows} "
            "ON CONFLICT ({key}) DO UPDATE SET {updates}{where};"
        ).format(
            table=sql.Identifier("public", table),
            alias=sql.Identifier(alias),
            columns=identifiers(name for name, _ in columns),
            rows=array_select([column_type for _, column_type in columns]),
            key=identifiers(key),
            updates=sql.SQL(", ").join(updates),
            where=where,
        )
    )


def bind_rows(
    cursor: Any, query: Query, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]]
) -> bytes:
    """An `_upsert` statement bound to its rows (each in the order of `columns`)."""
    return query.bind(cursor, array_columns(rows, [column_type for _, column_type in columns]))


def _excluded(column: str) -> sql.Composed:
    return sql.SQL("{c} = EXCLUDED.{c}").format(c=sql.Identifier(column))


def _added(column: str) -> sql.Composed:
    return sql.SQL("{c} = h.{c} + EXCLUDED.{c}").format(c=sql.Identifier(column))


LIVE_STATE_COLUMNS = (
    ("household_id", "bigint"),
    ("device_id", "bigint"),
    ("at", "timestamptz"),
    ("power_w", "float8"),
    ("charge_wh", "float8"),
    ("is_on", "boolean"),
    ("plugged_in", "boolean"),
    ("charge_revision", "integer"),
)
LIVE_STATE_UPSERT = _upsert(
    "telemetry_devicelivestate",
    LIVE_STATE_COLUMNS,
    ("household_id", "device_id"),
    [_excluded(name) for name, _ in LIVE_STATE_COLUMNS[2:]],
    alias="s",
    where=sql.SQL(" WHERE s.at <= EXCLUDED.at"),
)
# Rollup columns that add up per hour (then ticks and covered_seconds): a device's energy and its
# seconds per storage reason code; the home's energy at the meter and per flow (telemetry.flows).
DEVICE_HOUR_KEY = (("household_id", "bigint"), ("device_id", "bigint"), ("hour_start", "timestamptz"))
DEVICE_HOUR_ENERGY = ("produced_wh", "consumed_wh", "driven_wh", "charged_away_wh")
COUNTERS = ("ticks", "covered_seconds")
DEVICE_HOUR_COLUMNS = (
    *DEVICE_HOUR_KEY,
    *((column, "float8") for column in DEVICE_HOUR_ENERGY),
    *((column, "integer") for column in (*flows.REASON_COLUMNS.values(), *COUNTERS)),
)
HOME_HOUR_KEY = (("household_id", "bigint"), ("hour_start", "timestamptz"))
HOME_HOUR_ENERGY = ("produced_wh", "consumed_wh", "imported_wh", "exported_wh", *flows.FLOW_COLUMNS.values())
# Each tick's cost (telemetry.costs), exact numeric sums; the hour's currency is its first tick's.
MONEY_COLUMNS = ("import_cost", "export_revenue", "cost_without_devices")
HOME_HOUR_COLUMNS = (
    *HOME_HOUR_KEY,
    *((column, "float8") for column in HOME_HOUR_ENERGY),
    *((column, "numeric") for column in MONEY_COLUMNS),
    *((column, "integer") for column in COUNTERS),
    ("currency", "varchar"),
)
DEVICE_HOURS_UPSERT = _upsert(
    "telemetry_devicehour",
    DEVICE_HOUR_COLUMNS,
    [name for name, _ in DEVICE_HOUR_KEY],
    [_added(name) for name, _ in DEVICE_HOUR_COLUMNS[len(DEVICE_HOUR_KEY) :]],
    alias="h",
)
HOME_HOURS_UPSERT = _upsert(
    "telemetry_householdhour",
    HOME_HOUR_COLUMNS,
    [name for name, _ in HOME_HOUR_KEY],
    [
        *(_added(name) for name, _ in HOME_HOUR_COLUMNS[len(HOME_HOUR_KEY) : -1]),
        sql.SQL("currency = COALESCE(NULLIF(h.currency, ''), EXCLUDED.currency)"),
    ],
    alias="h",
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
"""The snapshot's measured columns (watts and storage)."""
# Today's costs (the home's local day of its newest tick): added to while the day and currency
# stay, restarted by a new day.
SNAPSHOT_COSTS = ("import_cost_today", "export_revenue_today", "cost_without_devices_today")
# The households' rows in the public fleet table, moved forward only; the device count per kind.
SNAPSHOT_COLUMNS = (
    ("household_id", "bigint"),
    ("at", "timestamptz"),
    *((column, "float8") for column in SNAPSHOT_POWERS),
    ("devices_by_kind", "jsonb"),
    ("reported_devices", "integer"),
    ("cost_day", "date"),
    ("currency", "varchar"),
    *((column, "numeric") for column in SNAPSHOT_COSTS),
)
_SNAPSHOT_REPLACED = [name for name, _ in SNAPSHOT_COLUMNS[1:] if name not in SNAPSHOT_COSTS]
SNAPSHOT_UPSERT = _upsert(
    "telemetry_householdsnapshot",
    SNAPSHOT_COLUMNS,
    ("household_id",),
    [
        *(
            sql.SQL(
                "{c} = CASE WHEN s.cost_day = EXCLUDED.cost_day AND s.currency = EXCLUDED.currency "
                "THEN s.{c} + EXCLUDED.{c} ELSE EXCLUDED.{c} END"
            ).format(c=sql.Identifier(column))
            for column in SNAPSHOT_COSTS
        ),
        *(_excluded(name) for name in _SNAPSHOT_REPLACED),
    ],
    alias="s",
    where=sql.SQL(" WHERE s.at IS NULL OR s.at <= EXCLUDED.at"),
)


def claim_sql(cursor: Any, household_ids: Sequence[int], instants: Sequence[datetime], seconds: int) -> bytes:
    """One statement that claims each (household, instant); reads no household schema.

    A claim already recorded returns no row, so a duplicate or concurrent delivery simulates
    nothing: the second INSERT waits on the first's primary key until it commits, then skips.
    Rows: CLAIM_COLUMNS.
    """
    return CLAIM.bind(cursor, {"ids": list(household_ids), "instants": list(instants), "seconds": seconds})


def devices_sql(cursor: Any, households: Sequence[tuple[int, str]]) -> bytes:
    """The devices of the given households (id, schema): one UNION ALL over just their schemas.

    Rows: LOADED_COLUMNS, ordered by household and device id. Composed per call (the schemas vary),
    only for the households whose cached configuration is stale.
    """
    selects = sql.SQL(" UNION ALL ").join(
        _DEVICE_SELECT.format(
            household=sql.Literal(household_id),
            columns=_DEVICE_COLUMNS_SQL,
            table=sql.Identifier(schema, "devices_device"),
        )
        for household_id, schema in households
    )
    return raw(cursor).mogrify(selects + _DEVICES_ORDER)


def cached_device(row: Sequence[Any]) -> tuple[int, CachedDevice]:
    """A row of devices_sql (LOADED_COLUMNS): its household's id, and the device as the worker caches it."""
    device = dict(zip(LOADED_COLUMNS, row, strict=True))
    config = device_state(device)
    cached = CachedDevice(config, device["charge_revision"], device["source"] == REPORTED)
    return device["household_id"], cached


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
        cursor.copy_expert(READINGS_COPY.text(cursor), buffer)
    return count


# A new hour's row, copied for each (a copy costs a tenth of building it per row).
_DEVICE_HOUR_ZERO: dict[str, Any] = dict.fromkeys(DEVICE_HOUR_ENERGY, 0.0) | dict.fromkeys(
    (*flows.REASON_COLUMNS.values(), *COUNTERS), 0
)
_HOME_HOUR_ZERO: dict[str, Any] = (
    dict.fromkeys(HOME_HOUR_ENERGY, 0.0) | dict.fromkeys(MONEY_COLUMNS, 0) | dict.fromkeys(COUNTERS, 0)
)


def rollups_sql(
    cursor: Any, homes: Iterable[HouseholdTicks], *, minus: Iterable[HouseholdTicks] = ()
) -> bytes:
    """Additive upserts of the hourly rollups of the whole batch: one statement per table.

    Import/export come from each tick's net flow; the home's row also sums each tick's flows
    (telemetry.flows.FLOW_COLUMNS) and costs; a store's row counts the seconds it spent with each
    reason code. The ticks in `minus` are taken away: a minute computed again (telemetry.ingest)
    replaces its old contribution with its new one. Rows are accumulated by column name.
    """
    flow_columns = flows.FLOW_COLUMNS
    reason_columns = flows.REASON_COLUMNS
    device_hours: dict[tuple[int, int, datetime], dict[str, Any]] = {}
    home_hours: dict[tuple[int, datetime], dict[str, Any]] = {}
    currencies: dict[tuple[int, datetime], str] = {}
    signed = [(home, 1) for home in homes] + [(home, -1) for home in minus]
    for home, sign in signed:
        for index, tick in enumerate(home.ticks):
            hours = sign * tick.seconds / 3600.0
            key = (home.household_id, tick.hour_start)
            row = home_hours.get(key)
            if row is None:
                row = home_hours[key] = _HOME_HOUR_ZERO.copy()
            row["produced_wh"] += tick.produced_w * hours
            row["consumed_wh"] += tick.consumed_w * hours
            row["imported_wh"] += tick.grid_import_w * hours
            row["exported_wh"] += tick.grid_export_w * hours
            for flow, power_w in tick.allocation.items():
                row[flow_columns[flow]] += power_w * hours
            row["ticks"] += sign
            row["covered_seconds"] += sign * tick.seconds
            if home.costs:
                cost = home.costs[index]
                currencies.setdefault(key, cost.currency)
                row["import_cost"] += sign * cost.import_nano
                row["export_revenue"] += sign * cost.export_nano
                row["cost_without_devices"] += sign * cost.without_nano
            for outcome in tick.outcomes:
                device_key = (home.household_id, outcome.device_id, tick.hour_start)
                device = device_hours.get(device_key)
                if device is None:
                    device = device_hours[device_key] = _DEVICE_HOUR_ZERO.copy()
                if outcome.energy_wh >= 0:
                    device["produced_wh"] += sign * outcome.energy_wh
                else:
                    device["consumed_wh"] -= sign * outcome.energy_wh
                if outcome.trip_wh or outcome.charged_away_wh:
                    device["driven_wh"] += sign * outcome.trip_wh
                    device["charged_away_wh"] += sign * outcome.charged_away_wh
                reason = tick.reasons.get(outcome.device_id)
                if reason is not None:
                    device[reason_columns[reason]] += sign * tick.seconds
                device["ticks"] += sign
                device["covered_seconds"] += sign * tick.seconds
    statements: list[bytes] = []
    if device_hours:
        rows = [(h, d, hour, *device.values()) for (h, d, hour), device in device_hours.items()]
        statements.append(bind_rows(cursor, DEVICE_HOURS_UPSERT, DEVICE_HOUR_COLUMNS, rows))
    if home_hours:
        for row in home_hours.values():
            for column in MONEY_COLUMNS:
                row[column] = str(as_decimal(row[column]))
        rows = [
            (h, hour, *row.values(), currencies.get((h, hour), "")) for (h, hour), row in home_hours.items()
        ]
        statements.append(bind_rows(cursor, HOME_HOURS_UPSERT, HOME_HOUR_COLUMNS, rows))
    return b"".join(statements)


def live_states_sql(cursor: Any, homes: Iterable[HouseholdTicks]) -> bytes:
    """Each store's state after its household's newest tick, for the whole batch: one statement.

    Stores only (a charge, carried from tick to tick and read back by the claim): any other
    device's state is its newest reading (telemetry.selectors), so three of a typical home's
    eight devices cost a row here instead of eight. Moved forward only: an older (backfilled) tick
    never overwrites a newer state.
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
        for at, outcomes in [(home.ticks[-1].at, home.ticks[-1].outcomes)]
        for o in outcomes
        if o.charge_wh is not None
    ]
    if not rows:
        return b""
    return bind_rows(cursor, LIVE_STATE_UPSERT, LIVE_STATE_COLUMNS, rows)


def _snapshot_row(home: HouseholdTicks) -> list[Any]:
    """One household's snapshot, by column name, in the order of SNAPSHOT_COLUMNS."""
    last = home.ticks[-1]
    counts: dict[str, int] = {}
    for device in home.devices:
        counts[device.kind] = counts.get(device.kind, 0) + 1
    charge_by_device = {o.device_id: o.charge_wh for o in last.outcomes if o.charge_wh is not None}
    powers = last.powers
    row: dict[str, Any] = {
        "household_id": home.household_id,
        "at": last.at,
        "produced_w": last.produced_w,
        "consumed_w": last.consumed_w,
        "net_w": last.net_w,
        "storage_capacity_wh": sum(d.capacity_wh or 0.0 for d in home.devices if d.id in charge_by_device),
        "storage_charge_wh": sum(charge_by_device.values()),
        "solar_w": powers.solar_w,
        "load_w": powers.load_w,
        "storage_charge_w": powers.storage_charge_w,
        "storage_discharge_w": powers.storage_discharge_w,
        "grid_import_w": last.grid_import_w,
        "grid_export_w": last.grid_export_w,
        "devices_by_kind": counts,
        "reported_devices": len(home.reported),
        **_costs_today(home),
    }
    return [row[name] for name, _ in SNAPSHOT_COLUMNS]


def _costs_today(home: HouseholdTicks) -> dict[str, Any]:
    """The day, currency and costs of the newest tick's local day, summed over this write's ticks of
    that day; no day when the ticks were not priced."""
    if not home.costs:
        return {"cost_day": None, "currency": "", **dict.fromkeys(SNAPSHOT_COSTS, "0")}
    day, currency = home.costs[-1].day, home.costs[-1].currency
    today = [c for c in home.costs if c.day == day and c.currency == currency]
    return {
        "cost_day": day,
        "currency": currency,
        "import_cost_today": str(as_decimal(sum(c.import_nano for c in today))),
        "export_revenue_today": str(as_decimal(sum(c.export_nano for c in today))),
        "cost_without_devices_today": str(as_decimal(sum(c.without_nano for c in today))),
    }


def snapshots_sql(cursor: Any, homes: Sequence[HouseholdTicks]) -> bytes:
    """The households' rows in the public fleet table, moved forward only: one statement."""
    if not homes:
        return b""
    return bind_rows(cursor, SNAPSHOT_UPSERT, SNAPSHOT_COLUMNS, [_snapshot_row(home) for home in homes])
