"""Tariffs and day-ahead prices: shared tables in public, so a fleet tick reads them set-based.

A home's tariff is a history: setTariff adds a version in force from that instant, so stored costs
and the prices of past ticks keep the terms they were charged under. A home without a version pays
its country's default (tariffs.zones). Market prices are per zone and interval, simulated once per
zone and market day (tariffs.market) or imported from ENTSO-E (imported ones replace simulated).
"""

from django.db import models

from households.models import Household
from tariffs.terms import TariffKind, Terms, windows_from_json


class Tariff(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="tariffs")
    effective_from = models.DateTimeField(help_text="In force for ticks at or after this instant.")
    kind = models.CharField(max_length=12, choices=[(kind.value, kind.value) for kind in TariffKind])
    currency = models.CharField(max_length=3, help_text="ISO 4217.")
    import_price_per_kwh = models.DecimalField(max_digits=12, decimal_places=6)
    export_price_per_kwh = models.DecimalField(max_digits=12, decimal_places=6)
    windows = models.JSONField(default=list, blank=True, help_text="TIME_OF_USE windows, local time.")
    market_zone = models.CharField(max_length=16, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["household_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["household", "effective_from"], name="tariff_one_per_instant")
        ]

    def __str__(self) -> str:
        return (
            f"{self.kind} {self.currency} for {self.household_id} from {self.effective_from:%Y-%m-%d %H:%M}"
        )

    @property
    def terms(self) -> Terms:
        return Terms(
            TariffKind(self.kind),
            self.currency,
            self.import_price_per_kwh,
            self.export_price_per_kwh,
            windows_from_json(self.windows),
            self.market_zone or None,
        )


class MarketPrice(models.Model):
    class Source(models.TextChoices):
        SIMULATED = "simulated", "Simulated"
        IMPORTED = "imported", "Imported (ENTSO-E)"

    pk = models.CompositePrimaryKey("zone", "start")
    zone = models.CharField(max_length=16)
    start = models.DateTimeField()
    end = models.DateTimeField()
    price_per_mwh = models.DecimalField(max_digits=10, decimal_places=2)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SIMULATED)

    class Meta:
        ordering = ["zone", "start"]

    def __str__(self) -> str:
        return f"{self.zone} {self.start:%Y-%m-%d %H:%M} {self.price_per_mwh}/MWh"


class MarketDay(models.Model):
    """A zone's market day whose simulated prices are stored: each day is generated once."""

    pk = models.CompositePrimaryKey("zone", "day")
    zone = models.CharField(max_length=16)
    day = models.DateField()
    generated_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.zone} {self.day}"
