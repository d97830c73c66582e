"""Fleet-scale planning: households planned through the real Celery path, extrapolated to 250,000.

`python -m bench plan_fleet` (`make bench ARGS=plan_fleet`). Sizes come from the environment, so the
same code runs reduced while the machine is shared and full-size when it is quiet:

- PLAN_FLEET_HOUSEHOLDS (20,000): households provisioned like sign-up (a schema each, bench.homes'
  8-device home) with the battery OPTIMIZED and the car SMART (80 % by 07:00), spread over
  scale.TICK_ZONES (their default tariffs: dynamic, time-of-use and fixed prices), each a few
  kilometres from its zone's point, with its own battery and car charge: no two programs alike.
  Provisioned by PLAN_FLEET_PROVISION_PROCESSES (2) forked processes; BENCH_KEEP_DATABASE=1 keeps
  them for the next run.
- PLAN_FLEET_PROCESSES (2): a real `celery worker` (prefork, that many processes). Each run sends
  the beat's task, planning.tasks.plans_refresh, for an instant two hours after the previous run's:
  every plan is stale, so it finds them all due in one statement and queues them in chunks of
  PLANNING_CHUNK households; the worker plans each chunk as production does (reads the chunk's
  devices and tariffs, one statement each, forecasts and solves each home, COPYs the chunk's
  plans). One sample is the time from sending the task to the last household's plan stored;
  PLAN_FLEET_RUNS (3) runs after a warm-up chunk, median and spread, and the median extrapolated
  linearly to FLEET households.
"""

import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock

import redis
from django.conf import settings
from django.db import connection, connections
from django_tenants.utils import schema_context

from bench.homes import home_devices, household_create
from bench.scale import TICK_ZONES, _process_env
from bench.setup import load_sampled
from devices.models import Device, DeviceKind, StorageMode
from households.locations import default_location
from households.models import Household
from tariffs import services as tariff_services
from tariffs.zones import ZONES

FLEET = 250_000
GOAL_SECONDS = 30 * 60
START = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
"""The first run's instant: the day-ahead markets have published tomorrow (a 36-hour horizon)."""
RUN_GAP = timedelta(hours=2)
PREFIX = "Plan fleet home"
WARM_UP_TIMEOUT_S = 1_800
"""The warm-up computes every forecast grid cell's sky history: minutes on a loaded machine."""
CELERY_WORKER = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork"]
APPLIANCES = 5


def _devices(index: int) -> list[Device]:
    share = (index * 7919 % 97) / 97.0
    modes = {DeviceKind.BATTERY: StorageMode.OPTIMIZED, DeviceKind.ELECTRIC_VEHICLE: StorageMode.SMART}
    devices = []
    for fields in home_devices(appliances=APPLIANCES):
        kind = fields["kind"]
        if kind in modes:
            capacity = fields["capacity_wh"]
            fields = {**fields, "mode": modes[kind], "charge_wh": capacity * (0.15 + 0.7 * share)}
        if kind == DeviceKind.ELECTRIC_VEHICLE:
            fields = {**fields, "charge_target_percent": 80.0, "ready_by": clock(7, 0)}
        devices.append(Device(**fields))
    return devices


def _provision_range(job: tuple[int, int]) -> int:
    first, stop = job
    connections.close_all()
    for index in range(first, stop):
        zone_name = TICK_ZONES[index % len(TICK_ZONES)]
        household = household_create(name=f"{PREFIX} {index}", timezone=zone_name)
        latitude, longitude = default_location(zone_name)
        Household.objects.filter(pk=household.pk).update(
            latitude=latitude + ((index * 7919) % 101 - 50) / 200.0,
            longitude=longitude + ((index * 104729) % 101 - 50) / 200.0,
        )
        with schema_context(household.schema_name):
            Device.objects.bulk_create(_devices(index))
    connections.close_all()
    return stop - first


def provision(total: int, processes: int) -> dict:
    """Households with planned stores until the database holds `total` of them."""
    have = Household.objects.filter(name__startswith=PREFIX).count()
    started = time.perf_counter()
    if have < total:
        step = max((total - have) // (processes * 20), 1)
        jobs = [(first, min(first + step, total)) for first in range(have, total, step)]
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            pool.map(_provision_range, jobs)
    seconds = time.perf_counter() - started
    added = max(total - have, 0)
    return {"households": total, "added": added, "seconds_per_household": seconds / added if added else None}


def _stored(at: datetime) -> int:
    """Households whose plan was made for `at` (bench-only SQL)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM public.telemetry_householdplan WHERE created_at = %s", [at])
        return cursor.fetchone()[0]


def _wait(at: datetime, count: int, timeout_s: float) -> float | None:
    """Seconds until `count` plans made for `at` are stored (polled), or None at the timeout."""
    began = time.perf_counter()
    while time.perf_counter() - began < timeout_s:
        if _stored(at) >= count:
            return time.perf_counter() - began
        time.sleep(0.2)
    return None


def _markets_ready(last: datetime) -> None:
    """Every zone's market days up to the last run's horizon, so no run generates them."""
    days = [(START - timedelta(days=1) + timedelta(days=d)).date() for d in range((last - START).days + 4)]
    for code in ZONES:
        tariff_services.market_days_ensure(code, days)


def _planned_ids() -> list[int]:
    return list(Household.objects.filter(name__startswith=PREFIX).order_by("pk").values_list("pk", flat=True))


def run() -> dict:
    from planning import tasks

    households_n = int(os.environ.get("PLAN_FLEET_HOUSEHOLDS", 20_000))
    processes = int(os.environ.get("PLAN_FLEET_PROCESSES", 2))
    runs = int(os.environ.get("PLAN_FLEET_RUNS", 3))
    provisioning = provision(households_n, int(os.environ.get("PLAN_FLEET_PROVISION_PROCESSES", 2)))
    ids = _planned_ids()
    instants = [START + RUN_GAP * (r + 1) for r in range(runs)]
    _markets_ready(instants[-1] + timedelta(days=2))
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE public.telemetry_householdplan, public.telemetry_deviceplan")
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    worker = subprocess.Popen(
        [*CELERY_WORKER, "-c", str(processes), "-l", "warning"],
        env=_process_env(),
        cwd=settings.BASE_DIR,
    )
    seconds: list[float] = []
    try:
        # Warm-up: every worker process imports, connects and builds its HiGHS model once.
        warm = ids[: settings.PLANNING_CHUNK * processes]
        tasks.queue(warm, START.isoformat())
        if _wait(START, len(warm), WARM_UP_TIMEOUT_S) is None:
            raise RuntimeError(f"the worker planned no warm-up chunk in {WARM_UP_TIMEOUT_S} s")
        with load_sampled() as load:
            for at in instants:
                tasks.plans_refresh.delay(at.isoformat())
                took = _wait(at, len(ids), 4 * 3600)
                if took is None:
                    raise RuntimeError(f"not every household was planned for {at}")
                seconds.append(took)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    median = statistics.median(seconds)
    extrapolated = median * FLEET / len(ids)
    return {
        "conditions": f"{len(ids)} households (8 devices, OPTIMIZED battery, SMART car) in {len(TICK_ZONES)} "
        f"zones, planned by a prefork worker of {processes} processes in chunks of "
        f"{settings.PLANNING_CHUNK}, {runs} runs on {os.cpu_count()} cores",
        "load_average_1min": load,
        "households": len(ids),
        "worker_processes": processes,
        "chunk_households": settings.PLANNING_CHUNK,
        "provisioning": provisioning,
        "seconds": {
            "median": round(median, 2),
            "min": round(min(seconds), 2),
            "max": round(max(seconds), 2),
            "runs": [round(s, 2) for s in seconds],
        },
        "ms_per_household_per_process": round(median / len(ids) * 1e3 * processes, 2),
        "households_per_s": round(len(ids) / median, 1),
        "extrapolated_seconds_for_250000": round(extrapolated, 1),
        "within_30_min_for_250000": extrapolated <= GOAL_SECONDS,
    }
