"""The devices' live state (power, charge, on/off, plugged in, last reading), read through a hook.

The telemetry tick keeps each device's state in a shared table that devices may not read: the apps
import downward only (telemetry sits above devices). Rather than move the GraphQL fields up a layer,
devices defines this hook and telemetry registers its reader at startup (telemetry.apps): the
dependency points down, and the API's device types keep resolving their own fields. Until a reader
is registered (and for a device never ticked), a device shows its own columns: its state at
registration.
"""

from collections.abc import Callable, Iterable

from devices.models import Device

Reader = Callable[[list[Device]], None]
"""Overlays the live state on the active household's devices, in place, in one query."""

_readers: list[Reader] = []


def reader_register(reader: Reader) -> None:
    if reader not in _readers:
        _readers.append(reader)


def with_live_state(devices: Iterable[Device]) -> list[Device]:
    """The devices (of the active household), their state columns set to their live state."""
    listed = list(devices)
    if listed:
        for reader in _readers:
            reader(listed)
    return listed


def one_with_live_state(device: Device | None) -> Device | None:
    return with_live_state([device])[0] if device is not None else None
