"""energySummary and fleetSummary latency; the fleet at 100 and at 10,000 households.

fleetSummary reads the totals row the fleet tick refreshes; the refresh (one aggregate over all
snapshots, once per tick interval) is timed too.

energySummary is compared with the raw SQL that reads the same device rows. The fleet's
households get snapshot rows only (no schemas): fleetSummary never visits a household schema.
"""

import time
from datetime import UTC, datetime

from django.db import connection, transaction
from django_tenants.utils import schema_context

from bench.homes import devices_create, household_create
from households.models import Household
from reporting.models import HouseholdSnapshot
from reporting.selectors import energy_summary, fleet_totals
from reporting.services import fleet_totals_refresh

REPEAT = 200


def _median_ms(fn, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    times.sort()
    return times[len(times) // 2] * 1000


def _fleet_of(count: int) -> None:
    existing = Household.objects.count()
    now = datetime.now(UTC)
    with transaction.atomic():
        households = Household.objects.bulk_create(
            Household(schema_name=f"fleet_{i}", name=f"Fleet home {i}", timezone="UTC")
            for i in range(existing, count)
        )
        HouseholdSnapshot.objects.bulk_create(
            HouseholdSnapshot(
                household=h,
                at=now,
                produced_w=3000,
                consumed_w=1200,
                net_w=1800,
                storage_capacity_wh=13500,
                storage_charge_wh=7000,
                solar_panels=1,
                batteries=1,
                appliances=6,
            )
            for h in households
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE households_household; ANALYZE reporting_householdsnapshot")


def run() -> dict:
    household = household_create(name="Summary home", timezone="Europe/Berlin")
    devices_create(household, appliances=7)

    def raw_devices():
        with schema_context(household.schema_name), connection.cursor() as cursor:
            cursor.execute("SELECT kind, power_w, capacity_wh, charge_wh, mode FROM devices_device")
            return cursor.fetchall()

    figures = {
        "energy_summary_ms": _median_ms(lambda: energy_summary(household=household)),
        "raw_device_select_ms": _median_ms(raw_devices),
    }
    figures["energy_summary_vs_raw_x"] = figures["energy_summary_ms"] / figures["raw_device_select_ms"]
    for count in (100, 10_000):
        _fleet_of(count)
        figures[f"fleet_totals_refresh_ms_at_{count}"] = _median_ms(fleet_totals_refresh, repeat=20)
        figures[f"fleet_summary_ms_at_{count}"] = _median_ms(fleet_totals)
    figures["fleet_10000_vs_100_x"] = (
        figures["fleet_summary_ms_at_10000"] / figures["fleet_summary_ms_at_100"]
    )
    return figures
