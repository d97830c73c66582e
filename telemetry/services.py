"""Telemetry writes: simulate a tick for households and store it all-or-nothing per household.

The live Celery tick, `simulate_tick` and `backfill_telemetry` all run through
`households_tick` / `household_backfill`, which share the physics and the SQL of telemetry.writes.
"""

import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from psycopg2 import sql

from households.models import Household
from households.timezones import local_hour_start, zone
from telemetry import flows, physics, writes
from telemetry.signals import fleet_ticked
from telemetry.sql import render

logger = logging.getLogger(__name__)

BACKFILL_CHUNK_TICKS = 1_440


@dataclass(frozen=True, slots=True)
class HouseholdRef:
    """What a tick needs to know about a household (no model instance on the hot path)."""

    id: int
    schema_name: str
    timezone: str
    latitude: float = 0.0
    longitude: float = 0.0

    @classmethod
    def of(cls, household: Household) -> "HouseholdRef":
        return cls(
            household.pk, household.schema_name, household.timezone, household.latitude, household.longitude
        )


@dataclass
class TickReport:
    written: int = 0
    skipped: int = 0
    failed: list[str] = dataclasses.field(default_factory=list)


def tick_seconds() -> int:
    return int(settings.TELEMETRY_TICK_SECONDS)


def tick_instant(*, now: datetime | None = None, seconds: int | None = None) -> datetime:
    """The tick's timestamp: now, floored to the tick interval (so every household agrees)."""
    seconds = seconds or tick_seconds()
    epoch = int((now or datetime.now(UTC)).timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, UTC)


def simulate_instants(
    *,
    household: HouseholdRef,
    devices: list[physics.DeviceState],
    instants: Sequence[datetime],
    seconds: int,
) -> list[writes.SimulatedTick]:
    """Run the physics over consecutive instants; stores carry their charge from tick to tick."""
    tz = zone(household.timezone)
    reserve = settings.TELEMETRY_EV_RESERVE_PERCENT / 100.0
    ticks = []
    for at in instants:
        outcomes = physics.simulate_household(
            devices,
            local_time=at.astimezone(tz),
            dt_hours=seconds / 3600.0,
            seed=household.schema_name,
            latitude=household.latitude,
            longitude=household.longitude,
            ev_reserve_fraction=reserve,
        )
        produced = sum(o.power_w for o in outcomes if o.power_w > 0)
        consumed = -sum(o.power_w for o in outcomes if o.power_w < 0)
        powers = flows.node_powers((d.kind, o.power_w) for d, o in zip(devices, outcomes, strict=True))
        tick = writes.SimulatedTick(
            at=at,
            seconds=seconds,
            hour_start=local_hour_start(at=at, zone=tz),
            outcomes=outcomes,
            produced_w=produced,
            consumed_w=consumed,
            powers=powers,
            allocation=flows.allocate(powers),
        )
        pairs = zip(devices, outcomes, strict=True)
        stores = ((d, o.power_w, o.charge_wh, o.plugged_in) for d, o in pairs if o.charge_wh is not None)
        reasons = flows.store_reasons(stores, net_w=tick.net_w, ev_reserve_fraction=reserve)
        ticks.append(dataclasses.replace(tick, reasons=reasons))
        devices = _carry_charge(devices, ticks[-1])
    return ticks


def _store_sql(
    cursor, household: HouseholdRef, devices: list[physics.DeviceState], ticks: list[writes.SimulatedTick]
) -> list[sql.SQL]:
    modes = {d.id: d.mode for d in devices}
    schema = household.schema_name
    return [
        writes.readings_values_sql(cursor, schema, ticks, modes),
        writes.rollups_sql(cursor, schema, ticks),
        writes.device_state_sql(cursor, schema, ticks[-1]),
        writes.snapshot_sql(cursor, household.id, ticks[-1], devices),
    ]


def _tick_batch(households: Sequence[HouseholdRef], at: datetime, seconds: int) -> int:
    """One transaction, two round trips: claim + load every household, then write them all."""
    with transaction.atomic(), connection.cursor() as cursor:
        claims = [(h.schema_name, at, seconds) for h in households]
        cursor.execute(render(cursor, [writes.claim_and_load_sql(cursor, claims)]))
        claimed: dict[int, list[physics.DeviceState]] = {}
        for row in cursor.fetchall():
            devices = claimed.setdefault(row[0], [])
            if row[1] is not None:
                devices.append(writes.device_state(row[1:]))
        statements = []
        for index, devices in claimed.items():
            household = households[index]
            ticks = simulate_instants(household=household, devices=devices, instants=[at], seconds=seconds)
            statements += _store_sql(cursor, household, devices, ticks)
        if statements:
            cursor.execute(render(cursor, statements))
    return len(claimed)


def households_tick(*, households: Sequence[HouseholdRef], at: datetime, seconds: int) -> TickReport:
    """Simulate and store one tick for each household; each household is all-or-nothing.

    The batch shares a transaction for speed; if it fails, each household is retried alone so
    one broken household cannot hold back the others. A lone household's error propagates (the
    Celery task retries it).
    """
    report = TickReport()
    if not households:
        return report
    try:
        written = _tick_batch(households, at, seconds)
    except DatabaseError:
        if len(households) == 1:
            raise
        for household in households:
            try:
                written = _tick_batch([household], at, seconds)
            except DatabaseError:
                logger.exception("Tick %s failed for household %s", at, household.schema_name)
                report.failed.append(household.schema_name)
                continue
            report.written += written
            report.skipped += 1 - written
        return report
    report.written = written
    report.skipped = len(households) - written
    return report


def fleet_households() -> list[HouseholdRef]:
    return [
        HouseholdRef(*row)
        for row in Household.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        .order_by("pk")
        .values_list("pk", "schema_name", "timezone", "latitude", "longitude")
    ]


def fleet_tick_in_process(*, at: datetime, seconds: int, batch_size: int = 50) -> TickReport:
    """The whole fleet's tick in this process (`simulate_tick`, benchmarks), in batches."""
    report = TickReport()
    households = fleet_households()
    for start in range(0, len(households), batch_size):
        part = households_tick(households=households[start : start + batch_size], at=at, seconds=seconds)
        report.written += part.written
        report.skipped += part.skipped
        report.failed += part.failed
    fleet_ticked.send(sender=fleet_tick_in_process, at=at)
    return report


def household_backfill(
    *,
    household: HouseholdRef,
    start: datetime,
    end: datetime,
    seconds: int,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Simulate [start, end) tick by tick and store it in chunks; instants already stored are skipped."""
    first = tick_instant(now=start, seconds=seconds)
    if first < start:
        first += timedelta(seconds=seconds)
    count = max(0, int((end - first).total_seconds() // seconds) + 1)
    instants = [first + timedelta(seconds=seconds * i) for i in range(count)]
    instants = [at for at in instants if at < end]
    schema = household.schema_name
    with connection.cursor() as cursor:
        cursor.execute(render(cursor, [writes.load_devices_sql(cursor, schema)]))
        devices = [writes.device_state(row) for row in cursor.fetchall()]
    written = 0
    for offset in range(0, len(instants), BACKFILL_CHUNK_TICKS):
        chunk = instants[offset : offset + BACKFILL_CHUNK_TICKS]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(render(cursor, [writes.claim_instants_sql(cursor, schema, chunk, seconds)]))
            claimed = {row[0] for row in cursor.fetchall()}
            todo = [at for at in chunk if at in claimed]
            if todo:
                ticks = simulate_instants(
                    household=household, devices=devices, instants=todo, seconds=seconds
                )
                devices = _carry_charge(devices, ticks[-1])
                modes = {d.id: d.mode for d in devices}
                if len(ticks) * len(devices) >= writes.COPY_THRESHOLD_ROWS:
                    writes.readings_copy(cursor, schema, ticks, modes)
                    statements = _store_sql(cursor, household, devices, ticks)[1:]
                else:
                    statements = _store_sql(cursor, household, devices, ticks)
                cursor.execute(render(cursor, statements))
                written += len(todo)
        if progress:
            progress(len(chunk))
    return written


def _carry_charge(
    devices: list[physics.DeviceState], last: writes.SimulatedTick
) -> list[physics.DeviceState]:
    return [
        dataclasses.replace(d, charge_wh=o.charge_wh) if o.charge_wh is not None else d
        for d, o in zip(devices, last.outcomes, strict=True)
    ]
