"""Reporting fixtures: rollup rows and devices written straight into a household's schema.

The telemetry tick fills these tables in production; writing them directly keeps each test's
numbers obvious. Everything is rolled back with the test's transaction.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django_tenants.utils import schema_context
from model_bakery import baker

from accounts.models import User
from accounts.services import tokens_issue
from devices.models import Device, DeviceKind, StorageMode
from households.models import Household
from households.services import household_sign_up
from telemetry.flows import FLOW_COLUMNS, NodePowers, allocate
from telemetry.models import DeviceHour, HouseholdHour
from tests.conftest import PASSWORD, Member

HOUR = timedelta(hours=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def hour_starts(start: datetime, end: datetime) -> list[datetime]:
    """Every hour start from start to end (exclusive), stepping in UTC (rollup hours are UTC instants)."""
    count = int((end - start) / HOUR)
    return [start + index * HOUR for index in range(count)]


def household_hours(
    household: Household, starts: Iterable[datetime], energy: Callable[[datetime], tuple] | None = None
) -> list[HouseholdHour]:
    """Fully covered hours; energy(hour) gives (produced, consumed), import/export follow per hour.

    Production is solar and consumption the home's load (no storage), so the flows follow too.
    """
    energy = energy or (lambda hour: (1000.0, 400.0))
    rows = []
    for hour in starts:
        produced, consumed = energy(hour)
        flow_wh = allocate(NodePowers(solar_w=produced, load_w=consumed))
        rows.append(
            HouseholdHour(
                hour_start=hour,
                produced_wh=produced,
                consumed_wh=consumed,
                imported_wh=max(consumed - produced, 0.0),
                exported_wh=max(produced - consumed, 0.0),
                ticks=60,
                covered_seconds=3600,
                **{column: flow_wh[flow] for flow, column in FLOW_COLUMNS.items()},
            )
        )
    with schema_context(household.schema_name):
        return HouseholdHour.objects.bulk_create(rows)


def device_hours(device: Device, household: Household, starts: Iterable[datetime], produced: float) -> None:
    with schema_context(household.schema_name):
        DeviceHour.objects.bulk_create(
            DeviceHour(device=device, hour_start=hour, produced_wh=produced, ticks=60, covered_seconds=3600)
            for hour in starts
        )


def statements(queries) -> list[str]:
    """SQL a CaptureQueriesContext saw, without django-tenants' search_path switches."""
    return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET search_path")]


def make_device(household: Household, kind: str, **fields) -> Device:
    shapes = {
        DeviceKind.SOLAR_PANEL: {"rated_capacity_w": 5000},
        DeviceKind.BATTERY: {
            "capacity_wh": 13500,
            "charge_wh": 6750,
            "max_charge_rate_w": 5000,
            "max_discharge_rate_w": 7000,
            "mode": StorageMode.AUTO,
        },
        DeviceKind.ELECTRIC_VEHICLE: {
            "capacity_wh": 60000,
            "charge_wh": 15000,
            "max_charge_rate_w": 7400,
            "max_discharge_rate_w": 5000,
            "mode": StorageMode.CHARGING,
        },
        DeviceKind.APPLIANCE: {"average_power_w": 1800, "category": "dishwasher", "is_on": True},
    }
    with schema_context(household.schema_name):
        return baker.make(Device, kind=kind, **{"name": kind, **shapes[kind], **fields})


@pytest.fixture
def kolkata(db) -> Member:
    """A household in a half-hour-offset zone (UTC+05:30), created inside the test's transaction."""
    result = household_sign_up(
        email="priya@example.com", password=PASSWORD, household_name="Priya's home", timezone="Asia/Kolkata"
    )
    tokens = tokens_issue(user=result.user)
    return Member("priya@example.com", result.household, tokens.token, tokens.refresh_token)


@dataclass(frozen=True)
class Staff:
    user: User
    token: str


@pytest.fixture
def staff(db) -> Staff:
    user = User.objects.create_user(email="operator@example.com", password=PASSWORD, is_staff=True)
    return Staff(user, tokens_issue(user=user).token)
