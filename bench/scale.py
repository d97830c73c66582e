"""Fleet scale (issue 15): the production tick in the workers' batches, real beat + workers, sign-up.

`python -m bench scale` (`make bench ARGS=scale`). Sizes come from the environment, so the same
code runs reduced while the machine is shared and full-size when it is quiet:

- SCALE_TICK_HOUSEHOLDS (2,000): (a) households of 8 devices ticked in process, chunk by chunk
  through `telemetry.services.households_tick` (the Celery task's call), against a raw COPY of the
  same reading rows and the physics alone, the three variants alternated, SCALE_RUNS runs each.
- SCALE_CELERY_HOUSEHOLDS (2,000) and SCALE_CELERY_MINUTES (3): (b) real `celery beat` and a real
  prefork worker (2 processes) tick that many households every minute; each minute's completion
  time (first claim to last household stored) is one sample.
- SCALE_SIGNUP_SIZES ("1000") and SCALE_SIGNUP_SAMPLES (5): (c) with that many households
  provisioned, the real signUp mutation (password hash included) and `migrate_schemas` over every
  schema, in seconds per tenant, and the catalog's size per household.
SCALE_PARTS ("tick,celery,signup") picks the parts; "provision" (SCALE_PROVISION households) only
provisions, and BENCH_KEEP_DATABASE=1 keeps an earlier run's households for the next.
"""

import io
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import redis
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from bench import writeup
from bench.homes import devices_create, household_create
from bench.setup import BENCH_DATABASE_URL, timed
from devices.models import Device
from households.models import Household
from telemetry import partitions, services, writes

DEVICES = 8
# Rows one 8-device household-tick writes: readings, device hours and device state per device;
# the tick claim, the home's hour and its fleet snapshot.
ROWS_PER_HOUSEHOLD_TICK = 3 * DEVICES + 3
START = datetime(2026, 6, 21, 10, 0, tzinfo=UTC)
SIGN_UP = """
mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { token errors { field message code } }
}
"""


def _spread(values: list[float]) -> dict:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": len(values),
    }


def provision(total: int) -> dict:
    """Provision households (template schema, 8 devices each) until the database holds `total`."""
    have = Household.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME).count()
    with timed() as t:
        for index in range(have, total):
            household = household_create(name=f"Scale home {index}", timezone="Europe/Berlin")
            devices_create(household, appliances=DEVICES - 3)
    added = max(total - have, 0)
    return {
        "households": total,
        "added": added,
        "seconds_per_household": t["seconds"] / added if added else None,
    }


# --- (a) the production tick, in process ------------------------------------------------------


def _copy_buffer(rows: int) -> io.StringIO:
    buffer = io.StringIO()
    for i in range(rows):
        buffer.write(f"{i // DEVICES}\t{i % DEVICES}\t{START.isoformat()}\t1.5\t0.025\t\\N\tt\t\n")
    buffer.seek(0)
    return buffer


def _raw_copy_seconds(rows: int) -> float:
    """Baseline: COPY the same reading rows into a fresh table shaped and keyed like the readings."""
    buffer = _copy_buffer(rows)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE copy_baseline (household_id bigint, device_id bigint, at timestamptz, "
            "power_w float8, energy_wh float8, charge_wh float8, is_on boolean, mode text, "
            "PRIMARY KEY (household_id, device_id, at))"
        )
        with timed() as t:
            cursor.copy_expert("COPY copy_baseline FROM STDIN", buffer)
        cursor.execute("DROP TABLE copy_baseline")
    return t["seconds"]


def _devices_of(households: list[services.HouseholdRef]) -> dict[int, list]:
    loaded = {}
    for household in households:
        with schema_context(household.schema_name):
            rows = Device.objects.order_by("id").values_list(*writes.DEVICE_COLUMNS)
            loaded[household.id] = [writes.cached_device(row).config for row in rows]
    connection.set_schema_to_public()
    return loaded


def _production_seconds(households: list[services.HouseholdRef], at: datetime) -> float:
    chunk = settings.TELEMETRY_TICK_CHUNK
    with timed() as t:
        for start in range(0, len(households), chunk):
            report = services.households_tick(households=households[start : start + chunk], at=at, seconds=60)
            assert not report.failed and report.written == len(households[start : start + chunk])
    return t["seconds"]


def _physics_seconds(households: list[services.HouseholdRef], devices: dict, at: datetime) -> float:
    with timed() as t:
        for household in households:
            services.simulate_instants(
                household=household, devices=devices[household.id], instants=[at], seconds=60
            )
    return t["seconds"]


def tick_part(households_n: int, runs: int) -> dict:
    provisioning = provision(households_n)
    households = services.fleet_households()[:households_n]
    devices = _devices_of(households)
    partitions.partitions_ensure([START.date()])
    readings = households_n * DEVICES
    warm = _production_seconds(households, START)  # warm-up: caches, the day's partitions, plans
    _physics_seconds(households, devices, START)
    results: dict[str, list[float]] = {"production": [], "raw_copy": [], "physics": []}
    for run in range(runs):
        at = START + timedelta(minutes=run + 1)
        variants = [
            ("production", lambda at=at: _production_seconds(households, at)),
            ("raw_copy", lambda: _raw_copy_seconds(readings)),
            ("physics", lambda at=at: _physics_seconds(households, devices, at)),
        ]
        for name, measure in variants if run % 2 == 0 else variants[::-1]:
            results[name].append(measure())
    production = statistics.median(results["production"])
    copy = statistics.median(results["raw_copy"])
    per_run_ratio = [
        (readings / p) / (readings / c)
        for p, c in zip(results["production"], results["raw_copy"], strict=True)
    ]
    return {
        "households": households_n,
        "devices_per_household": DEVICES,
        "chunk_households": settings.TELEMETRY_TICK_CHUNK,
        "provisioning": provisioning,
        "warm_up_seconds": warm,
        "production_seconds": _spread(results["production"]),
        "raw_copy_seconds": _spread(results["raw_copy"]),
        "physics_seconds": _spread(results["physics"]),
        "household_ticks_per_s": households_n / production,
        "reading_rows_per_s": readings / production,
        "rows_per_s": households_n * ROWS_PER_HOUSEHOLD_TICK / production,
        "raw_copy_rows_per_s": readings / copy,
        "vs_raw_copy": _spread(per_run_ratio),
        "physics_share": statistics.median(results["physics"]) / production,
    }


# --- (b) real beat + workers ---------------------------------------------------------------------


def _process_env() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": BENCH_DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local"),
        "TELEMETRY_TICK_SECONDS": "60",
    }


def _tick_progress(after: datetime) -> dict[datetime, tuple[int, datetime]]:
    """Per instant after `after`: households stored and the first claim's time (bench-only SQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT at, count(*), min(recorded_at) FROM public.telemetry_tick WHERE at > %s GROUP BY at",
            [after],
        )
        return {at: (count, first) for at, count, first in cursor.fetchall()}


def celery_part(households_n: int, minutes: int) -> dict:
    provisioning = provision(households_n)
    fleet = len(services.fleet_households())
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    started_at = datetime.now(UTC)
    env = _process_env()
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    schedule = f"/tmp/scale-beat-{uuid.uuid4().hex}"
    processes = [
        subprocess.Popen(
            [*celery, "worker", "--pool=prefork", "-c", "2", "-l", "warning"], env=env, cwd=settings.BASE_DIR
        ),
        subprocess.Popen(
            [*celery, "beat", "-l", "warning", "--schedule", schedule], env=env, cwd=settings.BASE_DIR
        ),
    ]
    done: dict[datetime, float] = {}
    try:
        deadline = time.monotonic() + (minutes + 2) * 60 + 120
        while len(done) < minutes + 1 and time.monotonic() < deadline:
            for at, (count, first) in _tick_progress(started_at - timedelta(minutes=1)).items():
                if count >= fleet and at not in done:
                    done[at] = (datetime.now(UTC) - first).total_seconds()
            time.sleep(0.5)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    # The first minute is the warm-up (worker start, imports, the day's partitions).
    completions = [done[at] for at in sorted(done)][1:]
    if not completions:
        return {"households": fleet, "provisioning": provisioning, "completed_minutes": 0}
    ordered = sorted(completions)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "households": fleet,
        "devices_per_household": DEVICES,
        "chunk_households": settings.TELEMETRY_TICK_CHUNK,
        "worker_processes": 2,
        "provisioning": provisioning,
        "minutes_measured": len(completions),
        "completion_seconds": {"p50": statistics.median(completions), "p95": p95, "max": max(completions)},
        "household_ticks_per_s_while_ticking": fleet / statistics.median(completions),
        "household_ticks_per_s_sustained": fleet * len(completions) / (60.0 * len(completions)),
        "all_minutes_within_60_s": max(completions) < 60,
    }


# --- (c) sign-up and migrate_schemas per tenant --------------------------------------------------


def _catalog_bytes() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'pg_catalog'"
        )
        return int(cursor.fetchone()[0])


def _sign_up_seconds(samples: int) -> list[float]:
    client = Client(HTTP_HOST="localhost")
    seconds = []
    for _ in range(samples):
        name = uuid.uuid4().hex[:12]
        variables = {
            "input": {
                "email": f"scale-{name}@example.com",
                "password": f"Kw-{uuid.uuid4().hex[:14]}-9z",
                "householdName": f"Scale {name}",
                "timezone": "Europe/Berlin",
            }
        }
        with timed() as t:
            response = client.post(
                "/graphql", {"query": SIGN_UP, "variables": variables}, content_type="application/json"
            )
        payload = response.json()["data"]["signUp"]
        assert payload["errors"] == [] and payload["token"], payload
        seconds.append(t["seconds"])
        connection.set_schema_to_public()
    return seconds


def signup_part(sizes: list[int], samples: int) -> dict:
    figures = {}
    base = _catalog_bytes()
    households_before = Household.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME).count()
    for size in sizes:
        provisioning = provision(size)
        catalog = _catalog_bytes()
        _sign_up_seconds(1)  # warm-up: the hasher, the GraphQL schema, the provisioning DDL
        sign_up = _sign_up_seconds(samples)
        tenants = Household.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME).count()
        with timed() as migrate:
            call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
        connection.set_schema_to_public()
        figures[str(size)] = {
            "provisioning": provisioning,
            "sign_up_seconds": _spread(sign_up),
            "migrate_schemas_seconds": migrate["seconds"],
            "migrate_schemas_tenants": tenants,
            "migrate_schemas_seconds_per_tenant": migrate["seconds"] / tenants,
            "catalog_bytes_per_household": (catalog - base) / max(size - households_before, 1),
        }
    return figures


def _previous() -> dict:
    """The scale section of the last report: a run of some parts keeps the other parts' figures."""
    sections = {m["name"]: m["json"] for m in writeup.SECTION.finditer(writeup.REPORT.read_text())}
    return json.loads(sections["scale"]) if "scale" in sections else {}


def run() -> dict:
    parts = os.environ.get("SCALE_PARTS", "tick,celery,signup").split(",")
    measure = {
        "provision": lambda: provision(int(os.environ.get("SCALE_PROVISION", 20_000))),
        "tick": lambda: tick_part(
            int(os.environ.get("SCALE_TICK_HOUSEHOLDS", 2_000)), int(os.environ.get("SCALE_RUNS", 3))
        ),
        "celery": lambda: celery_part(
            int(os.environ.get("SCALE_CELERY_HOUSEHOLDS", 2_000)),
            int(os.environ.get("SCALE_CELERY_MINUTES", 3)),
        ),
        "signup": lambda: signup_part(
            [int(size) for size in os.environ.get("SCALE_SIGNUP_SIZES", "1000").split(",")],
            int(os.environ.get("SCALE_SIGNUP_SAMPLES", 5)),
        ),
    }
    figures = _previous()
    for part in parts:
        started = datetime.now(UTC)
        figures[part] = {
            "measured_at": f"{started:%Y-%m-%d %H:%M} UTC",
            "conditions": os.environ.get("SCALE_CONDITIONS", ""),
            **measure[part](),
        }
        print(json.dumps({part: figures[part]}, indent=2), flush=True)
    return figures
