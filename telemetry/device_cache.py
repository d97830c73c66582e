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

The version moves on INSERT, UPDATE and DELETE of a devices table; PostgreSQL fires no such
trigger on TRUNCATE, so a devices table truncated by hand (the app never does) leaves the version,
and the workers' caches, as they were: restart the workers after one.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

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
