"""Reads of the shared telemetry tables, always for the household whose schema is active.

The household is never an argument: the managers (telemetry.models.CurrentHouseholdManager)
filter on `public.current_household_id()`, which the database derives from the connection's
schema. Code outside telemetry reads these tables only through this module (a test enforces it).
"""

from collections.abc import Sequence

from django.db.models import QuerySet

from devices.models import Device
from telemetry import writes
from telemetry.models import DeviceHour, DeviceLiveState, HouseholdHour


def household_hours() -> QuerySet[HouseholdHour]:
    """The active household's hourly rollups."""
    return HouseholdHour.objects.all()


def device_hours(*, device_id: int | None = None) -> QuerySet[DeviceHour]:
    """The active household's devices hour by hour, or one of them (none for another's id)."""
    hours = DeviceHour.objects.all()
    return hours if device_id is None else hours.filter(device_id=device_id)


def devices_live(devices: Sequence[Device]) -> None:
    """Set the active household's devices' state columns to their live state, in one query.

    The tick writes each device's state to the shared live-state table (telemetry.writes), never to
    the device; a device not ticked yet keeps its own columns. A store's charge follows
    writes.live_charge_wh: the owner's newer write wins, the capacity caps it. Registered as the
    reader of devices.live (telemetry.apps), so the devices API reads it without importing telemetry.
    """
    states = {
        state.device_id: state
        for state in DeviceLiveState.objects.filter(device_id__in=[d.pk for d in devices])
    }
    for device in devices:
        state = states.get(device.pk)
        if state is None:
            continue
        device.power_w = state.power_w
        device.last_reading_at = state.at
        device.charge_wh = writes.live_charge_wh(
            own_wh=device.charge_wh,
            own_revision=device.charge_revision,
            capacity_wh=device.capacity_wh,
            live_wh=state.charge_wh,
            live_revision=state.charge_revision,
        )
        if state.is_on is not None:
            device.is_on = state.is_on
        if state.plugged_in is not None:
            device.plugged_in = state.plugged_in
