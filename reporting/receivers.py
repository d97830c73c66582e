"""Reporting follows telemetry by subscribing to its signals; telemetry never calls reporting."""

from datetime import datetime

from django.dispatch import receiver

from reporting.services import fleet_totals_refresh
from telemetry.signals import fleet_ticked


@receiver(fleet_ticked, dispatch_uid="reporting.fleet_totals_refresh")
def fleet_totals_after_tick(sender, *, at: datetime, **kwargs) -> None:
    """Fold the snapshots the tick just wrote into the fleet totals that fleetSummary reads."""
    fleet_totals_refresh(at=at)
