"""Reads of the shared telemetry tables, always for the household whose schema is active.

The household is never an argument: the managers (telemetry.models.CurrentHouseholdManager)
filter on `public.current_household_id()`, which the database derives from the connection's
schema. Code outside telemetry reads these tables only through this module (a test enforces it).
"""

from django.db.models import QuerySet

from telemetry.models import DeviceHour, HouseholdHour


def household_hours() -> QuerySet[HouseholdHour]:
    """The active household's hourly rollups."""
    return HouseholdHour.objects.all()


def device_hours(*, device_id: int | None = None) -> QuerySet[DeviceHour]:
    """The active household's devices hour by hour, or one of them (none for another's id)."""
    hours = DeviceHour.objects.all()
    return hours if device_id is None else hours.filter(device_id=device_id)
