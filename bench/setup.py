"""A throwaway benchmark database, migrated from scratch, so figures never touch real data."""

import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/energy_bench")
# Raised for the benchmarks' own process only: servers they start (bench.load.serve) get the
# setting's default unless told otherwise, so `make attack` meets the production sign-up limit.
IN_PROCESS_ONLY = {"SIGN_UP_RATE_PER_IP": "1000000/h"}


def django_for_bench() -> None:
    """Point Django at a fresh benchmark database and migrate it (public + template schema)."""
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    # The load benchmark's production server refuses the development key written in the repository.
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    # The scale benchmark signs up households through the real mutation, far past the local limit.
    for name, value in IN_PROCESS_ONLY.items():
        os.environ.setdefault(name, value)
    # BENCH_KEEP_DATABASE=1 keeps what an earlier run provisioned (the scale benchmark's homes).
    keep = os.environ.get("BENCH_KEEP_DATABASE") == "1"
    subprocess.run(
        [sys.executable, "scripts/check_services.py", *([] if keep else ["--drop-database"])],
        check=True,
        env={**os.environ, "DATABASE_URL": BENCH_DATABASE_URL},
        stdout=subprocess.DEVNULL,
    )
    import django

    django.setup()
    from django.core.management import call_command

    from households.provisioning import template_sync

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    template_sync(verbosity=0)


FLEET_CONF = Path(__file__).resolve().parent.parent / "deploy" / "postgres" / "fleet.conf"


def fleet_conf() -> dict[str, str]:
    """deploy/postgres/fleet.conf's `name = value` lines (scripts/db_tune.py applies them)."""
    lines = (line.split("#", 1)[0] for line in FLEET_CONF.read_text().splitlines())
    pairs = (line.split("=", 1) for line in lines if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def postgres_settings() -> dict[str, str | bool]:
    """The server's values of the settings fleet.conf tunes, and whether all are as there
    ("tuned"): a run's conditions, since a default server and a tuned one give different fleet
    figures (`make db-tune`)."""
    from django.db import connection

    wanted = fleet_conf()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, current_setting(name) FROM unnest(%s::text[]) AS name", [list(wanted)])
        values: dict[str, str | bool] = dict(cursor.fetchall())
    values["tuned"] = all(values[name] == value for name, value in wanted.items())
    if not values["tuned"]:
        print("PostgreSQL is not tuned for a fleet (deploy/postgres/fleet.conf): `make db-tune`", flush=True)
    return values


@contextmanager
def timed():
    """Yields a dict whose 'seconds' is filled in when the block ends."""
    result = {}
    started = time.perf_counter()
    yield result
    result["seconds"] = time.perf_counter() - started


LOAD_SAMPLE_SECONDS = 10


@contextmanager
def load_sampled():
    """Yields a dict filled, when the block ends, with the 1-minute load average sampled every
    LOAD_SAMPLE_SECONDS meanwhile (the benchmark's own processes included): the run's conditions."""
    samples: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        while True:
            samples.append(os.getloadavg()[0])
            if stop.wait(LOAD_SAMPLE_SECONDS):
                return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    result: dict = {}
    try:
        yield result
    finally:
        stop.set()
        sampler.join()
        result.update(
            min=min(samples), median=statistics.median(samples), max=max(samples), samples=len(samples)
        )
