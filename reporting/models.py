"""The fleet's totals in the public schema, aggregated from telemetry's household snapshots
(telemetry.models.HouseholdSnapshot), so operators never visit every household schema."""

from django.db import models


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
    devices_by_kind = models.JSONField(
        default=dict, blank=True, help_text="Device count per registry kind value (devices.kinds)."
    )
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
