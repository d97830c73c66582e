"""energySummary and fleetSummary latency; the fleet at 100 and at 10,000 households.

fleetSummary reads the totals row the fleet tick refreshes; the refresh (one aggregate over all
snapshots, once per tick interval) is timed too.

energySummary is compared with the raw SQL that reads the same device rows and their live state. The fleet's
households get snapshot rows only (no schemas): fleetSummary never visits a household schema.
A warm-up, then RUNS rounds with the variants alternated; a round's figure is the median of its
calls, and each figure is the rounds' median with its spread (min, max).
"""

import os
import statistics
import time
from datetime import UTC, datetime

from django.db import connection, transaction
from django_tenants.utils import schema_context

from bench.homes import devices_create, household_create
from households.models import Household
from reporting.selectors import energy_summary, fleet_totals
from reporting.services import fleet_totals_refresh
from telemetry.models import HouseholdSnapshot
from telemetry.selectors import LIVE_STATES

REPEAT = 200
RUNS = 3


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
                devices_by_kind={"solar_panel": 1, "battery": 1, "appliance": 6},
            )
            for h in households
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE households_household; ANALYZE telemetry_householdsnapshot")


def _rounds(variants: dict, repeat: dict) -> dict:
    """{name: median ms of each round}: a warm-up call each, then RUNS rounds, order alternated."""
    for fn in variants.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in variants}
    for round_ in range(RUNS):
        names = list(variants) if round_ % 2 == 0 else list(reversed(variants))
        for name in names:
            times[name].append(_median_ms(variants[name], repeat[name]))
    return times


def _spread(name: str, values: list[float]) -> dict:
    return {name: statistics.median(values), f"{name}_min": min(values), f"{name}_max": max(values)}


def run() -> dict:
    household = household_create(name="Summary home", timezone="Europe/Berlin")
    devices_create(household, appliances=7)

    def raw_devices():
        with schema_context(household.schema_name), connection.cursor() as cursor:
            cursor.execute("SELECT d.id, d.kind, d.capacity_wh, d.mode FROM devices_device d")
            devices = cursor.fetchall()
            # The live state as the summary reads it: stores' rows, the others' newest readings.
            cursor.execute(LIVE_STATES, {"ids": [row[0] for row in devices]})
            return devices, cursor.fetchall()

    load_average = [os.getloadavg()[0]]
    times = _rounds(
        {
            "energy_summary_ms": lambda: energy_summary(household=household),
            "raw_device_select_ms": raw_devices,
        },
        {"energy_summary_ms": REPEAT, "raw_device_select_ms": REPEAT},
    )
    figures: dict = {"runs": RUNS}
    for name, values in times.items():
        figures.update(_spread(name, values))
    figures["energy_summary_vs_raw_x"] = figures["energy_summary_ms"] / figures["raw_device_select_ms"]
    for count in (100, 10_000):
        _fleet_of(count)
        refresh, summary = f"fleet_totals_refresh_ms_at_{count}", f"fleet_summary_ms_at_{count}"
        times = _rounds(
            {refresh: fleet_totals_refresh, summary: fleet_totals}, {refresh: 20, summary: REPEAT}
        )
        for name, values in times.items():
            figures.update(_spread(name, values))
        load_average.append(os.getloadavg()[0])
    figures["fleet_10000_vs_100_x"] = (
        figures["fleet_summary_ms_at_10000"] / figures["fleet_summary_ms_at_100"]
    )
    figures["load_average_1min"] = {"min": min(load_average), "max": max(load_average)}
    return figures
