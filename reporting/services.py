"""Reporting writes: the fleet's totals, refreshed once per fleet tick."""

from datetime import datetime

from django.utils import timezone

from reporting.models import FleetTotals
from reporting.selectors import FLEET_POWER_COLUMNS, FleetTotalsResult, fleet_totals_compute


def fleet_totals_refresh(*, at: datetime | None = None) -> FleetTotalsResult:
    """Aggregate the household snapshots into the single FleetTotals row that fleetSummary reads.

    Runs after each fleet tick (reporting.receivers); `at` is that tick's instant, against which
    a household is stale when its last tick is three intervals older (default: now).
    """
    now = timezone.now()
    fleet = fleet_totals_compute(now=at or now)
    FleetTotals.objects.update_or_create(
        pk=1,
        defaults={
            "computed_at": now,
            "households": fleet.households,
            "stale_households": fleet.stale_households,
            "at": fleet.at,
            **{column: getattr(fleet, column) for column in FLEET_POWER_COLUMNS},
            "devices_by_kind": fleet.devices_by_kind,
            "costs_today": {
                currency: [str(amount) for amount in amounts]
                for currency, amounts in fleet.costs_today.items()
            },
        },
    )
    return fleet
