"""Shared telemetry tables: one household never sees another's rows; old days are dropped whole."""

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from psycopg2 import sql

from devices.models import DeviceKind
from households.services import household_sign_up
from telemetry import partitions, selectors, services
from telemetry.models import DeviceHour, DeviceLiveState, HouseholdHour, Reading, RetentionHorizon, Tick
from tests.conftest import PASSWORD
from tests.devices.conftest import global_id, make_device
from tests.telemetry.homes import typical_home_devices

NOON = datetime(2026, 6, 21, 10, 0, tzinfo=UTC)
SHARED_MODELS = {
    "Tick",
    "Reading",
    "DeviceHour",
    "HouseholdHour",
    "DeviceLiveState",
    "HouseholdPlan",
    "DevicePlan",
}
SHARED_TABLES = (
    "telemetry_tick",
    "telemetry_reading",
    "telemetry_devicehour",
    "telemetry_householdhour",
    "telemetry_devicelivestate",
    "telemetry_householdplan",
    "telemetry_deviceplan",
)
# The only production modules that may touch the shared tables (reads go through telemetry.selectors).
OWNERS = {
    "telemetry/models.py",
    "telemetry/selectors.py",
    "telemetry/writes.py",
    "telemetry/services.py",
    "telemetry/partitions.py",
    "telemetry/receivers.py",
    "telemetry/reported.py",
    "telemetry/ingest.py",
    "telemetry/plans.py",
}
PRODUCTION = (
    "accounts",
    "households",
    "devices",
    "telemetry",
    "gateways",
    "planning",
    "reporting",
    "demo",
    "config",
)

HISTORY = """
query History($start: DateTime!, $end: DateTime!, $deviceId: ID) {
  energyHistory(start: $start, end: $end, interval: DAY, deviceId: $deviceId) { producedWh consumedWh }
}
"""


def _tick(*members, at=NOON):
    refs = [services.HouseholdRef.of(member.household) for member in members]
    return services.households_tick(households=refs, at=at, seconds=60)


def test_no_production_code_outside_telemetry_queries_the_shared_tables():
    assert all((Path(settings.BASE_DIR) / owner).exists() for owner in OWNERS)
    offenders = []
    for package in PRODUCTION:
        for path in sorted((settings.BASE_DIR / package).rglob("*.py")):
            relative = path.relative_to(settings.BASE_DIR).as_posix()
            if relative in OWNERS or "/migrations/" in relative:
                continue
            source = path.read_text()
            if any(name in source for name in SHARED_TABLES):
                offenders.append(f"{relative}: names a shared table")
            imports = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)]
            for node in imports:
                if node.module == "telemetry.models" and SHARED_MODELS & {a.name for a in node.names}:
                    offenders.append(f"{relative}: imports a shared model")
    assert offenders == []


def test_a_household_sees_only_its_own_rows_in_the_shared_tables(alice, bob):
    with schema_context(alice.household.schema_name):
        typical_home_devices()
    with schema_context(bob.household.schema_name):
        typical_home_devices()

    assert _tick(alice, bob).written == 2

    for member in (alice, bob):
        with schema_context(member.household.schema_name):
            for model in (Tick, Reading, DeviceHour, HouseholdHour, DeviceLiveState):
                households = set(model.objects.values_list("household_id", flat=True))
                assert households == {member.household.pk}, model
            # Device ids repeat across schemas: the same id is still only this household's device.
            device_id = Reading.objects.values_list("device_id", flat=True).first()
            assert {h.household_id for h in selectors.device_hours(device_id=device_id)} == {
                member.household.pk
            }
    # In public (no household), the shared tables show nothing at all.
    for model in (Tick, Reading, DeviceHour, HouseholdHour, DeviceLiveState):
        assert not model.objects.exists()


def test_another_households_history_never_reaches_the_attacker(gql, alice, bob):
    with schema_context(alice.household.schema_name):
        typical_home_devices()
    mine = make_device(bob, DeviceKind.SOLAR_PANEL)
    _tick(alice)
    variables = {"start": "2026-06-21T00:00:00+00:00", "end": "2026-06-22T00:00:00+00:00"}

    everything = gql.execute(HISTORY, variables, bob.token)["data"]["energyHistory"]
    variables_device = {**variables, "deviceId": global_id(mine)}
    device = gql.execute(HISTORY, variables_device, bob.token)["data"]["energyHistory"]

    nothing = {"producedWh": 0.0, "consumedWh": 0.0}
    assert everything and all(bucket == nothing for bucket in everything)
    assert device and all(bucket == nothing for bucket in device)
    # Alice's own history holds what her tick wrote (her device ids are the same numbers as Bob's).
    mine_too = gql.execute(HISTORY, variables, alice.token)["data"]["energyHistory"]
    assert sum(bucket["consumedWh"] for bucket in mine_too) > 0


def test_retention_drops_whole_days_and_no_tick_lands_before_the_horizon(alice):
    with schema_context(alice.household.schema_name):
        typical_home_devices()
    now = datetime(2026, 8, 1, 12, 0, tzinfo=UTC)
    old, kept = now - timedelta(days=40), now - timedelta(days=3)
    _tick(alice, at=old)
    _tick(alice, at=kept)

    dropped = partitions.partitions_maintain(now=now, retention_days=35)

    # (Other tests' committed days may be dropped too: every day before the horizon goes.)
    assert {partitions.partition_name(t, old.date()) for t in partitions.PARTITIONED} <= set(dropped)
    assert all(name[-8:] < "20260627" for name in dropped)
    with schema_context(alice.household.schema_name):
        assert [t.at for t in Tick.objects.all()] == [kept]
        assert set(Reading.objects.values_list("at", flat=True)) == {kept}
        # The hourly rollups are kept forever.
        assert set(HouseholdHour.objects.values_list("hour_start", flat=True)) >= {old, kept}
    assert RetentionHorizon.objects.get().before == datetime(2026, 6, 27, tzinfo=UTC)
    # Tomorrow's and the next day's partitions are ready before the first tick of the day.
    for ahead in range(partitions.DAYS_AHEAD + 1):
        day = now.date() + timedelta(days=ahead)
        assert all(partitions._exists(partitions.partition_name(t, day)) for t in partitions.PARTITIONED)

    # Ticking the dropped day again would add its energy to the rollups a second time.
    with pytest.raises(partitions.InstantTooOld):
        _tick(alice, at=old)
    ref = services.HouseholdRef.of(alice.household)
    written = services.household_backfill(
        household=ref, start=old, end=datetime(2026, 6, 27, 1, 0, tzinfo=UTC), seconds=600
    )
    assert written == 6  # only the hour after the horizon
    with schema_context(alice.household.schema_name):
        assert min(Tick.objects.values_list("at", flat=True)) == datetime(2026, 6, 27, tzinfo=UTC)


def _catalog_checks(queries) -> int:
    return sum("to_regclass" in q["sql"] for q in queries.captured_queries)


def test_a_worker_checks_a_days_partitions_once_and_again_once_maintenance_dropped_them(
    alice, django_capture_on_commit_callbacks
):
    with schema_context(alice.household.schema_name):
        typical_home_devices()
    day = datetime(2026, 8, 1, 12, 0, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):  # committed, as a worker's tick is
        assert _tick(alice, at=day).written == 1  # a new day: its partitions are made
    assert day.date() in partitions.confirmed_days
    assert all(partitions._exists(partitions.partition_name(t, day.date())) for t in partitions.PARTITIONED)

    with CaptureQueriesContext(connection) as queries:
        assert _tick(alice, at=day + timedelta(minutes=1)).written == 1
    assert _catalog_checks(queries) == 0  # the day is known: no catalog round trip

    partitions.partitions_maintain(now=day + timedelta(days=40), retention_days=35)
    assert day.date() not in partitions.confirmed_days
    with pytest.raises(partitions.InstantTooOld):  # checked again, and now before the horizon
        _tick(alice, at=day + timedelta(minutes=2))


def test_partitions_seen_in_a_transaction_are_remembered_only_once_it_commits(alice):
    day = datetime(2026, 8, 2, tzinfo=UTC).date()
    partitions.partitions_ensure([day])  # made in the test's transaction, rolled back after it
    assert day not in partitions.confirmed_days


def test_a_failed_tick_forgets_the_days_so_its_retry_checks_the_catalog(alice):
    with schema_context(alice.household.schema_name):
        typical_home_devices()
    day = datetime(2026, 8, 3, 12, 0, tzinfo=UTC)
    partitions.confirmed_days.add(day.date())  # wrongly: dropped by another process, say

    with pytest.raises(DatabaseError):  # no partition for the claim's row
        _tick(alice, at=day)
    assert not partitions.confirmed_days

    assert _tick(alice, at=day).written == 1


def test_a_deleted_households_telemetry_goes_with_it(alice):
    result = household_sign_up(
        email="leaving@example.com", password=PASSWORD, household_name="Leaving", timezone="UTC"
    )
    household = result.household
    with schema_context(household.schema_name):
        typical_home_devices()
    services.households_tick(households=[services.HouseholdRef.of(household)], at=NOON, seconds=60)
    household_id = household.pk

    household.delete(force_drop=True)

    with connection.cursor() as cursor:
        for table in SHARED_TABLES:
            count = sql.SQL("SELECT count(*) FROM {} WHERE household_id = %s").format(
                sql.Identifier("public", table)
            )
            cursor.execute(count, [household_id])
            assert cursor.fetchone()[0] == 0, table


def test_migrations_leave_only_devices_in_a_household_schema(alice):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s ORDER BY 1",
            [alice.household.schema_name],
        )
        assert [row[0] for row in cursor.fetchall()] == ["devices_device", "django_migrations"]
