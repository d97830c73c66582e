"""Fleet tick throughput: household-ticks/s and rows/s beside a raw COPY of the same rows."""

import io
import itertools
import statistics
from datetime import UTC, datetime, timedelta

from django.db import connection

from bench.homes import devices_create, household_create
from bench.setup import timed
from telemetry import services

HOUSEHOLDS = 200
TICKS = 5
RUNS = 3
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
    """A warm-up tick, then RUNS rounds, each timing one-per-transaction and 50-per-transaction ticks
    in turn (variants alternated) beside a raw COPY; each figure is the rounds' median with its spread."""
    with timed() as provisioning:
        households = [
            household_create(name=f"Bench home {i}", timezone="Europe/Berlin") for i in range(HOUSEHOLDS)
        ]
    for household in households:
        devices_create(household, appliances=DEVICES_PER_HOME - 3)
    start = services.tick_instant(now=datetime(2026, 6, 21, 10, 0, tzinfo=UTC))
    seconds = 60
    instants = (start + timedelta(seconds=seconds * n) for n in itertools.count())

    def ticks_seconds(batch_size: int, count: int) -> float:
        with timed() as t:
            for _ in range(count):
                at = next(instants)
                report = services.fleet_tick_in_process(at=at, seconds=seconds, batch_size=batch_size)
                assert report.written == HOUSEHOLDS and not report.failed
        return t["seconds"]

    ticks_seconds(50, 1)  # warm-up: connections, caches, the day's profiles
    household_ticks = HOUSEHOLDS * TICKS
    reading_rows = household_ticks * DEVICES_PER_HOME
    # Per household-tick: readings, device hours, device states; the tick claim, home hour, snapshot.
    rows_per_tick = 3 * DEVICES_PER_HOME + 3
    elapsed: dict[int, list[float]] = {1: [], 50: []}
    copy_rates = []
    for round_ in range(RUNS):
        for batch_size in (1, 50) if round_ % 2 == 0 else (50, 1):
            elapsed[batch_size].append(ticks_seconds(batch_size, TICKS))
        copy_rates.append(reading_rows / _raw_copy_seconds(reading_rows))
    copy_rate = statistics.median(copy_rates)
    figures: dict = {
        "households": HOUSEHOLDS,
        "runs": RUNS,
        "provisioning_seconds_per_household": provisioning["seconds"] / HOUSEHOLDS,
        "raw_copy_rows_per_s": copy_rate,
    }
    for batch_size, times in elapsed.items():
        rates = sorted(household_ticks / t for t in times)
        rate = statistics.median(rates)
        figures[f"batch_{batch_size}"] = {
            "household_ticks_per_s": rate,
            "household_ticks_per_s_min": rates[0],
            "household_ticks_per_s_max": rates[-1],
            "rows_per_s": rate * rows_per_tick,
            "reading_rows_per_s": rate * DEVICES_PER_HOME,
            "vs_raw_copy": rate * DEVICES_PER_HOME / copy_rate,
        }
    return figures
