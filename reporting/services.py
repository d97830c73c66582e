"""Reporting writes: the fleet's totals, refreshed once per fleet tick."""

from datetime import datetime

from django.utils import timezone

from reporting.models import FleetTotals
from reporting.selectors import _KIND_COLUMNS, FLEET_POWER_COLUMNS, FleetSummary, fleet_summary_compute


def fleet_totals_refresh(*, now: datetime | None = None) -> FleetSummary:
    """Aggregate the household snapshots into the single FleetTotals row that fleetSummary reads."""
    now = now or timezone.now()
    fleet = fleet_summary_compute(now=now)
    FleetTotals.objects.update_or_create(
        pk=1,
        defaults={
            "computed_at": now,
            "households": fleet.households,
            "stale_households": fleet.stale_households,
            "at": fleet.at,
            **{column: getattr(fleet, column) for column in FLEET_POWER_COLUMNS},
            **{column: fleet.devices_by_kind[kind] for kind, column in _KIND_COLUMNS.items()},
        },
    )
    return fleet
