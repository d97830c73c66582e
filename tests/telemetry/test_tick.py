"""A household tick stores readings, rollups, device state and the fleet snapshot together."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from devices.models import Device, DeviceKind
from households.timezones import zone
from telemetry import appliances, flows, partitions, services, writes
from telemetry.flows import Node
from telemetry.models import DeviceHour, HouseholdHour, HouseholdSnapshot, Reading, Tick
from telemetry.tick import local_hour_start
from tests.reporting.conftest import make_device
from tests.telemetry.homes import live_device, typical_home_devices

NOON_BERLIN = datetime(2026, 6, 21, 10, 0, tzinfo=UTC)


@pytest.fixture
def alice_home(alice):
    with schema_context(alice.household.schema_name):
        devices = typical_home_devices()
    return alice, devices


def _tick(member, at=NOON_BERLIN, seconds=60):
    return services.households_tick(
        households=[services.HouseholdRef.of(member.household)], at=at, seconds=seconds
    )


def test_tick_writes_one_reading_per_device_and_the_rollups(alice_home):
    alice, devices = alice_home

    report = _tick(alice)

    assert report.written == 1
    with schema_context(alice.household.schema_name):
        readings = list(Reading.objects.all())
        assert sorted(r.device_id for r in readings) == sorted(d.pk for d in devices)
        assert all(r.at == NOON_BERLIN for r in readings)
        hour = HouseholdHour.objects.get()
        produced = sum(r.energy_wh for r in readings if r.energy_wh > 0)
        consumed = -sum(r.energy_wh for r in readings if r.energy_wh < 0)
        assert hour.produced_wh == pytest.approx(produced)
        assert hour.consumed_wh == pytest.approx(consumed)
        assert hour.imported_wh - hour.exported_wh == pytest.approx(consumed - produced)
        assert min(hour.imported_wh, hour.exported_wh) == 0
        assert (hour.ticks, hour.covered_seconds) == (1, 60)
        assert DeviceHour.objects.count() == len(devices)
        solar = live_device(name="Roof")
        assert solar.power_w > 0 and solar.last_reading_at == NOON_BERLIN
    snapshot = HouseholdSnapshot.objects.get(household=alice.household)
    assert snapshot.at == NOON_BERLIN
    assert snapshot.net_w == pytest.approx(snapshot.produced_w - snapshot.consumed_w)
    assert snapshot.devices_by_kind == {"solar_panel": 1, "battery": 1, "electric_vehicle": 1, "appliance": 4}
    assert snapshot.storage_capacity_wh == 13500 + 60000


def test_tick_writes_what_went_where_into_the_rollup_and_the_snapshot(alice_home):
    alice, _ = alice_home

    _tick(alice)

    with schema_context(alice.household.schema_name):
        hour = HouseholdHour.objects.get()
        readings = [(r.device.kind, r.power_w) for r in Reading.objects.select_related("device")]
    expected = flows.allocate(flows.node_powers(readings))
    assert {flow: getattr(hour, column) for flow, column in flows.FLOW_COLUMNS.items()} == pytest.approx(
        {flow: power_w / 60 for flow, power_w in expected.items()}
    )
    out, into = flows.node_totals(expected)
    snapshot = HouseholdSnapshot.objects.get(household=alice.household)
    assert (snapshot.solar_w, snapshot.load_w) == pytest.approx((out[Node.SOLAR], into[Node.HOME]))
    grid = (snapshot.grid_import_w, snapshot.grid_export_w)
    assert grid == pytest.approx((out[Node.GRID], into[Node.GRID]))
    assert snapshot.produced_w == pytest.approx(snapshot.solar_w + snapshot.storage_discharge_w)
    assert snapshot.consumed_w == pytest.approx(snapshot.load_w + snapshot.storage_charge_w)


def test_a_full_battery_counts_its_seconds_as_full_while_solar_is_exported(alice):
    roof = make_device(alice.household, DeviceKind.SOLAR_PANEL)
    full = make_device(alice.household, DeviceKind.BATTERY, name="Full", charge_wh=13500)

    for minute in range(3):
        _tick(alice, at=NOON_BERLIN + timedelta(minutes=minute))

    with schema_context(alice.household.schema_name):
        assert DeviceHour.objects.get(device=full).full_seconds == 180
        assert DeviceHour.objects.get(device=roof).full_seconds == 0
        assert HouseholdHour.objects.get().solar_to_grid_wh > 0


def test_a_car_away_on_a_commute_counts_its_seconds_as_away(alice_home):
    alice, devices = alice_home
    [car] = [device for device in devices if device.kind == DeviceKind.ELECTRIC_VEHICLE]
    # A working week in which this home's draw of occupants leaves (one home in ~20 stays in all week).
    monday = next(
        start
        for start in (datetime(2026, 1, 12, tzinfo=UTC) + timedelta(weeks=n) for n in range(52))
        if any(
            appliances.occupancy(alice.household.schema_name, (start + timedelta(days=d)).toordinal()).leave_h
            is not None
            for d in range(5)
        )
    )

    services.household_backfill(
        household=services.HouseholdRef.of(alice.household),
        start=monday,
        end=monday + timedelta(days=5),
        seconds=900,
    )

    with schema_context(alice.household.schema_name):
        hours = list(DeviceHour.objects.filter(device=car))
        battery = list(DeviceHour.objects.filter(device__kind=DeviceKind.BATTERY))
    away = [hour for hour in hours if hour.away_seconds]
    # Away for some hours of the working days, never longer than an hour was covered; only cars go away.
    assert away and all(hour.away_seconds <= hour.covered_seconds for hour in away)
    assert 0 < sum(hour.away_seconds for hour in hours) < 5 * 86_400
    assert not any(hour.away_seconds for hour in battery)


def test_rollup_hour_is_the_local_hour_in_a_half_hour_zone():
    at = datetime(2026, 1, 10, 6, 45, tzinfo=UTC)  # 12:15 in Kolkata

    assert local_hour_start(at=at, zone=zone("Asia/Kolkata")) == datetime(2026, 1, 10, 6, 30, tzinfo=UTC)
    assert local_hour_start(at=at, zone=zone("Europe/Berlin")) == datetime(2026, 1, 10, 6, 0, tzinfo=UTC)


def test_the_same_tick_twice_writes_nothing_twice(alice_home):
    alice, devices = alice_home

    first, second = _tick(alice), _tick(alice)

    assert (first.written, second.written, second.skipped) == (1, 0, 1)
    with schema_context(alice.household.schema_name):
        assert Reading.objects.count() == len(devices)
        assert HouseholdHour.objects.get().ticks == 1


def test_an_hour_of_ticks_adds_up_and_marks_the_hour_covered(alice_home):
    alice, _ = alice_home

    for minute in range(60):
        _tick(alice, at=NOON_BERLIN + timedelta(minutes=minute))

    with schema_context(alice.household.schema_name):
        hour = HouseholdHour.objects.get()
        assert (hour.ticks, hour.covered_seconds) == (60, 3600)
        raw = [r.energy_wh for r in Reading.objects.all()]
        assert hour.produced_wh == pytest.approx(sum(e for e in raw if e > 0))
        assert hour.consumed_wh == pytest.approx(-sum(e for e in raw if e < 0))


def test_a_household_without_devices_still_records_its_tick(bob):
    report = _tick(bob)

    assert report.written == 1
    with schema_context(bob.household.schema_name):
        assert Tick.objects.filter(at=NOON_BERLIN).exists()
        assert not Reading.objects.exists()


def test_a_tick_that_fails_half_way_leaves_no_rows(alice_home, monkeypatch):
    alice, _ = alice_home
    monkeypatch.setattr(writes, "snapshots_sql", lambda *args: b"SELECT 1 / 0;")

    with pytest.raises(Exception, match="division by zero"):
        _tick(alice)

    with schema_context(alice.household.schema_name):
        assert not Tick.objects.exists()
        assert not Reading.objects.exists()
        assert not HouseholdHour.objects.exists()
        assert not DeviceHour.objects.exists()
        assert Device.objects.filter(last_reading_at__isnull=False).count() == 0


def test_a_broken_household_does_not_stop_the_rest_of_the_batch(alice_home, bob, monkeypatch):
    alice, devices = alice_home
    original = writes.rollups_sql

    def broken_for_bob(cursor, homes):
        if any(home.household_id == bob.household.pk for home in homes):
            return b"SELECT 1 / 0;"
        return original(cursor, homes)

    monkeypatch.setattr(writes, "rollups_sql", broken_for_bob)

    report = services.households_tick(
        households=[services.HouseholdRef.of(m.household) for m in (alice, bob)],
        at=NOON_BERLIN,
        seconds=60,
    )

    assert (report.written, report.failed) == (1, [bob.household.schema_name])
    with schema_context(alice.household.schema_name):
        assert Reading.objects.count() == len(devices)
    with schema_context(bob.household.schema_name):
        assert not Tick.objects.exists()
    assert connection.schema_name == "public"


def test_backfill_fills_every_instant_once_and_is_idempotent(alice_home):
    alice, devices = alice_home
    ref = services.HouseholdRef.of(alice.household)
    start = datetime(2026, 6, 20, 22, 0, tzinfo=UTC)
    end = start + timedelta(hours=3)

    first = services.household_backfill(household=ref, start=start, end=end, seconds=300)
    again = services.household_backfill(household=ref, start=start, end=end, seconds=300)

    assert (first, again) == (36, 0)
    with schema_context(alice.household.schema_name):
        assert Reading.objects.count() == 36 * len(devices)
        assert sum(h.covered_seconds for h in HouseholdHour.objects.all()) == 3 * 3600


def test_a_batch_of_households_writes_with_a_fixed_number_of_inserts(alice_home, bob):
    alice, devices = alice_home
    with schema_context(bob.household.schema_name):
        typical_home_devices()
    households = [services.HouseholdRef.of(m.household) for m in (alice, bob)]
    partitions.partitions_ensure([NOON_BERLIN.date()])

    with CaptureQueriesContext(connection) as queries:
        report = services.households_tick(households=households, at=NOON_BERLIN, seconds=60)

    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "SET "))]
    assert report.written == 2
    # The partition check, the claims, the database's oid (the shared device cache's keys: neither
    # household is there), the devices of the households not cached yet (both, in one statement),
    # their tariffs (one statement), the readings' COPY, the rest (test_live_state: a warm tick
    # skips the devices).
    expected = ["SELECT", "WITH", "SELECT", "SELECT", "SELECT", "COPY", "INSERT"]
    assert [s.split()[0] for s in statements] == expected
    assert statements[3].count("devices_device") == 2
    assert "tariffs_tariff" in statements[4]
    assert statements[6].count("INSERT INTO") == 4  # rollup tables, live state, snapshots, whatever the batch
    assert "devices_device" not in statements[6]
    for member in (alice, bob):
        with schema_context(member.household.schema_name):
            assert Reading.objects.filter(at=NOON_BERLIN).count() == len(devices)


def _an_away_instant(seed: str, device_id: int, tz_name: str) -> datetime:
    """A weekday hour when the household's car is out all hour (found through the physics' own trips)."""
    day = datetime(2026, 6, 22, 12, 0, tzinfo=zone(tz_name))
    while True:
        away = appliances.trips(seed, device_id, day.toordinal()).away.values
        for hour in range(9, 16):
            if min(away[hour * 12 : hour * 12 + 13]) >= 1.0:
                return day.replace(hour=hour).astimezone(UTC)
        day += timedelta(days=1)


def test_the_tick_records_a_car_away_and_where_the_home_is(alice_home):
    alice, _ = alice_home
    with schema_context(alice.household.schema_name):
        car = Device.objects.get(kind="electric_vehicle")
        Device.objects.filter(pk=car.pk).update(mode="charging", charge_wh=10_000)
    away = _an_away_instant(alice.household.schema_name, car.pk, alice.household.timezone)

    _tick(alice, at=away)

    with schema_context(alice.household.schema_name):
        car = live_device(pk=car.pk)
        assert (car.plugged_in, car.power_w) == (False, 0.0)
        assert car.charge_wh < 10_000  # it is driving
        panel = live_device(name="Roof").power_w
    # The same home moved to the other side of the world sees night at that instant. A fresh instance,
    # so the shared fixture's household keeps its place for the tests that follow.
    with schema_context("public"):
        households = type(alice.household).objects.filter(pk=alice.household.pk)
        households.update(latitude=-33.87, longitude=151.21)
        moved = households.get()
    services.households_tick(
        households=[services.HouseholdRef.of(moved)], at=away + timedelta(minutes=1), seconds=60
    )
    with schema_context(alice.household.schema_name):
        assert panel > 0 and live_device(name="Roof").power_w == 0.0
