"""Plans through real Celery workers: a market publication re-plans, a mode change is followed by the
next tick."""

import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from accounts.models import User
from config.celery_app import app
from devices.models import StorageMode
from devices.services import device_set_mode
from households.services import household_sign_up
from planning.services import households_plan
from planning.tasks import plans_refresh
from tariffs.models import MarketDay, MarketPrice
from telemetry.models import DevicePlan, HouseholdPlan, Reading
from telemetry.services import HouseholdRef, households_tick
from tests.conftest import PASSWORD
from tests.planning.conftest import planned_home, two_price_levels

pytestmark = pytest.mark.celery_worker

EMAIL = "planner@example.com"
# DE-LU publishes tomorrow's prices at 13:00 CET.
PUBLISHED = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def home(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        household = household_sign_up(
            email=EMAIL, password=PASSWORD, household_name="Planned home", timezone="Europe/Berlin"
        ).household
        member = type("M", (), {"household": household})
        devices = planned_home(member, battery_mode=StorageMode.AUTO)
        households_plan(
            household_ids=[household.pk], prices=two_price_levels(), now=PUBLISHED - timedelta(minutes=20)
        )
    connection.set_schema_to_public()
    yield household, devices
    with django_db_blocker.unblock():
        # The worker priced plans from the market: the days it generated go, so later modules see
        # the market as it stands before publication (days are generated again when asked for).
        MarketDay.objects.filter(day__gte=PUBLISHED.date()).delete()
        MarketPrice.objects.filter(start__gte=PUBLISHED - timedelta(days=1)).delete()
        household.delete(force_drop=True)
        User.objects.filter(email=EMAIL).delete()
    connection.set_schema_to_public()


@pytest.fixture(scope="module")
def worker(home, django_db_blocker):
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


def _wait_for(condition, timeout=90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def _plan(household):
    with schema_context(household.schema_name):
        return HouseholdPlan.objects.first()


def test_a_market_publication_replans_every_planned_home(db, home, worker, django_db_blocker):
    household, _ = home
    with django_db_blocker.unblock():
        before = _plan(household).created_at
        after = PUBLISHED + timedelta(minutes=1)

        plans_refresh.delay(after.isoformat())

        assert _wait_for(lambda: _plan(household).created_at == after), "not re-planned"
        assert before < after
        # Its prices are now the market's, for the whole horizon.
        assert len(_plan(household).import_price_per_kwh) == 144


def _committed(django_db_blocker, work) -> None:
    """Run `work` on its own connection in autocommit, as a web request would: the worker sees it
    and its on-commit hooks (the plan's queueing) fire."""

    def run() -> None:
        with django_db_blocker.unblock():
            try:
                work()
            finally:
                connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def test_a_mode_change_is_planned_and_followed_by_the_next_tick(db, home, worker, django_db_blocker):
    household, devices = home
    battery = devices["battery"]

    def switch() -> None:
        with schema_context(household.schema_name):
            device_set_mode(uid=battery.uid, mode=StorageMode.OPTIMIZED)

    _committed(django_db_blocker, switch)

    def planned() -> bool:
        with schema_context(household.schema_name):
            return DevicePlan.objects.filter(device_id=battery.pk).exists()

    assert _wait_for(planned), "the mode change was not planned"
    at = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    households_tick(households=[HouseholdRef.of(household)], at=at, seconds=60)
    with schema_context(household.schema_name):
        reading = Reading.objects.get(device_id=battery.pk, at=at)
        step = DevicePlan.objects.get(device_id=battery.pk)
    connection.set_schema_to_public()
    assert reading.mode == StorageMode.OPTIMIZED
    assert step.power_w  # the plan the tick followed
