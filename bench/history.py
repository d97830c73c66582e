"""energyHistory over a year: rollups vs the same aggregation over raw readings, same run.

One 10-device home, a year of 1-minute ticks (backfilled: ~5.3M readings). DAY, WEEK and MONTH
buckets for the whole year are read from the hourly rollups (reporting.selectors.energy_history)
and, as the baseline, aggregated straight from the household's rows of the shared
telemetry_reading table with plain SQL.
"""

import statistics
import time
from datetime import UTC, datetime, timedelta

from django.db import connection
from django_tenants.utils import schema_context

from bench.homes import devices_create, household_create
from bench.setup import timed
from reporting.buckets import Interval
from reporting.selectors import energy_history
from telemetry import services

DAYS = 365
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


def _best_of(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def run() -> dict:
    household = household_create(name="Year home", timezone=TIMEZONE)
    devices = devices_create(household, appliances=7)
    end = datetime(2026, 10, 1, tzinfo=UTC)
    start = end - timedelta(days=DAYS)
    with timed() as backfill:
        ticks = services.household_backfill(
            household=services.HouseholdRef.of(household), start=start, end=end, seconds=60
        )
    readings = ticks * devices
    figures = {
        "devices": devices,
        "readings": readings,
        "backfill_seconds": backfill["seconds"],
        "backfill_readings_per_s": readings / backfill["seconds"],
    }
    with schema_context(household.schema_name), connection.cursor() as cursor:
        cursor.execute("ANALYZE telemetry_reading; ANALYZE telemetry_householdhour")
    for interval, unit in UNITS.items():
        rollup_s, buckets = _best_of(
            lambda interval=interval: energy_history(
                household=household, start=start, end=end, interval=interval, now=end
            ),
            repeat=5,
        )

        def raw(unit=unit):
            with schema_context(household.schema_name), connection.cursor() as cursor:
                cursor.execute(RAW_SQL, {"start": start, "end": end, "unit": unit, "tz": TIMEZONE})
                return cursor.fetchall()

        raw_s, rows = _best_of(raw, repeat=2)
        rollup_totals = [
            sum(getattr(b, f) for b in buckets)
            for f in ("produced_wh", "consumed_wh", "imported_wh", "exported_wh")
        ]
        raw_totals = [sum(row[i] for row in rows) for i in (1, 2, 3, 4)]
        figures[interval.name] = {
            "buckets": len(buckets),
            "rollup_ms": rollup_s * 1000,
            "raw_readings_ms": raw_s * 1000,
            "speedup_x": raw_s / rollup_s,
            "totals_kwh_rollup": [round(v / 1000, 3) for v in rollup_totals],
            "totals_kwh_raw": [round(v / 1000, 3) for v in raw_totals],
            "totals_identical": all(
                abs(a - b) <= 1e-6 * max(1.0, abs(b)) for a, b in zip(rollup_totals, raw_totals, strict=True)
            ),
            "first_bucket_start": buckets[0].start.isoformat() if buckets else None,
        }
    figures["rollup_ms_median_of_intervals"] = statistics.median(figures[i.name]["rollup_ms"] for i in UNITS)
    return figures
