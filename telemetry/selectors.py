"""Reads of the shared telemetry tables, always for the household whose schema is active.

The household is never an argument: the managers (telemetry.models.CurrentHouseholdManager) and
the bucketed sums below filter on `public.current_household_id()`, which the database derives from
the connection's schema. Code outside telemetry reads these tables only through this module (a
test enforces it).
"""

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, FloatField, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from psycopg2 import sql

from devices.models import Device
from households.models import Household
from telemetry import flows, reported, writes
from telemetry.models import (
    DeviceHour,
    DevicePlan,
    HouseholdHour,
    HouseholdPlan,
    HouseholdSnapshot,
)
from telemetry.tick import REPORTED, live_charge_wh

HOUSEHOLD_SUMS = ("produced_wh", "consumed_wh", "imported_wh", "exported_wh", *flows.FLOW_COLUMNS.values())
"""The home's summed energy columns, in the order household_bucket_sums returns them (then MONEY_SUMS)."""
DEVICE_SUMS = ("produced_wh", "consumed_wh", "driven_wh", "charged_away_wh")
"""One device's summed columns, in the order device_bucket_sums returns them (then covered seconds)."""
REASON_SUMS = tuple(flows.REASON_COLUMNS.values())
SNAPSHOT_POWERS = writes.SNAPSHOT_POWERS
"""A household snapshot's measured columns (watts and storage), as the fleet sums them."""
MONEY_SUMS = writes.MONEY_COLUMNS
"""The home's costs (Decimal), after HOUSEHOLD_SUMS in what household_bucket_sums returns."""
"""A store's seconds per reason code, in the order store_reason_seconds returns them."""

_EVERY_HOUR = sql.SQL("TRUE")
_HAS_REASON = sql.SQL(" OR ").join(sql.SQL("{} > 0").format(sql.Identifier(column)) for column in REASON_SUMS)


def household_hours() -> QuerySet[HouseholdHour]:
    """The active household's hourly rollups."""
    return HouseholdHour.objects.all()


def device_hours(*, device_id: int | None = None) -> QuerySet[DeviceHour]:
    """The active household's devices hour by hour, or one of them (none for another's id)."""
    hours = DeviceHour.objects.all()
    return hours if device_id is None else hours.filter(device_id=device_id)


def _bucketed(
    table: str,
    columns: Sequence[str],
    edges: Sequence[datetime],
    *,
    by: str = "",
    where: sql.Composable = _EVERY_HOUR,
    params: Sequence = (),
    latest: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Rows {"bucket": 0-based bucket, [by: ...,] column: sum...} of the active household's hours in
    [edges[0], edges[-1]), by column name.

    One grouped query; PostgreSQL finds each hour's bucket with width_bucket (a binary search of the
    sorted edges), so the Python side handles one row per bucket instead of one per hour. Raw SQL
    rather than the ORM: preparing each edge and converting each sum cost more than the query.
    """
    keys: list[sql.Composable] = [sql.SQL("width_bucket(hour_start, %s::timestamptz[]) - 1")]
    if by:
        keys.append(sql.Identifier(by))
    query = sql.SQL(
        "SELECT {keys}, {sums} FROM {table} WHERE household_id = public.current_household_id() "
        "AND hour_start >= %s AND hour_start < %s AND ({where}) GROUP BY {groups}"
    ).format(
        keys=sql.SQL(", ").join(keys),
        sums=sql.SQL(", ").join(
            [sql.SQL("sum({c}) AS {c}").format(c=sql.Identifier(column)) for column in columns]
            + [sql.SQL("max({c}) AS {c}").format(c=sql.Identifier(column)) for column in latest]
        ),
        table=sql.Identifier("public", table),
        where=where,
        groups=sql.SQL(", ").join(sql.Literal(position) for position in range(1, len(keys) + 1)),
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [list(edges), edges[0], edges[-1], *params])
        names = ["bucket", *([by] if by else []), *columns, *latest]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def household_bucket_sums(*, edges: Sequence[datetime]) -> dict[int, dict[str, Any]]:
    """{bucket index: {column: sum}} of HOUSEHOLD_SUMS, MONEY_SUMS, currency and covered_seconds
    over [edges[i], edges[i + 1]), in one grouped query.

    The costs are exact numeric sums (Decimal) of the stored per-tick costs; the currency is the
    bucket's ('' where no hour was priced). Buckets without rollup hours are absent.
    """
    rows = _bucketed(
        "telemetry_householdhour",
        (*HOUSEHOLD_SUMS, *MONEY_SUMS, "covered_seconds"),
        edges,
        latest=("currency",),
    )
    return {row.pop("bucket"): row for row in rows}


def device_bucket_sums(*, device_id: int, edges: Sequence[datetime]) -> dict[int, dict[str, Any]]:
    """{bucket index: {column: sum}} of DEVICE_SUMS and covered_seconds, of one device (none for
    another's id)."""
    rows = _bucketed(
        "telemetry_devicehour",
        (*DEVICE_SUMS, "covered_seconds"),
        edges,
        where=sql.SQL("device_id = %s"),
        params=(device_id,),
    )
    return {row.pop("bucket"): row for row in rows}


def store_reason_seconds(
    *, edges: Sequence[datetime], device_id: int | None = None
) -> dict[tuple[int, int], dict[flows.StorageReason, int]]:
    """{(bucket index, device id): {reason: seconds}} for the devices that held a reason code in the bucket.

    Only stores ever hold one (telemetry.writes). Served by a partial index of the hours that hold a
    code, which carries the seconds (migration 0003): an index-only scan, never the heap.
    """
    where: sql.Composable = _HAS_REASON
    params: tuple = ()
    if device_id is not None:
        where, params = sql.SQL("({}) AND device_id = %s").format(_HAS_REASON), (device_id,)
    rows = _bucketed("telemetry_devicehour", REASON_SUMS, edges, by="device_id", where=where, params=params)
    return {
        (row["bucket"], row["device_id"]): {
            reason: row[column] for reason, column in flows.REASON_COLUMNS.items()
        }
        for row in rows
    }


@dataclass(frozen=True, slots=True)
class LiveState:
    """A device's state after its household's newest tick (LIVE_STATES)."""

    at: datetime
    power_w: float
    charge_wh: float | None
    is_on: bool | None
    plugged_in: bool | None
    charge_revision: int


# The active household's devices' live state, as device_id and LiveState's fields (read by name; a
# union takes its first part's names): a store's row in the live-state table, any other device's
# reading at the household's newest tick (the tick keeps live-state rows only for stores,
# telemetry.writes.live_states_sql).
LIVE_STATES = (
    "SELECT s.device_id, s.at, s.power_w, s.charge_wh, s.is_on, s.plugged_in, s.charge_revision "
    "FROM public.telemetry_devicelivestate AS s "
    "WHERE s.household_id = public.current_household_id() AND s.device_id = ANY(%(ids)s::bigint[]) "
    "UNION ALL "
    "SELECT r.device_id, r.at, r.power_w, r.charge_wh, r.is_on, NULL, 0 "
    "FROM public.telemetry_reading AS r "
    "WHERE r.household_id = public.current_household_id() AND r.device_id = ANY(%(ids)s::bigint[]) "
    "AND r.at = (SELECT n.at FROM public.telemetry_householdsnapshot AS n "
    "WHERE n.household_id = public.current_household_id()) "
    "AND NOT EXISTS (SELECT FROM public.telemetry_devicelivestate AS l "
    "WHERE l.household_id = r.household_id AND l.device_id = r.device_id)"
)

LAST_REPORTED = (
    "SELECT device_id, max(at) FROM public.telemetry_reportedsample "
    "WHERE household_id = public.current_household_id() AND device_id = ANY(%s::bigint[]) GROUP BY device_id"
)


def last_reported(device_ids: Sequence[int]) -> dict[int, datetime]:
    """The newest sample's time of each of the active household's REPORTED devices that sent any."""
    if not device_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(LAST_REPORTED, [list(device_ids)])
        return dict(cursor.fetchall())


def devices_with_live_state(devices: Iterable[Device]) -> list[Device]:
    """The active household's devices as they are now: copies whose state columns hold their live
    state (one query; the given instances are left as they were). Devices that are such copies
    already come back as they are, with no query: a device nested in a result reporting has made
    live (a history bucket's store reasons) is not read again per bucket by the schema composition.

    The tick writes each store's state to the shared live-state table (telemetry.writes), never to
    the device; any other device's state is its reading at the household's newest tick (the
    snapshot's instant). A device not ticked yet keeps its own columns. A store's charge follows
    telemetry.tick.live_charge_wh: the owner's newer write wins, the capacity caps it. A REPORTED
    device also shows when it last reported, and 0 W once stale. The devices API gets these through
    the schema composition (config.schema), planning and reporting by calling this.
    """
    listed = list(devices)
    if all(is_live(device) for device in listed):
        return listed
    with connection.cursor() as cursor:
        cursor.execute(LIVE_STATES, {"ids": [device.pk for device in listed]})
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    states = {row.pop("device_id"): LiveState(**row) for row in rows}
    reporting = [device.pk for device in listed if device.source == REPORTED]
    last = last_reported(reporting)
    now = timezone.now()
    return [_live_copy(device, states.get(device.pk), last, now) for device in listed]


_LIVE = "_live_state_read"


def is_live(device: Device) -> bool:
    """Whether the device is already a copy made by devices_with_live_state (nothing to read)."""
    return getattr(device, _LIVE, False)


def _live_copy(
    device: Device, state: LiveState | None, last: Mapping[int, datetime], now: datetime
) -> Device:
    live = copy.copy(device)
    setattr(live, _LIVE, True)
    if state is not None:
        live.power_w = state.power_w
        live.last_reading_at = state.at
        live.charge_wh = live_charge_wh(
            own_wh=device.charge_wh,
            own_revision=device.charge_revision,
            capacity_wh=device.capacity_wh,
            live_wh=state.charge_wh,
            live_revision=state.charge_revision,
        )
        if state.is_on is not None:
            live.is_on = state.is_on
        if state.plugged_in is not None:
            live.plugged_in = state.plugged_in
    if device.source == REPORTED:
        # When it last reported, and stale (0 W) after STALE_AFTER without a sample.
        last_at = last.get(device.pk)
        live.last_reported_at = last_at  # type: ignore[attr-defined]
        live.stale = reported.is_stale(last_at, now=now)  # type: ignore[attr-defined]
        if live.stale:  # type: ignore[attr-defined]
            live.power_w = 0.0
    return live


def household_plan() -> HouseholdPlan | None:
    """The active household's current plan (telemetry.plans), or None before its first."""
    return HouseholdPlan.objects.first()


def device_plans() -> list[DevicePlan]:
    """The active household's planned stores, by device id."""
    return list(DevicePlan.objects.order_by("device_id"))


def snapshot_of(household_id: int) -> HouseholdSnapshot | None:
    """A household's fleet snapshot (the latest tick's powers, counts and today's costs), if it ticked."""
    return HouseholdSnapshot.objects.filter(pk=household_id).first()


def snapshot_totals(*, stale_before: datetime, columns: Sequence[str]) -> dict:
    """The fleet's sums over every household's snapshot (one public query; grows with the fleet).

    Keys: households, stale_households (never ticked, or last tick not after `stale_before`), `at` (the
    newest tick) and each of `columns` (float sums), 0 for a fleet never ticked.
    """

    def total(column: str) -> Coalesce:
        return Coalesce(Sum(f"snapshot__{column}"), Value(0), output_field=FloatField())

    return Household.objects.aggregate(
        households=Count("pk"),
        stale_households=Count("pk", filter=Q(snapshot__at__isnull=True) | Q(snapshot__at__lte=stale_before)),
        **{column: total(column) for column in columns},
        at=Max("snapshot__at"),
    )


# The fleet's device count per kind value, over the snapshots' maps (a kind no device has is absent).
_DEVICES_BY_KIND = (
    "SELECT k.key, sum(k.value::integer) FROM public.telemetry_householdsnapshot AS s, "
    "jsonb_each_text(s.devices_by_kind) AS k GROUP BY k.key"
)


def snapshot_devices_by_kind() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(_DEVICES_BY_KIND)
        return {kind: int(count) for kind, count in cursor.fetchall()}


# Today's costs per currency over the snapshots that are of their home's local today (one grouped
# query over the fleet, run once per tick with the other totals).
_COSTS_TODAY = (
    "SELECT s.currency, sum(s.import_cost_today), sum(s.export_revenue_today), "
    "sum(s.cost_without_devices_today) FROM public.telemetry_householdsnapshot AS s "
    "JOIN public.households_household AS h ON h.id = s.household_id "
    "WHERE s.currency <> '' AND s.cost_day = (%s::timestamptz AT TIME ZONE h.timezone)::date "
    "GROUP BY s.currency ORDER BY s.currency"
)


def snapshot_costs_today(now: datetime) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """Per currency: the fleet's import cost, export revenue and cost without devices, today so far."""
    with connection.cursor() as cursor:
        cursor.execute(_COSTS_TODAY, [now])
        return {currency: (a, b, c) for currency, a, b, c in cursor.fetchall()}
