"""A Celery worker SIGKILLed in the middle of a household's tick: nothing partial, the tick redone once.

The tests pause the tick from the outside: they hold an exclusive lock on the shared hourly
rollup table, so the worker's transaction blocks after it has claimed the tick and written the
readings. Killed there, the worker never commits; PostgreSQL rolls its transaction back as soon as
it finds the client gone.

What happens to the message depends on what died (both observed here, with acks_late):
- a prefork pool process (the OOM killer's usual victim): the worker sees it lost, and
  reject_on_worker_lost puts the task back on the queue at once;
- a whole solo worker: nothing is acked or requeued; the message waits in kombu's "unacked" set
  until a worker starts (or polls) after the visibility timeout (CELERY_VISIBILITY_TIMEOUT, an
  hour in production, one second here) and restores it.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg2
import pytest
import redis
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context
from psycopg2 import sql

from devices.models import Device, DeviceKind, StorageMode
from households.services import household_sign_up
from telemetry.models import DeviceHour, HouseholdHour, HouseholdSnapshot, Reading, Tick
from telemetry.services import HouseholdRef, household_args
from telemetry.tasks import households_tick
from tests.conftest import PASSWORD
from tests.hardening.servers import database_url, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db]

AT = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
WORKER_DB_NAME = "hardening-worker-kill"
VISIBILITY_TIMEOUT = 1
NOTHING = {"ticks": 0, "readings": 0, "device_hours": [], "home_hours": []}
ONCE = {"ticks": 1, "readings": 3, "device_hours": [1, 1, 1], "home_hours": [1]}


@pytest.fixture(scope="module")
def home(django_db_setup, django_db_blocker):
    """A committed household with three devices (the worker is another process)."""
    with django_db_blocker.unblock():
        result = household_sign_up(
            email="worker-kill@example.com", password=PASSWORD, household_name="Kill home", timezone="UTC"
        )
        with schema_context(result.household.schema_name):
            Device.objects.create(name="Roof", kind=DeviceKind.SOLAR_PANEL, rated_capacity_w=5000)
            Device.objects.create(
                name="Battery",
                kind=DeviceKind.BATTERY,
                capacity_wh=10000,
                charge_wh=5000,
                max_charge_rate_w=4000,
                max_discharge_rate_w=4000,
                mode=StorageMode.AUTO,
            )
            Device.objects.create(
                name="Fridge", kind=DeviceKind.APPLIANCE, category="fridge", average_power_w=150, is_on=False
            )
    connection.set_schema_to_public()
    yield result.household
    with django_db_blocker.unblock():
        result.household.delete(force_drop=True)
        result.user.delete()
    connection.set_schema_to_public()


@contextmanager
def _workers(queue: str):
    """Starts workers on a queue of the test's own; stops whatever is left of them at the end."""
    started = []

    def start(pool: str, **environment: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(application_name=WORKER_DB_NAME),
            **environment,
        }
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", f"--pool={pool}", "-c", "1"]
        command += [
            "-Q",
            queue,
            "-l",
            "warning",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ]
        started.append(subprocess.Popen(command, env=env, cwd=settings.BASE_DIR))
        return started[-1]

    try:
        yield start
    finally:
        for worker in started:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)
        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)


@contextmanager
def _rollups_locked():
    """Holds the shared hourly rollup table locked, so a tick blocks halfway through."""
    db = connection.settings_dict
    blocker = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"])
    try:
        with blocker.cursor() as cursor:
            cursor.execute(
                sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(
                    sql.Identifier("public", "telemetry_householdhour")
                )
            )
        yield blocker.rollback
    finally:
        blocker.close()


def _worker_backends(*, waiting: bool = False) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # pg_stat_activity is frozen per transaction
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND datname = current_database()"
            " AND (NOT %s OR wait_event_type = 'Lock')",
            [WORKER_DB_NAME, waiting],
        )
        return [row[0] for row in cursor.fetchall()]


def _tick_rows(household, at: datetime) -> dict:
    with schema_context(household.schema_name):
        return {
            "ticks": Tick.objects.filter(at=at).count(),
            "readings": Reading.objects.filter(at=at).count(),
            "device_hours": list(DeviceHour.objects.filter(hour_start=at).values_list("ticks", flat=True)),
            "home_hours": list(HouseholdHour.objects.filter(hour_start=at).values_list("ticks", flat=True)),
        }


def _queue_tick(household, at: datetime, queue: str) -> None:
    households_tick.apply_async(
        args=[[household_args(HouseholdRef.of(household))], at.isoformat(), 60], queue=queue
    )


def _pool_processes(worker: subprocess.Popen) -> list[int]:
    tasks = Path(f"/proc/{worker.pid}/task")
    return [int(pid) for task in tasks.iterdir() for pid in (task / "children").read_text().split()]


def test_solo_worker_killed_mid_tick_leaves_nothing_and_a_new_worker_redoes_it_once(home):
    queue = f"hardening-solo-{os.getpid()}"
    with _workers(queue) as start_worker, _rollups_locked() as release:
        killed = start_worker("solo")
        _queue_tick(home, AT, queue)
        assert wait_for(lambda: _worker_backends(waiting=True), timeout=60), "the tick never blocked"
        delivered_before = time.monotonic()

        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=10)
        assert redis.Redis.from_url(settings.CELERY_BROKER_URL).llen(queue) == 0  # nothing requeued
        release()  # the orphaned backend resumes, finds its client gone and rolls back
        assert wait_for(lambda: not _worker_backends(), timeout=30), "the orphaned backend lingers"
        assert _tick_rows(home, AT) == NOTHING
        assert not HouseholdSnapshot.objects.filter(household=home, at=AT).exists()

        # A starting worker restores the unacked messages older than its visibility timeout.
        time.sleep(max(0.0, delivered_before + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
        start_worker("solo", CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT))
        assert wait_for(lambda: _tick_rows(home, AT)["ticks"], timeout=60), "the tick was not redelivered"

    assert _tick_rows(home, AT) == ONCE
    assert HouseholdSnapshot.objects.get(household=home).at == AT


def test_pool_process_killed_mid_tick_is_requeued_at_once_and_done_once(home):
    at = AT + timedelta(hours=1)
    queue = f"hardening-prefork-{os.getpid()}"
    with _workers(queue) as start_worker, _rollups_locked() as release:
        worker = start_worker("prefork")
        _queue_tick(home, at, queue)
        assert wait_for(lambda: _worker_backends(waiting=True), timeout=60), "the tick never blocked"
        [orphan] = _worker_backends(waiting=True)
        first = _pool_processes(worker)

        os.kill(first[0], signal.SIGKILL)
        # The worker replaces the pool process and runs the requeued task, which waits for the lock too.
        assert wait_for(lambda: len(_worker_backends(waiting=True)) == 2, timeout=30), "not requeued"
        assert _pool_processes(worker) != first
        release()
        assert wait_for(lambda: _tick_rows(home, at)["ticks"], timeout=30), "the requeued tick did not run"
        assert wait_for(lambda: orphan not in _worker_backends(), timeout=30), "the orphaned backend lingers"

    assert _tick_rows(home, at) == ONCE
