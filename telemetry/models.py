"""Readings, hourly rollups, tick claims and the devices' live state: shared tables in public, keyed
by household.

One table per kind of row for the whole fleet lets a tick COPY the readings of hundreds of homes
at once and upsert their devices' state in one statement (telemetry.writes); tenant schemas keep
only the devices' configuration, which the tick reads only when it changed (the device cache in
telemetry.services).
Isolation stays structural: every model's managers see only the rows of the household whose
schema the connection is in (`public.current_household_id()`, the household owning
`current_schema()`), so code running in a tenant, Django's cascades included, cannot reach another
household's rows, and in public they see nothing. The tables are created by SQL
(telemetry/migrations): readings and tick claims are range partitioned by day, dropped whole after
TELEMETRY_RETENTION_DAYS (telemetry.partitions).

A reading at instant T holds the device's power over [T, T + dt); it belongs to the local hour
containing T. Rollup hours are local-hour starts stored as UTC instants, so half-hour zones and
daylight-saving days bucket correctly. `device` joins the tenant's own devices table through the
search path: there is no foreign key across schemas, so the column is plain data.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Now

from households.models import Household

CURRENT_HOUSEHOLD = models.Func(function="public.current_household_id", output_field=models.BigIntegerField())


class CurrentHouseholdManager(models.Manager):
    """Rows of the household whose schema is active; none in public."""

    def get_queryset(self):
        return super().get_queryset().filter(household_id=CURRENT_HOUSEHOLD)


class HouseholdRow(models.Model):
    # Filled by the database from the active schema when not given (bulk writes give it).
    household_id = models.BigIntegerField(db_default=CURRENT_HOUSEHOLD)

    objects = CurrentHouseholdManager()

    class Meta:
        abstract = True
        base_manager_name = "objects"


def _device(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        "devices.Device", on_delete=models.CASCADE, db_constraint=False, related_name=related_name
    )


class Tick(HouseholdRow):
    """One simulated instant for a household: its unique key makes a tick run exactly once."""

    pk = models.CompositePrimaryKey("household_id", "at")
    at = models.DateTimeField()
    seconds = models.PositiveIntegerField()
    recorded_at = models.DateTimeField(db_default=Now())

    class Meta(HouseholdRow.Meta):
        managed = False
        ordering = ["-at"]


class Reading(HouseholdRow):
    pk = models.CompositePrimaryKey("household_id", "device_id", "at")
    device = _device("readings")
    at = models.DateTimeField()
    power_w = models.FloatField(help_text="+ supplies the home, - draws from it")
    energy_wh = models.FloatField(help_text="power_w x tick length, same sign")
    charge_wh = models.FloatField(null=True)
    is_on = models.BooleanField(null=True)
    mode = models.CharField(max_length=12, blank=True, default="")

    class Meta(HouseholdRow.Meta):
        managed = False


class DeviceHour(HouseholdRow):
    pk = models.CompositePrimaryKey("household_id", "device_id", "hour_start")
    device = _device("hours")
    hour_start = models.DateTimeField()
    produced_wh = models.FloatField(default=0.0)
    consumed_wh = models.FloatField(default=0.0)
    ticks = models.PositiveIntegerField(default=0)
    covered_seconds = models.PositiveIntegerField(default=0)

    # EVs only: drained by driving, and charged into the battery away from home (both battery side).
    driven_wh = models.FloatField(default=0.0)
    charged_away_wh = models.FloatField(default=0.0)

    # Stores only: seconds spent with each telemetry.flows.StorageReason code (REASON_COLUMNS).
    full_seconds = models.PositiveIntegerField(default=0)
    empty_seconds = models.PositiveIntegerField(default=0)
    reserve_seconds = models.PositiveIntegerField(default=0)
    rate_limit_seconds = models.PositiveIntegerField(default=0)
    away_seconds = models.PositiveIntegerField(default=0)

    class Meta(HouseholdRow.Meta):
        managed = False


class HouseholdHour(HouseholdRow):
    """Energy at the home's boundary per local hour; import/export come from each tick's net flow.

    One column per energy flow (solar_to_home_wh, battery_to_grid_wh, ...; telemetry.flows.FLOWS),
    summed from each tick's allocation: solar, load and storage totals are sums of these.
    """

    pk = models.CompositePrimaryKey("household_id", "hour_start")
    hour_start = models.DateTimeField()
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

    # What the hour cost (telemetry.costs): each tick priced at its interval's price, summed exactly.
    import_cost = models.DecimalField(max_digits=20, decimal_places=9, default=0)
    export_revenue = models.DecimalField(max_digits=20, decimal_places=9, default=0)
    cost_without_devices = models.DecimalField(max_digits=20, decimal_places=9, default=0)
    currency = models.CharField(max_length=3, blank=True, default="")

    class Meta(HouseholdRow.Meta):
        managed = False
        ordering = ["hour_start"]


class DeviceLiveState(HouseholdRow):
    """Each device's state after its household's newest tick; moved forward only (telemetry.writes).

    Devices read it through telemetry.selectors.devices_with_live_state. `charge_revision` is the device's
    revision of its owner-set charge that the tick started from (devices.models.Device).
    """

    pk = models.CompositePrimaryKey("household_id", "device_id")
    device = _device("live_states")
    at = models.DateTimeField()
    power_w = models.FloatField(help_text="+ supplies the home, - draws from it")
    charge_wh = models.FloatField(null=True)
    is_on = models.BooleanField(null=True)
    plugged_in = models.BooleanField(null=True)
    charge_revision = models.PositiveIntegerField(default=0)

    class Meta(HouseholdRow.Meta):
        managed = False


def _series() -> ArrayField:
    return ArrayField(models.FloatField())


class HouseholdPlan(HouseholdRow):
    """A household's current plan (planning.services makes it): one value per step from `start` in
    each array; its stores' planned power is in DevicePlan, aligned with these steps.

    `devices_version` is the household's devices version the plan was made from: a newer one means
    the plan is out of date. Costs are over the whole horizon, in `currency`.
    """

    household_id = models.BigIntegerField(db_default=CURRENT_HOUSEHOLD, primary_key=True)
    created_at = models.DateTimeField()
    start = models.DateTimeField()
    step_seconds = models.PositiveIntegerField()
    devices_version = models.BigIntegerField(default=0)
    grid_w = _series()
    solar_w = _series()
    load_w = _series()
    import_price_per_kwh = _series()
    export_price_per_kwh = _series()
    currency = models.CharField(max_length=3, default="")
    expected_cost = models.DecimalField(max_digits=14, decimal_places=4)
    expected_cost_without_plan = models.DecimalField(max_digits=14, decimal_places=4)

    class Meta(HouseholdRow.Meta):
        managed = False


class DevicePlan(HouseholdRow):
    """One planned store: its power (signed from the home's side) and expected charge per step."""

    pk = models.CompositePrimaryKey("household_id", "device_id")
    device = _device("plans")
    power_w = _series()
    charge_wh = _series()
    reason = models.CharField(max_length=32, blank=True, default="")

    class Meta(HouseholdRow.Meta):
        managed = False


class RetentionHorizon(models.Model):
    """One row: readings and tick claims before `before` were dropped, so no tick may write there again."""

    before = models.DateTimeField()


class HouseholdSnapshot(models.Model):
    """The latest tick of one household, written in the same transaction as its readings.

    Written by the tick (telemetry.writes), read by the fleet view and totals (reporting) through
    telemetry.selectors; one row per household in public. The table moved here from reporting
    (migrations telemetry 0008, reporting 0006): the app that writes a table owns it.
    """

    household = models.OneToOneField(
        Household, on_delete=models.CASCADE, primary_key=True, related_name="snapshot"
    )
    at = models.DateTimeField(null=True, blank=True)
    produced_w = models.FloatField(default=0.0)
    consumed_w = models.FloatField(default=0.0)
    net_w = models.FloatField(default=0.0)
    storage_capacity_wh = models.FloatField(default=0.0)
    storage_charge_wh = models.FloatField(default=0.0)
    # What went where (telemetry.flows): each >= 0; produced = solar + discharge, consumed = load + charge.
    solar_w = models.FloatField(default=0.0)
    load_w = models.FloatField(default=0.0)
    storage_charge_w = models.FloatField(default=0.0)
    storage_discharge_w = models.FloatField(default=0.0)
    grid_import_w = models.FloatField(default=0.0)
    grid_export_w = models.FloatField(default=0.0)
    reported_devices = models.PositiveIntegerField(default=0, help_text="Devices fed by the home's gateway.")
    devices_by_kind = models.JSONField(
        default=dict, blank=True, help_text="Device count per registry kind value (devices.kinds)."
    )
    # Today's costs (telemetry.costs): the home's local day of its newest tick, summed tick by tick.
    cost_day = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, default="")
    import_cost_today = models.DecimalField(max_digits=20, decimal_places=9, default=0)
    export_revenue_today = models.DecimalField(max_digits=20, decimal_places=9, default=0)
    cost_without_devices_today = models.DecimalField(max_digits=20, decimal_places=9, default=0)

    class Meta:
        indexes = [models.Index(fields=["at"], name="snapshot_at_idx")]

    def __str__(self) -> str:
        return f"{self.household} at {self.at}"

    @property
    def devices(self) -> int:
        return sum(self.devices_by_kind.values())

    @property
    def storage_charge_percent(self) -> float | None:
        if not self.storage_capacity_wh:
            return None
        return 100.0 * self.storage_charge_wh / self.storage_capacity_wh
