"""A REPORTED device's minute, computed from the samples its home's gateway sent; never simulated.

For the tick instant T of length s, from the samples stored for the device:
1. the mean power of the samples in [T, T + s), and the last of them's charge (stores);
2. else the newest sample in [T - STALE_AFTER, T): its power and charge;
3. else the device is stale: 0 W, its charge as it was.
The result is a function of the stored samples alone, so the order they arrive in does not matter:
a sample stored after its minute (or a later minute that may fall back on it) was computed makes
those minutes be computed again (telemetry.ingest), and they equal an on-time arrival.
"""

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from telemetry import physics

STALE_AFTER = timedelta(minutes=5)
STALE_AFTER_US = STALE_AFTER // timedelta(microseconds=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
LOCK_CLASS = 0x52455054
"""First key of the per-household advisory lock that orders ingestion and the tick's samples."""
# Instants come back as integer microseconds since the epoch: a window holds thousands of samples, and
# the driver builds a datetime (with its time zone) ten times slower than an integer.
SAMPLES_SQL = (
    "SELECT household_id, device_id, (extract(epoch FROM at) * 1000000)::bigint, power_w, charge_wh "
    "FROM public.telemetry_reportedsample "
    "WHERE household_id = ANY(%s::bigint[]) AND device_id = ANY(%s::bigint[]) AND at >= %s AND at < %s "
    "ORDER BY household_id, device_id, at"
)


@dataclass(slots=True)
class DeviceSamples:
    """One device's samples over a window, in time order (parallel lists, for bisect); times in
    microseconds since the epoch (`instant_us`)."""

    times: list[int] = field(default_factory=list)
    powers: list[float] = field(default_factory=list)
    charges: list[float | None] = field(default_factory=list)


def instant_us(at: datetime) -> int:
    """Microseconds since the epoch: exact, and how samples' instants are compared and sent."""
    return (at - EPOCH) // MICROSECOND


def window(instants: Sequence[datetime], seconds: int) -> tuple[datetime, datetime]:
    """[start, end) of the samples that the minutes at `instants` may use."""
    return min(instants) - STALE_AFTER, max(instants) + timedelta(seconds=seconds)


def minute_start(at: datetime, seconds: int) -> datetime:
    """The tick instant whose minute holds `at`."""
    return at - timedelta(seconds=int(at.timestamp()) % seconds, microseconds=at.microsecond)


def affected_instants(at: datetime, seconds: int) -> list[datetime]:
    """The instants whose minute a sample at `at` can change: its own, and those that may fall back on it."""
    own = minute_start(at, seconds)
    following = -(-int(STALE_AFTER.total_seconds()) // seconds)
    return [own + timedelta(seconds=seconds * step) for step in range(following + 1)]


def households_lock(cursor: Any, household_ids: Iterable[int]) -> None:
    """Take the households' sample locks (in id order, so two lockers cannot deadlock) until commit:
    the tick reads samples and ingestion recomputes minutes one at a time per household."""
    cursor.execute(
        "SELECT count(pg_advisory_xact_lock(%s, h)) "
        "FROM (SELECT h FROM unnest(%s::integer[]) AS h ORDER BY h) AS s",
        [LOCK_CLASS, sorted(set(household_ids))],
    )


def samples_load(
    cursor: Any, devices: Mapping[int, Iterable[int]], instants: Sequence[datetime], seconds: int
) -> dict[int, dict[int, DeviceSamples]]:
    """{household id: {device id: samples}} for the given households' reported devices, one statement.

    Every device asked for has an entry, empty when it sent nothing in the window.
    """
    loaded: dict[int, dict[int, DeviceSamples]] = {
        household: {device: DeviceSamples() for device in ids} for household, ids in devices.items()
    }
    device_ids = sorted({device for ids in loaded.values() for device in ids})
    if not device_ids:
        return loaded
    households_lock(cursor, loaded)
    start, end = window(instants, seconds)
    cursor.execute(SAMPLES_SQL, [sorted(loaded), device_ids, start, end])
    for household, device, at, power_w, charge_wh in cursor.fetchall():
        samples = loaded[household].get(device)
        if samples is not None:
            samples.times.append(at)
            samples.powers.append(power_w)
            samples.charges.append(charge_wh)
    return loaded


def minute_outcome(
    device: physics.DeviceState,
    samples: DeviceSamples,
    *,
    at: datetime,
    seconds: int,
    charge_wh: float | None,
) -> physics.DeviceOutcome:
    """The device's reading for [at, at + seconds) from its samples; `charge_wh` is its charge when
    no sample says one (stale, or a sample without chargeWh)."""
    at_us = instant_us(at)
    start = bisect_left(samples.times, at_us)
    end = bisect_left(samples.times, at_us + seconds * 1_000_000, lo=start)
    if end > start:
        power_w = sum(samples.powers[start:end]) / (end - start)
        sent_charge = samples.charges[end - 1]
    elif start > 0 and samples.times[start - 1] >= at_us - STALE_AFTER_US:
        power_w = samples.powers[start - 1]
        sent_charge = samples.charges[start - 1]
    else:
        power_w, sent_charge = 0.0, None
    handler = physics.HANDLERS[device.kind]
    is_store = handler in (physics.Handler.BATTERY, physics.Handler.VEHICLE)
    return physics.DeviceOutcome(
        device_id=device.id,
        power_w=power_w,
        energy_wh=power_w * seconds / 3600.0,
        charge_wh=(sent_charge if sent_charge is not None else charge_wh) if is_store else None,
        is_on=power_w < 0.0 if handler == physics.Handler.APPLIANCE else None,
        plugged_in=True if handler == physics.Handler.VEHICLE else None,
    )


def is_stale(last_reported_at: datetime | None, *, now: datetime) -> bool:
    """No sample within STALE_AFTER of now: the device counts as 0 W."""
    return last_reported_at is None or last_reported_at < now - STALE_AFTER
