"""energyHistory over a year: rollups vs the same aggregation over raw readings, same run.

One 10-device home, a year of 1-minute ticks (backfilled: ~5.3M readings). DAY, WEEK and MONTH
buckets for the whole year are read from the hourly rollups (reporting.selectors.energy_history)
and, as the baseline, aggregated straight from the household's rows of the shared
telemetry_reading table with plain SQL. The same buckets are also answered through the GraphQL
schema in-process (every field of EnergyBucket): the rest of a request's cost, beside the selector.

The tables are vacuumed and analysed after the backfill, as autovacuum leaves a year of settled
rows. A warm-up, then RUNS rounds with the variants alternated; each figure is the rounds' median
with its spread (min, max). A round times the selector as the median of SELECTOR_CALLS calls.
"""

import os
import statistics
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from django.db import connection
from django_tenants.utils import schema_context

from bench.homes import devices_create, household_create
from bench.setup import timed
from reporting.buckets import Interval
from reporting.selectors import energy_history
from telemetry import services

DAYS = 365
RUNS = 3
SELECTOR_CALLS = 5
TIMEZONE = "Europe/Berlin"
RAW_SQL = """
WITH ticks AS (
    SELECT at, sum(greatest(energy_wh, 0)) AS produced, sum(greatest(-energy_wh, 0)) AS consumed,
           sum(energy_wh) AS net
      FROM telemetry_reading
     WHERE household_id = public.current_household_id() AND at >= %(start)s AND at < %(end)s GROUP BY at
)
SELECT date_trunc(%(unit)s, at AT TIME ZONE %(tz)s) AS bucket, sum(produced), sum(consumed),
       sum(greatest(-net, 0)), sum(greatest(net, 0))
  FROM ticks GROUP BY bucket ORDER BY bucket
"""
UNITS = {Interval.DAY: "day", Interval.WEEK: "week", Interval.MONTH: "month"}
GRAPHQL = """
query History($start: DateTime!, $end: DateTime!, $interval: Interval!) {
  energyHistory(start: $start, end: $end, interval: $interval) {
    start end producedWh consumedWh importedWh exportedWh netWh selfSufficiencyPercent
    selfConsumptionPercent solarWh loadWh storageChargeWh storageDischargeWh
    flows { source sink energyWh } reasons { reason device { id name } } complete
  }
}
"""


def _ms(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def _median_ms(fn, calls: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(calls):
        elapsed, result = _ms(fn)
        times.append(elapsed)
    return statistics.median(times), result


def _spread(name: str, values: list[float]) -> dict:
    return {name: statistics.median(values), f"{name}_min": min(values), f"{name}_max": max(values)}


def run() -> dict:
    from config.schema import schema

    household = household_create(name="Year home", timezone=TIMEZONE)
    devices = devices_create(household, appliances=7)
    end = datetime(2026, 10, 1, tzinfo=UTC)
    start = end - timedelta(days=DAYS)
    with timed() as backfill:
        ticks = services.household_backfill(
            household=services.HouseholdRef.of(household), start=start, end=end, seconds=60
        )
    readings = ticks * devices
    figures: dict = {
        "devices": devices,
        "readings": readings,
        "runs": RUNS,
        "backfill_seconds": backfill["seconds"],
        "backfill_readings_per_s": readings / backfill["seconds"],
    }
    with schema_context(household.schema_name), connection.cursor() as cursor:
        for table in ("telemetry_reading", "telemetry_householdhour", "telemetry_devicehour"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    # What the GraphQL resolvers get from the middleware: the member and its household.
    context = SimpleNamespace(token_user=SimpleNamespace(is_staff=False), household=household)

    def rollup(interval: Interval):
        return energy_history(household=household, start=start, end=end, interval=interval, now=end)

    def raw(unit: str):
        with schema_context(household.schema_name), connection.cursor() as cursor:
            cursor.execute(RAW_SQL, {"start": start, "end": end, "unit": unit, "tz": TIMEZONE})
            return cursor.fetchall()

    def graphql(interval: Interval):
        variables = {"start": start.isoformat(), "end": end.isoformat(), "interval": interval.name}
        with schema_context(household.schema_name):
            result = schema.execute(GRAPHQL, variable_values=variables, context_value=context)
        assert not result.errors, result.errors
        return result.data["energyHistory"]

    raw(UNITS[Interval.DAY])  # warm-up: the readings' pages, connections, imports
    for interval in UNITS:
        rollup(interval)
        graphql(interval)
    variants = {
        "rollup": lambda interval: _median_ms(lambda: rollup(interval), SELECTOR_CALLS),
        "graphql": lambda interval: _median_ms(lambda: graphql(interval), SELECTOR_CALLS),
        "raw": lambda interval: _ms(lambda: raw(UNITS[interval])),
    }
    times: dict[Interval, dict[str, list[float]]] = {i: {v: [] for v in variants} for i in UNITS}
    answers: dict[Interval, dict[str, object]] = {i: {} for i in UNITS}
    load_average = [os.getloadavg()[0]]
    for round_ in range(RUNS):
        order = list(variants) if round_ % 2 == 0 else list(reversed(variants))
        for interval in UNITS:
            for variant in order:
                elapsed, answers[interval][variant] = variants[variant](interval)
                times[interval][variant].append(elapsed)
        load_average.append(os.getloadavg()[0])
    for interval in UNITS:
        buckets, rows = answers[interval]["rollup"], answers[interval]["raw"]
        rollup_totals = [
            sum(getattr(b, f) for b in buckets)
            for f in ("produced_wh", "consumed_wh", "imported_wh", "exported_wh")
        ]
        raw_totals = [sum(row[i] for row in rows) for i in (1, 2, 3, 4)]
        speedups = [r / s for r, s in zip(times[interval]["raw"], times[interval]["rollup"], strict=True)]
        figures[interval.name] = {
            "buckets": len(buckets),
            **_spread("rollup_ms", times[interval]["rollup"]),
            **_spread("graphql_ms", times[interval]["graphql"]),
            **_spread("raw_readings_ms", times[interval]["raw"]),
            **_spread("speedup_x", speedups),
            "graphql_buckets": len(answers[interval]["graphql"]),
            "totals_kwh_rollup": [round(v / 1000, 3) for v in rollup_totals],
            "totals_kwh_raw": [round(v / 1000, 3) for v in raw_totals],
            "totals_identical": all(
                abs(a - b) <= 1e-6 * max(1.0, abs(b)) for a, b in zip(rollup_totals, raw_totals, strict=True)
            ),
            "first_bucket_start": buckets[0].start.isoformat() if buckets else None,
        }
    figures["rollup_ms_median_of_intervals"] = statistics.median(figures[i.name]["rollup_ms"] for i in UNITS)
    figures["load_average_1min"] = {"min": min(load_average), "max": max(load_average)}
    return figures
