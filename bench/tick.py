"""Fleet tick throughput: household-ticks/s and rows/s beside a raw COPY of the same rows."""

import io
from datetime import UTC, datetime, timedelta

from django.db import connection

from bench.homes import devices_create, household_create
from bench.setup import timed
from telemetry import services

HOUSEHOLDS = 200
TICKS = 5
DEVICES_PER_HOME = 8


def _raw_copy_seconds(rows: int) -> float:
    """Baseline: COPY the same number of reading-shaped rows into one table with a primary key."""
    buffer = io.StringIO()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(rows):
        buffer.write(f"{i % 1000}\t{(start + timedelta(seconds=i)).isoformat()}\t1.5\t0.025\t\\N\tt\t\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE copy_baseline (device_id bigint, at timestamptz, power_w float8, "
            "energy_wh float8, charge_wh float8, is_on boolean, mode text, PRIMARY KEY (device_id, at))"
        )
        with timed() as t:
            cursor.copy_expert("COPY copy_baseline FROM STDIN", buffer)
        cursor.execute("DROP TABLE copy_baseline")
    return t["seconds"]


def run() -> dict:
    with timed() as provisioning:
        households = [
            household_create(name=f"Bench home {i}", timezone="Europe/Berlin") for i in range(HOUSEHOLDS)
        ]
    for household in households:
        devices_create(household, appliances=DEVICES_PER_HOME - 3)
    start = services.tick_instant(now=datetime(2026, 6, 21, 10, 0, tzinfo=UTC))
    seconds = 60
    results = []
    for batch_size in (1, 50):
        with timed() as t:
            for i in range(TICKS):
                report = services.fleet_tick_in_process(
                    at=start + timedelta(seconds=seconds * (i + TICKS * (batch_size > 1))),
                    seconds=seconds,
                    batch_size=batch_size,
                )
                assert report.written == HOUSEHOLDS and not report.failed
        results.append((batch_size, t["seconds"]))
    household_ticks = HOUSEHOLDS * TICKS
    reading_rows = household_ticks * DEVICES_PER_HOME
    rows_per_tick = (
        3 * DEVICES_PER_HOME + 3
    )  # readings, device hours, device state; tick, home hour, snapshot
    copy_seconds = _raw_copy_seconds(reading_rows)
    figures = {
        "households": HOUSEHOLDS,
        "provisioning_seconds_per_household": provisioning["seconds"] / HOUSEHOLDS,
        "raw_copy_rows_per_s": reading_rows / copy_seconds,
    }
    for batch_size, elapsed in results:
        figures[f"batch_{batch_size}"] = {
            "household_ticks_per_s": household_ticks / elapsed,
            "rows_per_s": household_ticks * rows_per_tick / elapsed,
            "reading_rows_per_s": reading_rows / elapsed,
            "vs_raw_copy": (reading_rows / elapsed) / (reading_rows / copy_seconds),
        }
    return figures
