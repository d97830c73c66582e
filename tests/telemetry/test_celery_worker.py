"""A real Celery worker on Redis runs the fleet tick; each home's readings land in its own schema."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from config.celery_app import app
from devices.models import Device
from reporting.models import FleetTotals
from telemetry.models import Reading, Tick
from telemetry.tasks import fleet_tick
from tests.telemetry.conftest import undo_committed_ticks

pytestmark = pytest.mark.celery_worker

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


LATER = AT.replace(minute=1)


@pytest.fixture(scope="module")
def worker(committed_homes, django_db_setup, django_db_blocker):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict),
    }
    app.control.purge()
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-l", "warning"],
        env=env,
        cwd=settings.BASE_DIR,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)
    with django_db_blocker.unblock():
        undo_committed_ticks(django_db_setup.values(), [AT, LATER])
        FleetTotals.objects.filter(at__in=[AT, LATER]).delete()


def _wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _ticked_at(household, at: datetime) -> bool:
    with schema_context(household.schema_name):
        return Tick.objects.filter(at=at).exists()


def _ticked(household) -> bool:
    return _ticked_at(household, AT)


def test_fleet_tick_on_a_worker_writes_each_home_in_its_own_schema(db, worker, committed_homes):
    fleet_tick.delay(AT.isoformat())

    assert _wait_for(lambda: all(_ticked(h) for h in committed_homes)), "worker did not tick"
    for household in committed_homes:
        with schema_context(household.schema_name):
            own_devices = set(Device.objects.values_list("uid", flat=True))
            readings = Reading.objects.filter(at=AT).select_related("device")
            assert readings.count() == 7
            assert {r.device.uid for r in readings} == own_devices
    connection.set_schema_to_public()


def test_the_fleet_totals_refresh_after_every_home_has_ticked(db, worker, committed_homes):
    later = LATER
    fleet_tick.delay(later.isoformat())

    def refreshed() -> bool:
        totals = FleetTotals.objects.filter(pk=1).first()
        return totals is not None and totals.at == later

    assert _wait_for(refreshed), "the fleet totals never showed the tick"
    assert all(_ticked_at(h, later) for h in committed_homes)
    assert FleetTotals.objects.get().stale_households == 0
