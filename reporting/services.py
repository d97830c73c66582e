"""Reporting writes: the fleet's totals, refreshed once per fleet tick."""

from datetime import datetime

from django.utils import timezone

from reporting.models import FleetTotals
from reporting.selectors import _KIND_COLUMNS, FleetSummary, fleet_summary_compute


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
            "produced_w": fleet.produced_w,
            "consumed_w": fleet.consumed_w,
            "storage_capacity_wh": fleet.storage_capacity_wh,
            "storage_charge_wh": fleet.storage_charge_wh,
            "at": fleet.at,
            **{column: fleet.devices_by_kind[kind] for kind, column in _KIND_COLUMNS.items()},
        },
    )
    return fleet
