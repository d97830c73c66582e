"""Fleet scale: the production tick in the workers' batches, real beat + workers, sign-up.

`python -m bench scale` (`make bench ARGS=scale`). Sizes come from the environment, so the same
code runs reduced while the machine is shared and full-size when it is quiet:

- SCALE_TICK_HOUSEHOLDS (2,000) and SCALE_TICK_PROCESSES (2): (a) households of 8 devices ticked
  chunk by chunk through `telemetry.services.households_tick` (the Celery task's call) by a pool of
  forked processes, as a prefork worker does, against a raw COPY of the same reading rows and the
  physics alone, the three variants alternated, SCALE_RUNS runs each. Every home pays its default
  tariff (each tick priced, the zones' market days published) and, unless SCALE_TICK_PLANNED=0,
  follows a stored plan: its battery OPTIMIZED, its car SMART. These households are rows
  without schemas, their devices primed into each process's cache: the steady state, in which the
  tick reads no household schema (telemetry.services); (b) measures provisioned households. Run
  it in its own BENCH_DATABASE_URL: (b) would try to tick these schema-less households.
- SCALE_CELERY_HOUSEHOLDS (2,000) and SCALE_CELERY_MINUTES (3): (b) real `celery beat` and a real
  prefork worker (2 processes) tick that many households every minute; each minute's completion
  time (first claim to last household stored) is one sample, after SCALE_CELERY_WARM_UP_MINUTES (1)
  minutes whose times are listed but not counted. Every household is planned first
  (planning's own service), so homes with planned stores follow their plans from the first minute:
  run it on the households `bench plan_fleet` provisions (BENCH_KEEP_DATABASE=1, same database)
  for a fleet whose batteries are OPTIMIZED and cars SMART in eight zones.
- SCALE_SIGNUP_SIZES ("1000,10000"), SCALE_SIGNUP_SAMPLES (5), SCALE_MIGRATE_RUNS (3) and
  SCALE_MIGRATE_STOCK_UP_TO (1,000): (c) with that many households provisioned, the real signUp
  mutation (password hash included) against the hash alone, the catalog's growth per household, and
  the deploy's migrate commands with nothing to apply, in seconds per tenant: stock `migrate_schemas`
  (standard and multiprocessing executors, at sizes up to SCALE_MIGRATE_STOCK_UP_TO) against
  `migrate_households` (template, then only the households that differ from it), alternated.
SCALE_PARTS ("tick,celery,signup") picks the parts; "provision" (SCALE_PROVISION households) only
provisions, and BENCH_KEEP_DATABASE=1 keeps an earlier run's households for the next.
"""

import dataclasses
import io
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import redis
from django.conf import settings
from django.contrib.auth.hashers import get_hasher, make_password
from django.db import connection, connections
from django.test import Client

from bench import writeup
from bench.homes import devices_create, home_device_states, household_create
from bench.setup import BENCH_DATABASE_URL, load_sampled, postgres_settings, timed
from devices.models import DeviceKind, StorageMode
from households.locations import default_location
from households.models import Household
from tariffs import services as tariff_services
from tariffs.zones import ZONES
from telemetry import partitions, plans, services
from telemetry.tick import CachedDevice

DEVICES = 8
STORES = 2
"""The home's battery and car: the devices with a live-state row (telemetry.writes.live_states_sql)."""
# Rows one 8-device household-tick writes: a reading and a device hour per device, a live state per
# store; the tick claim, the home's hour and its fleet snapshot.
ROWS_PER_HOUSEHOLD_TICK = 2 * DEVICES + STORES + 3
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


# A backend that has created thousands of schemas slows down (its catalog caches only grow):
# the provisioning loop starts a fresh connection every this many households.
PROVISION_RECONNECT = 250


def provision(total: int) -> dict:
    """Provision households (template schema, 8 devices each) until the database holds `total`."""
    have = Household.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME).count()
    with timed() as t:
        for index in range(have, total):
            household = household_create(name=f"Scale home {index}", timezone="Europe/Berlin")
            devices_create(household, appliances=DEVICES - 3)
            if index % PROVISION_RECONNECT == 0:
                connection.close()
    added = max(total - have, 0)
    return {
        "households": total,
        "added": added,
        "seconds_per_household": t["seconds"] / added if added else None,
    }


# --- (a) the production tick, in the workers' chunks and processes -----------------------------

# The fleet of part (a): household rows without schemas, spread over these zones (each home a few
# kilometres from the zone's point), their device configuration primed into each process's cache
# as a warm worker holds it; the steady-state tick reads no household schema (telemetry.services).
TICK_ZONES = (
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Oslo",
    "America/Chicago",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Asia/Kolkata",
)
_FLEET: list[services.HouseholdRef] = []
"""Part (a)'s households, set before the pool forks so every process inherits them and the cache."""


def _fleet_rows(first: int, stop: int) -> None:
    """Insert part (a)'s household rows [first, stop) with one COPY (no schema: the tick reads none)."""
    buffer = io.StringIO()
    for index in range(first, stop):
        zone_name = TICK_ZONES[index % len(TICK_ZONES)]
        latitude, longitude = default_location(zone_name)
        # A deterministic offset of up to ~0.25 degrees: homes of one region, not one roof.
        latitude += ((index * 7919) % 101 - 50) / 200.0
        longitude += ((index * 104729) % 101 - 50) / 200.0
        row = (
            f"tick_{index}",
            f"Tick home {index}",
            zone_name,
            repr(latitude),
            repr(longitude),
            START.isoformat(),
        )
        buffer.write("\t".join(row) + "\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            "COPY public.households_household (schema_name, name, timezone, latitude, longitude, created_at) "
            "FROM STDIN",
            buffer,
        )


PLANNED_MODES = {DeviceKind.BATTERY: StorageMode.OPTIMIZED, DeviceKind.ELECTRIC_VEHICLE: StorageMode.SMART}
PLAN_STEP_SECONDS = 900
PLAN_STEPS = 144
"""A stored plan as planning makes it: 36 hours of 15-minute steps, from an hour before START."""


def _fleet_devices(planned: bool) -> list[CachedDevice]:
    """bench.homes' 8-device home as the tick's cache holds it (ids as its schema would number them);
    planned: its battery OPTIMIZED and its car SMART."""
    states = home_device_states(first_id=1, appliances=DEVICES - 3)
    if planned:
        states = [dataclasses.replace(s, mode=PLANNED_MODES.get(s.kind, s.mode)) for s in states]
    return [CachedDevice(state) for state in states]


def _plan_of(household_id: int, devices: list[CachedDevice]) -> plans.StoredPlan:
    """A plan that uses every rule of telemetry.plans over the day: the battery charges from the
    grid, holds, discharges into the grid and balances the meter in turn; the car charges, then
    waits for solar."""
    steps = range(PLAN_STEPS)
    battery_w = [(-3000.0, 0.0, 2500.0, 800.0)[(i // 4) % 4] for i in steps]
    grid_w = [(-4000.0, -500.0, 1500.0, 0.0)[(i // 4) % 4] for i in steps]
    car_w = [-7400.0 if (i // 8) % 2 == 0 else 0.0 for i in steps]
    by_kind = {device.config.kind: device.config.id for device in devices}
    flat = [6000.0] * PLAN_STEPS
    return plans.StoredPlan(
        household_id=household_id,
        created_at=START - timedelta(hours=1),
        start=START - timedelta(hours=1),
        step_seconds=PLAN_STEP_SECONDS,
        devices_version=0,
        grid_w=grid_w,
        solar_w=[0.0] * PLAN_STEPS,
        load_w=[500.0] * PLAN_STEPS,
        import_price_per_kwh=[0.3] * PLAN_STEPS,
        export_price_per_kwh=[0.08] * PLAN_STEPS,
        currency="EUR",
        expected_cost=Decimal("1.0000"),
        expected_cost_without_plan=Decimal("2.0000"),
        devices={
            by_kind[DeviceKind.BATTERY]: (battery_w, flat, ""),
            by_kind[DeviceKind.ELECTRIC_VEHICLE]: (car_w, flat, ""),
        },
    )


PLAN_WRITE_BATCH = 1_000


def _plans_store(household_ids: list[int], devices: list[CachedDevice]) -> None:
    """Every fleet home's plan, written as planning writes them (telemetry.plans.plans_store)."""
    with connection.cursor() as cursor:
        for first in range(0, len(household_ids), PLAN_WRITE_BATCH):
            batch = [_plan_of(h, devices) for h in household_ids[first : first + PLAN_WRITE_BATCH]]
            plans.plans_store(cursor, batch)


def _fleet_prime(households_n: int, planned: bool) -> None:
    """Part (a)'s households (created once per database), every one's devices in the cache, the
    zones' market days around START, and (planned) every home's plan."""
    have = Household.objects.filter(schema_name__startswith="tick_").count()
    if have < households_n:
        _fleet_rows(have, households_n)
    fleet = Household.objects.filter(schema_name__startswith="tick_").order_by("pk")
    rows = fleet.values_list("pk", "schema_name", "timezone", "latitude", "longitude", "devices_version")
    devices = _fleet_devices(planned)
    _FLEET.clear()
    for *ref, version in rows[:households_n]:
        _FLEET.append(services.HouseholdRef(*ref))
        services.device_cache_put(ref[0], version, devices)
    for code in ZONES:
        tariff_services.market_days_ensure(code, [START.date() - timedelta(days=1), START.date()])
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE public.telemetry_householdplan, public.telemetry_deviceplan")
    if planned:
        _plans_store([household.id for household in _FLEET], devices)
    _analyze_plans()


def _analyze_plans() -> None:
    """The statistics autovacuum keeps in the steady state (this machine runs without it): without
    them, the planner reads freshly filled plan tables whole for every chunk's plan steps (a hash
    join: ~70 ms a chunk of 250 homes on 20,000 plans, ~0.3 s on 250,000, instead of ~2 ms)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE public.households_household, public.telemetry_householdplan, public.telemetry_deviceplan"
        )


def _chunk_tick(job: tuple[int, str]) -> int:
    start, at_iso = job
    chunk = _FLEET[start : start + settings.TELEMETRY_TICK_CHUNK]
    report = services.households_tick(households=chunk, at=datetime.fromisoformat(at_iso), seconds=60)
    assert not report.failed and report.written == len(chunk), report
    return report.written


def _chunk_physics(job: tuple[int, str]) -> int:
    start, at_iso = job
    at = datetime.fromisoformat(at_iso)
    devices = [cached.config for cached in _fleet_devices(planned=False)]
    for household in _FLEET[start : start + settings.TELEMETRY_TICK_CHUNK]:
        services.simulate_instants(household=household, devices=devices, instants=[at], seconds=60)
    return settings.TELEMETRY_TICK_CHUNK


def _pool_seconds(pool, work, at: datetime) -> float:
    """The whole fleet through the pool, chunk by chunk as the broker hands them to prefork workers."""
    jobs = [(start, at.isoformat()) for start in range(0, len(_FLEET), settings.TELEMETRY_TICK_CHUNK)]
    with timed() as t:
        pool.map(work, jobs, chunksize=1)
    return t["seconds"]


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


def tick_part(households_n: int, runs: int, processes: int, planned: bool) -> dict:
    """(a): the fleet's minute through `households_tick` in chunks, over `processes` forked workers."""
    _fleet_prime(households_n, planned)
    partitions.partitions_ensure([START.date()])
    readings = households_n * DEVICES
    connections.close_all()  # each forked process opens its own connection
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        warm = _pool_seconds(pool, _chunk_tick, START)  # warm-up: physics caches, the day's partition, plans
        _pool_seconds(pool, _chunk_physics, START)
        results: dict[str, list[float]] = {"production": [], "raw_copy": [], "physics": []}
        for run in range(runs):
            at = START + timedelta(minutes=run + 1)
            variants = [
                ("production", lambda at=at: _pool_seconds(pool, _chunk_tick, at)),
                ("raw_copy", lambda: _raw_copy_seconds(readings)),
                ("physics", lambda at=at: _pool_seconds(pool, _chunk_physics, at)),
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
        "processes": processes,
        "priced": True,
        "planned": planned,
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
        "within_60_s": production <= 60.0,
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


def _plan_everyone() -> dict:
    """Every household's plan made now, in planning's chunks, before the workers start: the ticks
    then follow plans from the first minute, and the beat finds none due (the steady state between
    re-plans). Homes with no planned store get planning's empty plan."""
    from planning import prices as planning_prices
    from planning import services as planning_services

    ids = [household.id for household in services.fleet_households()]
    size = settings.PLANNING_CHUNK
    with timed() as t:
        planned = sum(
            planning_services.households_plan(
                household_ids=ids[first : first + size],
                prices=planning_prices.chunk_prices(ids[first : first + size]),
            )
            for first in range(0, len(ids), size)
        )
    _analyze_plans()
    return {"households_with_planned_stores": planned, "planning_seconds": t["seconds"]}


def celery_part(households_n: int, minutes: int, warm_up_minutes: int) -> dict:
    provisioning = provision(households_n)
    planning = _plan_everyone()
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
        deadline = time.monotonic() + (minutes + warm_up_minutes + 1) * 60 + 120
        while len(done) < minutes + warm_up_minutes and time.monotonic() < deadline:
            for at, (count, first) in _tick_progress(started_at - timedelta(minutes=1)).items():
                if count >= fleet and at not in done:
                    done[at] = (datetime.now(UTC) - first).total_seconds()
            time.sleep(0.5)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    # The warm-up: worker start, imports, the day's partitions, and each process's first meeting with
    # each place's solar days (pvlib; every fleet home here sits in a ~1 km cell of its own).
    minutes_in_order = [done[at] for at in sorted(done)]
    completions = minutes_in_order[warm_up_minutes:]
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
        "plans": planning,
        "warm_up_minutes": warm_up_minutes,
        "minutes_measured": len(completions),
        "completion_seconds_by_minute": minutes_in_order,
        "completion_seconds": {"p50": statistics.median(completions), "p95": p95, "max": max(completions)},
        "household_ticks_per_s_while_ticking": fleet / statistics.median(completions),
        "household_ticks_per_s_sustained": fleet * len(completions) / (60.0 * len(completions)),
        "all_minutes_within_60_s": max(completions) < 60,
    }


# --- (c) sign-up and migrations per tenant -------------------------------------------------------

# The deploy commands compared, each run as `manage.py <command>` the way a deploy runs it (interpreter
# and Django start included; the CLI's system checks run per schema, as in `make migrate` before).
MIGRATE_COMMANDS = {
    "migrate_schemas": ["migrate_schemas", "--tenant", "--noinput"],
    "migrate_schemas_multiprocessing": [
        "migrate_schemas",
        "--tenant",
        "--noinput",
        "--executor=multiprocessing",
    ],
    "migrate_households": ["migrate_households", "--tenant", "--noinput"],
}
# The stock commands cost ~0.1 s per schema: by default they are measured up to this many households.
MIGRATE_STOCK_UP_TO = 1_000


def _catalog_bytes() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'pg_catalog'"
        )
        return int(cursor.fetchone()[0])


def _tenant_schema_objects() -> dict:
    """What each household schema holds (the template's twin): relations by kind, constraints, triggers."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relkind::text, count(*), count(*) FILTER (WHERE c.reltoastrelid <> 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s GROUP BY c.relkind",
            [settings.TENANT_TEMPLATE_SCHEMA],
        )
        kinds = {kind: (count, toasted) for kind, count, toasted in cursor.fetchall()}
        cursor.execute(
            "SELECT count(*) FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace "
            "WHERE n.nspname = %s",
            [settings.TENANT_TEMPLATE_SCHEMA],
        )
        constraints = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND NOT t.tgisinternal",
            [settings.TENANT_TEMPLATE_SCHEMA],
        )
        triggers = cursor.fetchone()[0]
    return {
        "tables": kinds.get("r", (0, 0))[0],
        "toast_tables": kinds.get("r", (0, 0))[1],
        "indexes": kinds.get("i", (0, 0))[0],
        "sequences": kinds.get("S", (0, 0))[0],
        "constraints": constraints,
        "triggers": triggers,
    }


def _sign_up_seconds(client: Client) -> float:
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
    connection.set_schema_to_public()
    return t["seconds"]


def _password_hash_seconds() -> float:
    """The hash that sign-up computes, with the hasher the settings name (production's default)."""
    with timed() as t:
        make_password(f"Kw-{uuid.uuid4().hex[:14]}-9z")
    return t["seconds"]


def _sign_up_part(samples: int) -> dict:
    client = Client(HTTP_HOST="localhost")
    _sign_up_seconds(client)  # warm-up: the hasher, the GraphQL schema, the provisioning DDL
    _password_hash_seconds()
    sign_up, hashing = [], []
    for run in range(samples):
        variants = [
            lambda: sign_up.append(_sign_up_seconds(client)),
            lambda: hashing.append(_password_hash_seconds()),
        ]
        for measure in variants if run % 2 == 0 else variants[::-1]:
            measure()
    return {
        "sign_up_seconds": _spread(sign_up),
        "password_hasher": get_hasher().algorithm,
        "password_hash_seconds": _spread(hashing),
        "password_hash_share": statistics.median(hashing) / statistics.median(sign_up),
    }


def _migrate_seconds(command: list[str]) -> float:
    with timed() as t:
        subprocess.run(
            [sys.executable, "manage.py", *command, "--verbosity", "0"],
            env=_process_env(),
            cwd=settings.BASE_DIR,
            check=True,
        )
    return t["seconds"]


def _migrate_part(size: int, households: int, runs: int, stock_up_to: int) -> dict:
    names = [name for name in MIGRATE_COMMANDS if size <= stock_up_to or name == "migrate_households"]
    _migrate_seconds(MIGRATE_COMMANDS["migrate_households"])  # warm-up: the OS and PostgreSQL caches
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for run in range(runs):
        for name in names if run % 2 == 0 else names[::-1]:
            seconds[name].append(_migrate_seconds(MIGRATE_COMMANDS[name]))
    return {
        name: {
            "command": " ".join(MIGRATE_COMMANDS[name]),
            "seconds": _spread(values),
            "seconds_per_tenant": _spread([value / households for value in values]),
        }
        for name, values in seconds.items()
    }


def signup_part(sizes: list[int], samples: int, runs: int, stock_up_to: int) -> dict:
    """Per size: sign-up against its hash, the catalog's growth, the migrate commands with nothing to do."""
    figures: dict = {"tenant_schema_objects": _tenant_schema_objects()}
    for size in sizes:
        before = _catalog_bytes()
        provisioning = provision(size)
        grown = _catalog_bytes() - before
        sign_up = _sign_up_part(samples)
        tenants = Household.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME).count()
        figures[str(size)] = {
            "provisioning": provisioning,
            **sign_up,
            "catalog_bytes_per_household": grown / provisioning["added"] if provisioning["added"] else None,
            "migrate_tenants": tenants,
            "migrate": _migrate_part(size, tenants, runs, stock_up_to),
        }
        print(json.dumps({size: figures[str(size)]}, indent=2), flush=True)
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
            int(os.environ.get("SCALE_TICK_HOUSEHOLDS", 2_000)),
            int(os.environ.get("SCALE_RUNS", 3)),
            int(os.environ.get("SCALE_TICK_PROCESSES", 2)),
            os.environ.get("SCALE_TICK_PLANNED", "1") == "1",
        ),
        "celery": lambda: celery_part(
            int(os.environ.get("SCALE_CELERY_HOUSEHOLDS", 2_000)),
            int(os.environ.get("SCALE_CELERY_MINUTES", 3)),
            int(os.environ.get("SCALE_CELERY_WARM_UP_MINUTES", 1)),
        ),
        "signup": lambda: signup_part(
            [int(size) for size in os.environ.get("SCALE_SIGNUP_SIZES", "1000,10000").split(",")],
            int(os.environ.get("SCALE_SIGNUP_SAMPLES", 5)),
            int(os.environ.get("SCALE_MIGRATE_RUNS", 3)),
            int(os.environ.get("SCALE_MIGRATE_STOCK_UP_TO", MIGRATE_STOCK_UP_TO)),
        ),
    }
    figures = _previous()
    for part in parts:
        started = datetime.now(UTC)
        with load_sampled() as load:
            measured = measure[part]()
        figures[part] = {
            "measured_at": f"{started:%Y-%m-%d %H:%M} UTC",
            "conditions": os.environ.get("SCALE_CONDITIONS", ""),
            "load_average_1min": load,
            "postgres": postgres_settings(),
            **measured,
        }
        print(json.dumps({part: figures[part]}, indent=2), flush=True)
    return figures
