"""Telemetry writes: simulate a tick for households and store it all-or-nothing per household.

The live Celery tick, `simulate_tick` and `backfill_telemetry` all run through
`households_tick` / `household_backfill`, which share the physics and the SQL of telemetry.writes.
In the steady state a batch touches no household schema and costs no statement per household:
device configuration comes from the worker's cache (below), valid while the household's devices
version is unchanged, and the stores' charge from the shared live state.

The device cache: configuration (kind, capacities, rates, mode, category, orientation...) changes
only when the owner edits a device, and every such write renews `households_household.devices_version`
in its own transaction (a trigger on the household's devices table). The claim returns each
household's version, so a household whose cached version matches is simulated without touching its
schema; only the missing or stale ones are read from their schemas. One cache per worker process,
bounded by TELEMETRY_DEVICE_CACHE_HOUSEHOLDS (enough for the whole fleet: a worker may be handed any
chunk); when full, the household cached longest ago goes first. Benchmarks prime it with
`device_cache_put` to tick households that have no schema (a household whose devices were never
written has version 0). The version moves on INSERT, UPDATE and DELETE of a devices table;
PostgreSQL fires no such trigger on TRUNCATE, so a devices table truncated by hand (the app never
does) leaves the version, and the workers' caches, as they were: restart the workers and delete
the shared cache's keys (`redis-cli --scan --pattern 'devices:*'`; not the cache's `clear()`,
which empties the broker's Redis database too) after one.

Behind each process's cache, one the workers share (Redis through Django's cache "devices"): a
random worker process takes each chunk, so a process meets each household for the first time over
its first minutes, and reading 250 households from their schemas costs ~0.6 s (a 250-way UNION
ALL: planning it and opening 250 tables) against a few ms from Redis. Keys hold the database's oid
and the cached classes' fields besides household and version, so neither a database dropped and
made again (tests, a development reset) nor an older release's objects answer; an unreachable Redis
only costs the schema read.
"""

import dataclasses
import logging
import zlib
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection, transaction
from redis.exceptions import RedisError

from devices.choices import PLANNED_MODES
from households.models import Household
from households.timezones import zone
from telemetry import costs, flows, partitions, physics, plans, reported, writes
from telemetry.signals import fleet_ticked
from telemetry.sql import render
from telemetry.tick import (
    CachedDevice,
    HouseholdTicks,
    SimulatedTick,
    live_charge_wh,
    local_hour_start,
    net_power_w,
)

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


def tick_build(
    *,
    at: datetime,
    seconds: int,
    household: HouseholdRef,
    devices: Sequence[physics.DeviceState],
    outcomes: Sequence[physics.DeviceOutcome],
    unreasoned: Container[int] = (),
) -> SimulatedTick:
    """One instant's tick from its devices' outcomes: totals, flows and the stores' reason codes.

    Stores in `unreasoned` (reported ones: the gateway says what they did, not why) get no reason.
    """
    reserve = settings.TELEMETRY_EV_RESERVE_PERCENT / 100.0
    produced = sum(o.power_w for o in outcomes if o.power_w > 0)
    consumed = -sum(o.power_w for o in outcomes if o.power_w < 0)
    powers = flows.node_powers((d.kind, o.power_w) for d, o in zip(devices, outcomes, strict=True))
    pairs = zip(devices, outcomes, strict=True)
    stores = (
        (d, o.power_w, o.charge_wh, o.plugged_in)
        for d, o in pairs
        if o.charge_wh is not None and d.id not in unreasoned
    )
    net_w = net_power_w(produced, consumed)
    return SimulatedTick(
        at=at,
        seconds=seconds,
        hour_start=local_hour_start(at=at, zone=zone(household.timezone)),
        outcomes=outcomes,
        produced_w=produced,
        consumed_w=consumed,
        powers=powers,
        allocation=flows.allocate(powers),
        reasons=flows.store_reasons(stores, net_w=net_w, ev_reserve_fraction=reserve),
    )


def simulate_instants(
    *,
    household: HouseholdRef,
    devices: list[physics.DeviceState],
    instants: Sequence[datetime],
    seconds: int,
    planned: Mapping[int, plans.PlannedStep] | None = None,
    samples: Mapping[int, reported.DeviceSamples] | None = None,
) -> list[SimulatedTick]:
    """Run the physics over consecutive instants; stores carry their charge from tick to tick.

    Stores that follow a plan run as its step for the instant commands (`planned`, device id ->
    step; telemetry.plans), or as its fallback without one. Devices in `samples` (REPORTED ones)
    are not simulated: their minutes come from the samples their gateway sent (telemetry.reported).
    """
    tz = zone(household.timezone)
    reserve = settings.TELEMETRY_EV_RESERVE_PERCENT / 100.0
    samples = samples or {}
    ticks = []
    any_planned = any(device.mode in PLANNED_MODES for device in devices)
    for index, at in enumerate(instants):
        simulated = [d for d in devices if d.id not in samples] if samples else devices
        outcomes = physics.simulate_household(
            plans.followed(simulated, planned or {}) if any_planned else simulated,
            local_time=at.astimezone(tz),
            dt_hours=seconds / 3600.0,
            seed=household.schema_name,
            latitude=household.latitude,
            longitude=household.longitude,
            ev_reserve_fraction=reserve,
        )
        if samples:
            by_id = {o.device_id: o for o in outcomes}
            outcomes = [
                reported.minute_outcome(d, samples[d.id], at=at, seconds=seconds, charge_wh=d.charge_wh)
                if d.id in samples
                else by_id[d.id]
                for d in devices
            ]
        ticks.append(
            tick_build(
                at=at,
                seconds=seconds,
                household=household,
                devices=devices,
                outcomes=outcomes,
                unreasoned=samples,
            )
        )
        if index + 1 < len(instants):  # the next instant starts from this one's charge
            devices = _carry_charge(devices, ticks[-1])
    return ticks


@dataclass(frozen=True, slots=True)
class Claimed:
    """A household's claimed instants and its devices as they stand before the first of them."""

    instants: list[datetime]
    devices: list[physics.DeviceState]
    charge_revisions: dict[int, int]
    samples: Mapping[int, reported.DeviceSamples] = dataclasses.field(default_factory=dict)
    """The REPORTED devices' samples around the instants (telemetry.reported), by device id."""


def _simulated(
    household: HouseholdRef,
    claimed: Claimed,
    seconds: int,
    planned: Mapping[int, plans.PlannedStep] | None = None,
    prices: Sequence[costs.TickPrice] = (),
) -> HouseholdTicks:
    """The household's ticks over its claimed instants, each priced (`prices`, one per instant) when
    prices are given."""
    ticks = simulate_instants(
        household=household,
        devices=claimed.devices,
        instants=claimed.instants,
        seconds=seconds,
        planned=planned,
        samples=claimed.samples,
    )
    priced = costs.ticks_costs(ticks, prices, household.timezone) if prices else []
    return HouseholdTicks(
        household.id,
        household.schema_name,
        claimed.devices,
        ticks,
        claimed.charge_revisions,
        frozenset(claimed.samples),
        priced,
    )


def prices_of(
    households: dict[int, HouseholdRef], claimed: Mapping[int, Sequence[datetime]]
) -> dict[int, list[costs.TickPrice]]:
    """The price of every claimed instant, for the whole batch at once (telemetry.costs)."""
    homes = [costs.Home(h.id, h.timezone, h.latitude, h.longitude) for h in (households[i] for i in claimed)]
    return costs.tick_prices(homes, claimed)


def _store(cursor, homes: Sequence[HouseholdTicks]) -> None:
    """Everything the homes' ticks write: one COPY, then every statement in one round trip."""
    homes = [home for home in homes if home.ticks]
    if not homes:
        return
    writes.readings_copy(cursor, homes)
    statements = [
        writes.rollups_sql(cursor, homes),
        writes.live_states_sql(cursor, homes),
        writes.snapshots_sql(cursor, homes),
        writes.ASYNC_COMMIT.bind(cursor),
    ]
    cursor.execute(render(cursor, statements))


@dataclass(frozen=True, slots=True)
class _CacheEntry:
    version: int
    devices: tuple[CachedDevice, ...]


_device_cache: dict[int, _CacheEntry] = {}


def device_cache_get(household_id: int, version: int) -> tuple[CachedDevice, ...] | None:
    """The household's devices cached at `version`; None when missing or cached at another version."""
    entry = _device_cache.get(household_id)
    return entry.devices if entry is not None and entry.version == version else None


def device_cache_put(household_id: int, version: int, devices: Sequence[CachedDevice]) -> None:
    """Cache the household's devices as read at `version` (replacing any older entry)."""
    if (
        _device_cache.pop(household_id, None) is None
        and len(_device_cache) >= settings.TELEMETRY_DEVICE_CACHE_HOUSEHOLDS
    ):
        del _device_cache[next(iter(_device_cache))]
    _device_cache[household_id] = _CacheEntry(version, tuple(devices))  # the newest entry goes last


def device_cache_clear() -> None:
    _device_cache.clear()


SHARED_DEVICE_CACHE = "devices"
_DATABASE_OID = "SELECT oid FROM pg_database WHERE datname = current_database()"


def _database_oid(cursor) -> int:
    """The shared cache's namespace, read per batch: a process outlives a database dropped and made
    again (as the tests do)."""
    cursor.execute(_DATABASE_OID)
    return int(cursor.fetchone()[0])


# The cached objects' shape: a release that changes their fields reads none of an older one's.
_SHAPE = zlib.crc32(
    " ".join(f.name for cls in (CachedDevice, physics.DeviceState) for f in dataclasses.fields(cls)).encode()
)


def _shared_keys(oid: int, versions: Mapping[int, int]) -> dict[str, int]:
    """The shared cache's key of each household at its version, by key."""
    return {f"{oid}:{_SHAPE}:{household}:{version}": household for household, version in versions.items()}


def _shared_get(oid: int, versions: Mapping[int, int]) -> dict[int, tuple[CachedDevice, ...]]:
    """The households (id -> version) another process has shared at those versions."""
    keys = _shared_keys(oid, versions)
    try:
        found = caches[SHARED_DEVICE_CACHE].get_many(list(keys))
    except RedisError:
        logger.warning("The shared device cache is unreachable: reading the schemas")
        return {}
    return {keys[key]: cached for key, cached in found.items()}


def _shared_put(oid: int, loaded: Mapping[int, tuple[int, tuple[CachedDevice, ...]]]) -> None:
    """Share the households' devices read from their schemas (id -> (version, devices))."""
    keys = _shared_keys(oid, {household_id: version for household_id, (version, _) in loaded.items()})
    try:
        caches[SHARED_DEVICE_CACHE].set_many(
            {key: loaded[household_id][1] for key, household_id in keys.items()}
        )
    except RedisError:
        logger.warning("The shared device cache is unreachable: not sharing")


def _cached_devices(
    cursor, households: Sequence[HouseholdRef], versions: dict[int, int]
) -> dict[int, tuple[CachedDevice, ...]]:
    """Each household's devices from this process's cache, else the workers' shared cache; the
    others read from their schemas (one statement). All are cached at the version the claim returned."""
    devices: dict[int, tuple[CachedDevice, ...]] = {}
    missing = {}
    for household in households:
        cached = device_cache_get(household.id, versions[household.id])
        if cached is None:
            missing[household.id] = versions[household.id]
        else:
            devices[household.id] = cached
    if not missing:
        return devices
    oid = _database_oid(cursor)
    for household_id, cached in _shared_get(oid, missing).items():
        device_cache_put(household_id, versions[household_id], cached)
        devices[household_id] = cached
    stale = [h for h in households if h.id not in devices]
    if stale:
        cursor.execute(render(cursor, [writes.devices_sql(cursor, [(h.id, h.schema_name) for h in stale])]))
        loaded: dict[int, list[CachedDevice]] = {h.id: [] for h in stale}
        for row in cursor.fetchall():
            household_id, device = writes.cached_device(row)
            loaded[household_id].append(device)
        for household_id, rows in loaded.items():
            device_cache_put(household_id, versions[household_id], rows)
            devices[household_id] = tuple(rows)
        _shared_put(oid, {h: (versions[h], devices[h]) for h in loaded})
    return devices


def _claim_and_load(
    cursor, households: Sequence[HouseholdRef], instants: Sequence[datetime], seconds: int
) -> dict[int, Claimed]:
    """Claim (household, instant) pairs; for each household that got any: its instants and devices,
    each store's charge carried from the live state unless the owner has set it since."""
    cursor.execute(render(cursor, [writes.claim_sql(cursor, [h.id for h in households], instants, seconds)]))
    versions: dict[int, int] = {}
    claimed_instants: dict[int, list[datetime]] = {}
    live: dict[int, dict[int, tuple[float, int]]] = {}
    for row in cursor.fetchall():
        claim = dict(zip(writes.CLAIM_COLUMNS, row, strict=True))
        household_id = claim["household_id"]
        versions[household_id] = claim["devices_version"]
        claimed_instants[household_id] = claim["instants"]
        charges = live.setdefault(household_id, {})
        if claim["device_id"] is not None:
            charges[claim["device_id"]] = (claim["charge_wh"], claim["charge_revision"])
    by_id = {h.id: h for h in households}
    devices = _cached_devices(cursor, [by_id[h] for h in versions], versions)
    claimed = {}
    for household_id, cached in devices.items():
        charges = live[household_id]
        states = []
        for device in cached:
            config = device.config
            if config.id in charges:
                live_wh, live_revision = charges[config.id]
                charge_wh = live_charge_wh(
                    own_wh=config.charge_wh,
                    own_revision=device.charge_revision,
                    capacity_wh=config.capacity_wh,
                    live_wh=live_wh,
                    live_revision=live_revision,
                )
                config = dataclasses.replace(config, charge_wh=charge_wh)
            states.append(config)
        revisions = {device.config.id: device.charge_revision for device in cached}
        claimed[household_id] = Claimed(claimed_instants[household_id], states, revisions)
    reporting = {h: [d.config.id for d in cached if d.reported] for h, cached in devices.items()}
    reporting = {h: ids for h, ids in reporting.items() if ids}
    if reporting:
        instants_of = [at for h in reporting for at in claimed[h].instants]
        loaded = reported.samples_load(cursor, reporting, instants_of, seconds)
        for household_id, samples in loaded.items():
            claimed[household_id] = dataclasses.replace(claimed[household_id], samples=samples)
    return claimed


def _tick_batch(households: Sequence[HouseholdRef], at: datetime, seconds: int) -> int:
    """One transaction, three round trips once the device cache is warm: claim (with the devices
    versions and carried charges), COPY, the other writes. Stale households add one read."""
    day = at.astimezone(UTC).date()
    if day not in partitions.confirmed_days:  # once per day and process (telemetry.partitions)
        partitions.partitions_ensure([day])
    by_id = {h.id: h for h in households}
    with transaction.atomic(), connection.cursor() as cursor:
        claimed = _claim_and_load(cursor, households, [at], seconds)
        steps = _plan_steps(cursor, claimed, at)
        prices = prices_of(by_id, {h: c.instants for h, c in claimed.items()})
        homes = [_simulated(by_id[h], c, seconds, steps.get(h), prices[h]) for h, c in claimed.items()]
        _store(cursor, homes)
    return len(claimed)


def _plan_steps(
    cursor, claimed: Mapping[int, Claimed], at: datetime
) -> dict[int, dict[int, plans.PlannedStep]]:
    """The plan step in force of every planned store in the batch: one statement, and none when no
    household of the batch has a store that follows a plan."""
    ids = [h for h, c in claimed.items() if any(d.mode in PLANNED_MODES for d in c.devices)]
    if not ids:
        return {}
    cursor.execute(render(cursor, [plans.plan_steps_sql(cursor, ids, at)]))
    return plans.plan_steps(cursor.fetchall())


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
        partitions.confirmed_days.clear()  # the retry checks the catalog again
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


def household_args(household: HouseholdRef) -> list:
    """The household as a task argument (JSON): HouseholdRef(*args) rebuilds it."""
    return list(dataclasses.astuple(household))


def fleet_households() -> list[HouseholdRef]:
    return [
        HouseholdRef(*row)
        for row in Household.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        .order_by("pk")
        .values_list("pk", "schema_name", "timezone", "latitude", "longitude")
    ]


def fleet_tick_in_process(*, at: datetime, seconds: int, batch_size: int | None = None) -> TickReport:
    """The whole fleet's tick in this process (`simulate_tick`, benchmarks), in the workers' chunks."""
    batch_size = batch_size or settings.TELEMETRY_TICK_CHUNK
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
    """Simulate [start, end) tick by tick and store it in chunks through the tick's write path.

    Instants already stored are skipped; those before the retention horizon (their readings were
    dropped) are left out.
    """
    first = tick_instant(now=max(start, partitions.horizon() or start), seconds=seconds)
    if first < start:
        first += timedelta(seconds=seconds)
    count = max(0, int((end - first).total_seconds() // seconds) + 1)
    instants = [first + timedelta(seconds=seconds * i) for i in range(count)]
    instants = [at for at in instants if at < end]
    written = 0
    devices: list[physics.DeviceState] | None = None
    for offset in range(0, len(instants), BACKFILL_CHUNK_TICKS):
        chunk = instants[offset : offset + BACKFILL_CHUNK_TICKS]
        partitions.partitions_ensure(at.astimezone(UTC).date() for at in chunk)
        with transaction.atomic(), connection.cursor() as cursor:
            claimed = _claim_and_load(cursor, [household], chunk, seconds)
            if household.id in claimed:
                todo = claimed[household.id]
                if devices is not None:
                    todo = dataclasses.replace(todo, devices=devices)
                prices = prices_of({household.id: household}, {household.id: todo.instants})
                home = _simulated(household, todo, seconds, prices=prices[household.id])
                devices = _carry_charge(todo.devices, home.ticks[-1])
                _store(cursor, [home])
                written += len(todo.instants)
        if progress:
            progress(len(chunk))
    return written


def _carry_charge(devices: list[physics.DeviceState], last: SimulatedTick) -> list[physics.DeviceState]:
    return [
        dataclasses.replace(d, charge_wh=o.charge_wh) if o.charge_wh is not None else d
        for d, o in zip(devices, last.outcomes, strict=True)
    ]


def household_devices(cursor, household: HouseholdRef) -> tuple[CachedDevice, ...]:
    """The household's devices as the tick sees them: cached at its current devices version."""
    cursor.execute("SELECT devices_version FROM public.households_household WHERE id = %s", [household.id])
    version = cursor.fetchone()[0]
    return _cached_devices(cursor, [household], {household.id: version})[household.id]


def household_instants_tick(
    cursor, *, household: HouseholdRef, instants: Sequence[datetime], seconds: int
) -> int:
    """Claim, simulate and store these instants of one household in the caller's transaction;
    instants already ticked are skipped. Returns how many were ticked."""
    claimed = _claim_and_load(cursor, [household], instants, seconds)
    if household.id not in claimed:
        return 0
    prices = prices_of({household.id: household}, {h: c.instants for h, c in claimed.items()})
    _store(cursor, [_simulated(household, claimed[household.id], seconds, prices=prices[household.id])])
    return len(claimed[household.id].instants)
