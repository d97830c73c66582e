"""Store what a gateway reported and bring every minute it changes up to date, in one transaction.

Samples are stored once per (device, instant): a sample sent again is a duplicate and changes
nothing. A new sample can change its own minute and the STALE_AFTER after it (telemetry.reported):
- minutes already ticked are computed again from the stored readings and samples, and the rollups
  take the difference (so a late, out-of-order or re-sent sample ends where an on-time one would);
- its own minute, if never ticked and already past, is ticked now through the tick's own path;
- a minute still to come is left to the tick.
One advisory lock per household orders ingestion against itself and against the tick's reading of
the samples (telemetry.services), so no sample can slip between a minute's computation and its commit.

The write path, for bodies of thousands of samples: the batch is COPYed into a session-local staging
table, then one INSERT ... SELECT ... ON CONFLICT DO NOTHING moves it into the samples, returning
what was new (a duplicate, within the batch or of a stored sample, costs one index probe). This
replaced an INSERT from unnested arrays that cost ~2x as much; an anti-join instead of ON CONFLICT
was cheaper on small tables but PostgreSQL hashes a household's whole history for it once it is long.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from django.db import connection, transaction

from telemetry import costs, partitions, physics, reported, services, writes
from telemetry.sql import render
from telemetry.tick import HouseholdTicks, SimulatedTick

DAY_US = 86_400_000_000
# Created once per database session (a temporary table): no catalog churn. The insert empties it as
# it reads it, so a batch never meets the rows of an earlier one in the same transaction.
STAGING_CREATE = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS ingest_staging "
    "(device_id bigint NOT NULL, at_us bigint NOT NULL, power_w float8 NOT NULL, charge_wh float8) "
    "ON COMMIT DELETE ROWS"
)
STAGING_COPY = "COPY pg_temp.ingest_staging (device_id, at_us, power_w, charge_wh) FROM STDIN"
# The new samples come back as their minutes (tick instants) with a count: a few rows, not thousands.
INSERT_SAMPLES = (
    "WITH s AS (DELETE FROM pg_temp.ingest_staging RETURNING device_id, "
    "timestamptz 'epoch' + at_us * interval '1 microsecond' AS at, power_w, charge_wh), "
    "n AS (INSERT INTO public.telemetry_reportedsample (household_id, device_id, at, power_w, charge_wh) "
    "SELECT %(household)s, device_id, at, power_w, charge_wh FROM s ON CONFLICT DO NOTHING RETURNING at) "
    "SELECT to_timestamp(floor(extract(epoch FROM at) / %(seconds)s) * %(seconds)s), count(*) "
    "FROM n GROUP BY 1"
)
TICKED = "SELECT at FROM public.telemetry_tick WHERE household_id = %s AND at = ANY(%s::timestamptz[])"
STORED = (
    "SELECT at, device_id, power_w, energy_wh, charge_wh, is_on FROM public.telemetry_reading "
    "WHERE household_id = %s AND at = ANY(%s::timestamptz[])"
)
UPDATE_READINGS = (
    "UPDATE public.telemetry_reading AS r SET power_w = u.p, energy_wh = u.e, charge_wh = u.c, is_on = u.o "
    "FROM unnest(%s::bigint[], %s::timestamptz[], %s::float8[], %s::float8[], %s::float8[], %s::boolean[]) "
    "AS u(d, a, p, e, c, o) WHERE r.household_id = %s AND r.device_id = u.d AND r.at = u.a"
)


class Sample(NamedTuple):
    """One validated reading (a tuple: a body makes thousands of them)."""

    device_id: int
    at: datetime
    power_w: float
    charge_wh: float | None


@dataclass(frozen=True, slots=True)
class Stored:
    accepted: int
    duplicates: int


def samples_ingest(
    *, household: services.HouseholdRef, samples: Sequence[Sample], now: datetime | None = None
) -> Stored:
    """Store the samples of the household's REPORTED devices (validated by the caller) and roll up
    at once every minute already computed that they change."""
    if not samples:
        return Stored(0, 0)
    seconds = services.tick_seconds()
    current = services.tick_instant(now=now, seconds=seconds)
    buffer, days = _staged(samples)
    partitions.partitions_ensure(days)
    with transaction.atomic(), connection.cursor() as cursor:
        reported.households_lock(cursor, [household.id])
        cursor.execute(STAGING_CREATE)
        cursor.copy_expert(STAGING_COPY, buffer)
        cursor.execute(INSERT_SAMPLES, {"household": household.id, "seconds": seconds})
        minutes = dict(cursor.fetchall())
        if minutes:
            _minutes_refresh(cursor, household, set(minutes), seconds, current)
    accepted = sum(minutes.values())
    return Stored(accepted, len(samples) - accepted)


def _staged(samples: Sequence[Sample]) -> tuple[io.StringIO, set[date]]:
    """The COPY text of the samples and the UTC days they fall on. Instants travel as integer
    microseconds: exact, and the cheapest to format and parse."""
    buffer = io.StringIO()
    write = buffer.write
    instants: dict[datetime, int] = {}  # a body's readings share their instants (one per device)
    for device_id, at, power_w, charge_wh in samples:
        at_us = instants.get(at)
        if at_us is None:
            at_us = instants[at] = reported.instant_us(at)
        charge = "\\N" if charge_wh is None else repr(charge_wh)
        write(f"{device_id}\t{at_us}\t{power_w!r}\t{charge}\n")
    day_numbers = {at_us // DAY_US for at_us in instants.values()}
    buffer.seek(0)
    return buffer, {(reported.EPOCH + timedelta(days=day)).date() for day in day_numbers}


def _minutes_refresh(
    cursor, household: services.HouseholdRef, new: set[datetime], seconds: int, current: datetime
) -> None:
    """`new`: the minutes (tick instants) that received new samples."""
    own = new
    candidates = sorted({instant for start in own for instant in reported.affected_instants(start, seconds)})
    cursor.execute(TICKED, [household.id, candidates])
    ticked = sorted(row[0] for row in cursor.fetchall())
    if ticked:
        minutes_recompute(cursor, household=household, instants=ticked, seconds=seconds)
    horizon = partitions.horizon()
    untouched = sorted(at for at in own - set(ticked) if at < current and (horizon is None or at >= horizon))
    if untouched:
        partitions.partitions_ensure({at.astimezone(UTC).date() for at in untouched})
        services.household_instants_tick(cursor, household=household, instants=untouched, seconds=seconds)


def minutes_recompute(
    cursor, *, household: services.HouseholdRef, instants: Sequence[datetime], seconds: int
) -> int:
    """Compute the reported devices' minutes at these ticked instants again; where one changed, its
    readings, the hourly rollups (old contribution out, new in), the live state and the fleet
    snapshot (when it is the newest) follow. Returns how many minutes changed."""
    cached = services.household_devices(cursor, household)
    reported_ids = {c.config.id for c in cached if c.reported}
    if not reported_ids:
        return 0
    devices = [c.config for c in cached]
    cursor.execute(STORED, [household.id, list(instants)])
    stored: dict[datetime, dict[int, physics.DeviceOutcome]] = {}
    for at, device_id, power_w, energy_wh, charge_wh, is_on in cursor.fetchall():
        stored.setdefault(at, {})[device_id] = physics.DeviceOutcome(
            device_id, power_w, energy_wh, charge_wh, is_on
        )
    samples = reported.samples_load(cursor, {household.id: reported_ids}, instants, seconds)[household.id]
    old_ticks, new_ticks = [], []
    for at in sorted(stored):
        row = stored[at]
        present = [d for d in devices if d.id in row]
        old = [row[d.id] for d in present]
        new = [
            reported.minute_outcome(d, samples[d.id], at=at, seconds=seconds, charge_wh=row[d.id].charge_wh)
            if d.id in reported_ids
            else row[d.id]
            for d in present
        ]
        if all((o.power_w, o.charge_wh) == (n.power_w, n.charge_wh) for o, n in zip(old, new, strict=True)):
            continue
        old_ticks.append(_tick(at, seconds, household, present, old, reported_ids))
        new_ticks.append((present, _tick(at, seconds, household, present, new, reported_ids)))
    if not new_ticks:
        return 0
    changed = [(o, tick.at) for _, tick in new_ticks for o in tick.outcomes if o.device_id in reported_ids]
    cursor.execute(
        UPDATE_READINGS,
        [
            [o.device_id for o, _ in changed],
            [at for _, at in changed],
            [o.power_w for o, _ in changed],
            [o.energy_wh for o, _ in changed],
            [o.charge_wh for o, _ in changed],
            [o.is_on for o, _ in changed],
            household.id,
        ],
    )
    revisions = {c.config.id: c.charge_revision for c in cached}
    # The minute is priced as it was: its old cost goes with its old energy, its new cost comes in.
    prices = services.prices_of({household.id: household}, {household.id: [t.at for t in old_ticks]})[
        household.id
    ]
    homes = [
        HouseholdTicks(
            household.id,
            household.schema_name,
            present,
            [tick],
            costs=costs.ticks_costs([tick], [price], household.timezone),
        )
        for (present, tick), price in zip(new_ticks, prices, strict=True)
    ]
    minus = [
        HouseholdTicks(
            household.id,
            household.schema_name,
            [],
            old_ticks,
            costs=costs.ticks_costs(old_ticks, prices, household.timezone),
        )
    ]
    present, last = new_ticks[-1]
    own_outcomes = [o for o in last.outcomes if o.device_id in reported_ids]
    live = HouseholdTicks(
        household.id, household.schema_name, present, [_with_outcomes(last, own_outcomes)], revisions
    )
    statements = [
        writes.rollups_sql(cursor, homes, minus=minus),
        writes.live_states_sql(cursor, [live]),
        writes.snapshots_sql(cursor, [replace(live, ticks=[last], reported=frozenset(reported_ids))]),
    ]
    cursor.execute(render(cursor, statements))
    return len(new_ticks)


def _tick(
    at: datetime,
    seconds: int,
    household: services.HouseholdRef,
    devices: list[physics.DeviceState],
    outcomes: list[physics.DeviceOutcome],
    reported_ids: set[int],
) -> SimulatedTick:
    return services.tick_build(
        at=at,
        seconds=seconds,
        household=household,
        devices=devices,
        outcomes=outcomes,
        unreasoned=reported_ids,
    )


def _with_outcomes(tick: SimulatedTick, outcomes: list[physics.DeviceOutcome]) -> SimulatedTick:
    return replace(tick, outcomes=outcomes)
