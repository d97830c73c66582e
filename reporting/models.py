"""Fleet-wide data in the public schema, so operators never visit every household schema."""

from django.db import models

from devices.kinds import KINDS
from households.models import Household


class HouseholdSnapshot(models.Model):
    """The latest tick of one household, written in the same transaction as its readings."""

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
        return sum(getattr(self, kind.count_column) for kind in KINDS)

    @property
    def storage_charge_percent(self) -> float | None:
        if not self.storage_capacity_wh:
            return None
        return 100.0 * self.storage_charge_wh / self.storage_capacity_wh


class FleetTotals(models.Model):
    """The fleet's totals, aggregated from the snapshots once per fleet tick (a single row).

    fleetSummary reads this row, so its cost does not grow with the number of households; the
    aggregate over every snapshot runs once per tick interval instead of once per request.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    computed_at = models.DateTimeField()
    households = models.PositiveIntegerField(default=0)
    stale_households = models.PositiveIntegerField(default=0)
    produced_w = models.FloatField(default=0.0)
    consumed_w = models.FloatField(default=0.0)
    storage_capacity_wh = models.FloatField(default=0.0)
    storage_charge_wh = models.FloatField(default=0.0)
    solar_w = models.FloatField(default=0.0)
    load_w = models.FloatField(default=0.0)
    storage_charge_w = models.FloatField(default=0.0)
    storage_discharge_w = models.FloatField(default=0.0)
    grid_import_w = models.FloatField(default=0.0, help_text="Sum of the households' imports.")
    grid_export_w = models.FloatField(default=0.0, help_text="Sum of the households' exports.")
    at = models.DateTimeField(null=True, blank=True, help_text="Newest household tick counted.")
    costs_today = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per currency: import cost, export revenue and cost without devices today so far "
        "(decimal strings), over the households whose snapshot is of their local today.",
    )

    class Meta:
        verbose_name_plural = "fleet totals"
        constraints = [models.CheckConstraint(name="fleet_totals_single_row", condition=models.Q(id=1))]

    def __str__(self) -> str:
        return f"Fleet totals at {self.computed_at:%Y-%m-%d %H:%M}"


def _add_kind_counts(*tables: type[models.Model]) -> None:
    """One device count column per registry kind (devices.kinds), e.g. `solar_panels`."""
    for kind in KINDS:
        for table in tables:
            table.add_to_class(kind.count_column, models.PositiveIntegerField(default=0))


_add_kind_counts(HouseholdSnapshot, FleetTotals)
