"""Readings and the hourly rollups written with them, in the household's own schema.

A reading at instant T holds the device's power over [T, T + dt); it belongs to the local hour
containing T. Rollup hours are local-hour starts stored as UTC instants, so half-hour zones and
daylight-saving days bucket correctly. Rows are written by raw SQL in telemetry.writes.
"""

from django.db import models

from devices.models import Device


class Tick(models.Model):
    """One simulated instant for this household: its unique key makes a tick run exactly once."""

    at = models.DateTimeField(primary_key=True)
    seconds = models.PositiveIntegerField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]


class Reading(models.Model):
    pk = models.CompositePrimaryKey("device_id", "at")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="readings")
    at = models.DateTimeField()
    power_w = models.FloatField(help_text="+ supplies the home, - draws from it")
    energy_wh = models.FloatField(help_text="power_w x tick length, same sign")
    charge_wh = models.FloatField(null=True)
    is_on = models.BooleanField(null=True)
    mode = models.CharField(max_length=12, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["at"], name="reading_at_idx")]


class DeviceHour(models.Model):
    pk = models.CompositePrimaryKey("device_id", "hour_start")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="hours")
    hour_start = models.DateTimeField()
    produced_wh = models.FloatField(default=0.0)
    consumed_wh = models.FloatField(default=0.0)
    ticks = models.PositiveIntegerField(default=0)
    covered_seconds = models.PositiveIntegerField(default=0)

    # Stores only: seconds spent with each telemetry.flows.StorageReason code (REASON_COLUMNS).
    full_seconds = models.PositiveIntegerField(default=0)
    empty_seconds = models.PositiveIntegerField(default=0)
    reserve_seconds = models.PositiveIntegerField(default=0)
    rate_limit_seconds = models.PositiveIntegerField(default=0)
    away_seconds = models.PositiveIntegerField(default=0)


class HouseholdHour(models.Model):
    """Energy at the home's boundary per local hour; import/export come from each tick's net flow.

    One column per energy flow (solar_to_home_wh, battery_to_grid_wh, ...; telemetry.flows.FLOWS),
    summed from each tick's allocation: solar, load and storage totals are sums of these.
    """

    hour_start = models.DateTimeField(primary_key=True)
    produced_wh = models.FloatField(default=0.0)
    consumed_wh = models.FloatField(default=0.0)
    imported_wh = models.FloatField(default=0.0)
    exported_wh = models.FloatField(default=0.0)
    ticks = models.PositiveIntegerField(default=0)
    covered_seconds = models.PositiveIntegerField(default=0)

    # Energy per flow, source_to_sink_wh (telemetry.flows.FLOW_COLUMNS).
    solar_to_home_wh = models.FloatField(default=0.0)
    solar_to_battery_wh = models.FloatField(default=0.0)
    solar_to_ev_wh = models.FloatField(default=0.0)
    solar_to_grid_wh = models.FloatField(default=0.0)
    battery_to_home_wh = models.FloatField(default=0.0)
    battery_to_battery_wh = models.FloatField(default=0.0)
    battery_to_ev_wh = models.FloatField(default=0.0)
    battery_to_grid_wh = models.FloatField(default=0.0)
    ev_to_home_wh = models.FloatField(default=0.0)
    ev_to_battery_wh = models.FloatField(default=0.0)
    ev_to_ev_wh = models.FloatField(default=0.0)
    ev_to_grid_wh = models.FloatField(default=0.0)
    grid_to_home_wh = models.FloatField(default=0.0)
    grid_to_battery_wh = models.FloatField(default=0.0)
    grid_to_ev_wh = models.FloatField(default=0.0)

    class Meta:
        ordering = ["hour_start"]
