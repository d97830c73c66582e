"""The worker's cache of each household's device configuration, valid for one devices version.

Configuration (kind, capacities, rates, mode, category, orientation...) changes only when the owner
edits a device, and every such write renews `households_household.devices_version` in its own
transaction (a trigger on the household's devices table). The tick's claim returns each household's
version, so a household whose cached version matches is simulated without touching its schema;
only the missing or stale ones are read from their schemas (telemetry.services).

One cache per worker process, bounded by TELEMETRY_DEVICE_CACHE_HOUSEHOLDS (enough for the whole
fleet: a worker may be handed any chunk); when full, the household cached longest ago goes first.
Benchmarks prime it with `put` to tick households that have no schema (a household whose devices
were never written has version 0).

Behind it, one cache the workers share (`shared_get` / `shared_put`, Redis through Django's cache
"devices"): any process hands a chunk a random worker process, so a process meets each chunk's
households for the first time over its first minutes, and reading 250 households from their
schemas costs ~0.6 s (a 250-way UNION ALL: planning and opening 250 tables) against a few ms from
Redis. Keys hold the database's oid with the household and version, so a database dropped and
made again (tests, a development reset) never answers with another incarnation's devices. An
unreachable Redis only makes the tick read the schemas.

The version moves on INSERT, UPDATE and DELETE of a devices table; PostgreSQL fires no such
trigger on TRUNCATE, so a devices table truncated by hand (the app never does) leaves the version,
and the workers' caches, as they were: restart the workers and delete the shared cache's keys
(`redis-cli --scan --pattern 'devices:*'`; not the cache's `clear()`, which empties the broker's
Redis database too) after one.
"""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from redis.exceptions import RedisError

from telemetry import physics


@dataclass(frozen=True, slots=True)
class CachedDevice:
    """A device as its schema stores it: configuration, owner-set charge and that charge's revision."""

    config: physics.DeviceState
    """`charge_wh` is the device's own column: the owner's (or registration's) charge."""
    charge_revision: int = 0
    reported: bool = False
    """Fed by the home's gateway (telemetry.reported), never simulated."""


@dataclass(frozen=True, slots=True)
class _Entry:
    version: int
    devices: tuple[CachedDevice, ...]


_entries: dict[int, _Entry] = {}


def get(household_id: int, version: int) -> tuple[CachedDevice, ...] | None:
    """The household's devices cached at `version`; None when missing or cached at another version."""
    entry = _entries.get(household_id)
    return entry.devices if entry is not None and entry.version == version else None


def put(household_id: int, version: int, devices: Sequence[CachedDevice]) -> None:
    """Cache the household's devices as read at `version` (replacing any older entry)."""
    if (
        _entries.pop(household_id, None) is None
        and len(_entries) >= settings.TELEMETRY_DEVICE_CACHE_HOUSEHOLDS
    ):
        del _entries[next(iter(_entries))]
    _entries[household_id] = _Entry(version, tuple(devices))  # the newest entry goes last


def clear() -> None:
    _entries.clear()


logger = logging.getLogger(__name__)
SHARED_CACHE = "devices"
_DATABASE_OID = "SELECT oid FROM pg_database WHERE datname = current_database()"


def database_oid(cursor: Any) -> int:
    """The shared cache's namespace: read per batch, since a process outlives a database dropped
    and made again (as the tests do)."""
    cursor.execute(_DATABASE_OID)
    return int(cursor.fetchone()[0])


def _keys(oid: int, versions: Mapping[int, int]) -> dict[str, int]:
    """The shared cache's key of each household at its version, by key."""
    return {f"{oid}:{household_id}:{version}": household_id for household_id, version in versions.items()}


def shared_get(oid: int, versions: Mapping[int, int]) -> dict[int, tuple[CachedDevice, ...]]:
    """The households (id -> version) another process has cached at those versions, now also
    cached in this process."""
    keys = _keys(oid, versions)
    try:
        found = caches[SHARED_CACHE].get_many(list(keys))
    except RedisError:
        logger.warning("The shared device cache is unreachable: reading the schemas")
        return {}
    devices = {}
    for key, cached in found.items():
        household_id = keys[key]
        put(household_id, versions[household_id], cached)
        devices[household_id] = cached
    return devices


def shared_put(oid: int, loaded: Mapping[int, tuple[int, tuple[CachedDevice, ...]]]) -> None:
    """Share the households' devices read from their schemas (id -> (version, devices))."""
    keys = _keys(oid, {household_id: version for household_id, (version, _) in loaded.items()})
    try:
        caches[SHARED_CACHE].set_many({key: loaded[household_id][1] for key, household_id in keys.items()})
    except RedisError:
        logger.warning("The shared device cache is unreachable: not sharing")
