"""The devices' live state: the tick keeps it in a shared table, reads no household schema once its
device cache is warm, and the owner's changes through the API reach the very next tick."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from model_bakery import baker

from devices.models import Device, DeviceKind
from devices.services import device_set_mode, device_update
from households.models import Household
from households.services import household_sign_up
from telemetry import partitions, selectors, services
from telemetry.models import DeviceLiveState, Reading
from tests.conftest import PASSWORD
from tests.devices.conftest import global_id
from tests.telemetry.homes import typical_home_devices

NOON = datetime(2026, 6, 21, 10, 0, tzinfo=UTC)
DEVICES = """
{ devices { id name powerW lastReadingAt
    ... on Battery { chargeWh chargePercent capacityWh mode }
    ... on ElectricVehicle { chargeWh pluggedIn }
    ... on Appliance { isOn } } }
"""
UPDATE = """
mutation Update($id: ID!, $input: UpdateDeviceInput!) {
  updateDevice(id: $id, input: $input) {
    device { ... on Battery { chargeWh chargePercent capacityWh } } errors { field code }
  }
}
"""
SET_MODE = """
mutation SetMode($id: ID!, $mode: StorageMode!) {
  setDeviceMode(id: $id, mode: $mode) { errors { field code } }
}
"""
REGISTER = """
mutation Register($input: RegisterDeviceInput!) {
  registerDevice(input: $input) { device { id } errors { field code } }
}
"""
REMOVE = "mutation Remove($id: ID!) { removeDevice(id: $id) { removed } }"


def _homes(count: int) -> list[services.HouseholdRef]:
    refs = []
    for index in range(count):
        household = household_sign_up(
            email=f"home{index}@example.com",
            password=PASSWORD,
            household_name=f"Home {index}",
            timezone="UTC",
        ).household
        with schema_context(household.schema_name):
            typical_home_devices()
        refs.append(services.HouseholdRef.of(household))
    return refs


def _tick(refs, at):
    report = services.households_tick(households=refs, at=at, seconds=60)
    assert (report.written, report.failed) == (len(refs), [])


def _sent(refs, at) -> list[str]:
    """The SQL one batch tick sends (COPY included), without savepoints and schema switches."""
    with CaptureQueriesContext(connection) as queries:
        _tick(refs, at)
    return [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "SET "))]


def _readings(member, at) -> dict[int, Reading]:
    with schema_context(member.household.schema_name):
        return {r.device_id: r for r in Reading.objects.filter(at=at)}


def _devices(gql, member) -> dict[str, dict]:
    return {d["name"]: d for d in gql.execute(DEVICES, token=member.token)["data"]["devices"]}


def test_a_warm_tick_reads_no_household_schema_and_costs_the_same_for_2_or_6_homes(db):
    homes = _homes(6)
    partitions.partitions_ensure([NOON.date()])
    _tick(homes, NOON)  # a cold cache: the devices are read from their schemas once

    two = _sent(homes[:2], NOON + timedelta(minutes=1))
    six = _sent(homes, NOON + timedelta(minutes=2))

    # The claim (WITH), the batch's tariffs (one SELECT, however many homes), the COPY, the rest.
    expected = ["SELECT", "WITH", "SELECT", "COPY", "INSERT"]
    assert [s.split()[0] for s in two] == [s.split()[0] for s in six] == expected
    assert all(s.count("INSERT INTO") == 4 for s in (two[-1], six[-1]))  # rollups, live state, snapshot
    sent = "".join(six)
    assert "devices_device" not in sent
    assert not any(home.schema_name in sent for home in homes)


def test_a_cold_cache_reads_only_the_stale_homes_in_one_statement(db):
    homes = _homes(3)
    partitions.partitions_ensure([NOON.date()])
    _tick(homes, NOON)
    with schema_context(homes[1].schema_name):
        Device.objects.filter(kind=DeviceKind.BATTERY).update(name="Renamed")  # any write renews the version

    sent = "".join(_sent(homes, NOON + timedelta(minutes=1)))

    assert sent.count("devices_device") == 1
    assert homes[1].schema_name in sent
    assert homes[0].schema_name not in sent and homes[2].schema_name not in sent


def test_a_process_meeting_homes_first_takes_them_from_the_workers_shared_cache(db):
    homes = _homes(3)
    partitions.partitions_ensure([NOON.date()])
    _tick(homes, NOON)  # one worker process reads the schemas and shares what it read
    services.device_cache_clear()  # another process, which has not met these homes

    sent = "".join(_sent(homes, NOON + timedelta(minutes=1)))

    assert "devices_device" not in sent
    assert not any(home.schema_name in sent for home in homes)
    for home in homes:
        with schema_context(home.schema_name):
            readings = Reading.objects.filter(at=NOON + timedelta(minutes=1)).count()
            assert readings == Device.objects.count() > 0


def test_an_unreachable_shared_cache_costs_only_a_schema_read(db, settings, caplog):
    devices = settings.CACHES["devices"]
    settings.CACHES = {**settings.CACHES, "devices": {**devices, "LOCATION": "redis://127.0.0.1:1/0"}}
    homes = _homes(1)
    partitions.partitions_ensure([NOON.date()])
    _tick(homes, NOON)
    services.device_cache_clear()

    sent = "".join(_sent(homes, NOON + timedelta(minutes=1)))

    assert sent.count("devices_device") == 1
    assert "shared device cache is unreachable" in caplog.text
    with schema_context(homes[0].schema_name):
        assert Reading.objects.filter(at=NOON + timedelta(minutes=1)).count() == Device.objects.count() > 0


def test_the_api_shows_the_last_ticks_outcome_and_a_late_older_tick_does_not_move_it(gql, alice):
    ref = services.HouseholdRef.of(alice.household)
    with schema_context(alice.household.schema_name):
        devices = {d.pk: d.name for d in typical_home_devices()}
    _tick([ref], NOON)
    _tick([ref], NOON + timedelta(minutes=2))
    shown = _devices(gql, alice)

    _tick([ref], NOON + timedelta(minutes=1))  # written late

    readings = _readings(alice, NOON + timedelta(minutes=2))
    for device_id, name in devices.items():
        reading = readings[device_id]
        assert shown[name]["powerW"] == pytest.approx(reading.power_w, abs=0.05), name
        assert shown[name]["lastReadingAt"] == "2026-06-21T10:02:00+00:00"
        if reading.charge_wh is not None:
            assert shown[name]["chargeWh"] == pytest.approx(reading.charge_wh, abs=0.05), name
        if reading.is_on is not None:
            assert shown[name]["isOn"] is reading.is_on
    assert _devices(gql, alice) == shown


def test_only_stores_keep_a_live_state_row_and_a_device_added_since_shows_its_own_state(gql, alice):
    ref = services.HouseholdRef.of(alice.household)
    with schema_context(alice.household.schema_name):
        devices = typical_home_devices()
    _tick([ref], NOON)
    with schema_context(alice.household.schema_name):
        stores = {d.pk for d in devices if d.kind in (DeviceKind.BATTERY, DeviceKind.ELECTRIC_VEHICLE)}
        assert set(DeviceLiveState.objects.values_list("device_id", flat=True)) == stores
        baker.make(Device, name="New roof", kind=DeviceKind.SOLAR_PANEL, rated_capacity_w=3000, power_w=1234)

    shown = _devices(gql, alice)

    assert (shown["New roof"]["powerW"], shown["New roof"]["lastReadingAt"]) == (1234.0, None)
    assert shown["Roof"]["lastReadingAt"] == "2026-06-21T10:00:00+00:00"


def test_owner_changes_between_two_ticks_reach_the_second(gql, alice):
    ref = services.HouseholdRef.of(alice.household)
    with schema_context(alice.household.schema_name):
        typical_home_devices()
        battery, fridge = (
            Device.objects.get(name="Powerwall"),
            Device.objects.filter(kind="appliance").first(),
        )
    _tick([ref], NOON)
    version = Household.objects.get(pk=alice.household.pk).devices_version
    # Warm: the next tick reads no schema.
    assert services.device_cache_get(alice.household.pk, version) is not None

    set_mode = gql.execute(SET_MODE, {"id": global_id(battery), "mode": "IDLE"}, alice.token)
    set_charge = gql.execute(
        UPDATE, {"id": global_id(battery), "input": {"battery": {"chargePercent": 10}}}, alice.token
    )
    registered = gql.execute(
        REGISTER,
        {"input": {"name": "Shed roof", "solarPanel": {"ratedCapacityW": 2000}}},
        alice.token,
    )["data"]["registerDevice"]
    assert gql.execute(REMOVE, {"id": global_id(fridge)}, alice.token)["data"]["removeDevice"]["removed"]
    assert set_mode["data"]["setDeviceMode"]["errors"] == set_charge["data"]["updateDevice"]["errors"] == []
    assert registered["errors"] == []
    assert (
        set_charge["data"]["updateDevice"]["device"]["chargeWh"] == 1350.0
    )  # the owner's write shows at once
    assert Household.objects.get(pk=alice.household.pk).devices_version != version

    at = NOON + timedelta(minutes=1)
    _tick([ref], at)

    readings = _readings(alice, at)
    assert (readings[battery.pk].mode, readings[battery.pk].charge_wh) == ("idle", 1350.0)
    assert fridge.pk not in readings
    with schema_context(alice.household.schema_name):
        assert Device.objects.get(name="Shed roof").pk in readings
    assert _devices(gql, alice)["Powerwall"]["chargeWh"] == 1350.0

    # The tick's state wins from now on: the charge carries on from it, not from the owner's write.
    gql.execute(SET_MODE, {"id": global_id(battery), "mode": "CHARGING"}, alice.token)
    _tick([ref], at + timedelta(minutes=1))
    _tick([ref], at + timedelta(minutes=2))
    charges = [_readings(alice, at + timedelta(minutes=m))[battery.pk].charge_wh for m in (1, 2)]
    assert 1350.0 < charges[0] < charges[1]


def test_a_capacity_lowered_below_the_live_charge_cuts_it(gql, alice):
    ref = services.HouseholdRef.of(alice.household)
    with schema_context(alice.household.schema_name):
        typical_home_devices()
        battery = Device.objects.get(name="Powerwall")
    gql.execute(SET_MODE, {"id": global_id(battery), "mode": "CHARGING"}, alice.token)
    _tick([ref], NOON)
    live_wh = _readings(alice, NOON)[battery.pk].charge_wh
    assert live_wh > 6750.0

    lowered = gql.execute(
        UPDATE, {"id": global_id(battery), "input": {"battery": {"capacityWh": 6000}}}, alice.token
    )["data"]["updateDevice"]

    assert lowered["errors"] == []
    assert (lowered["device"]["chargeWh"], lowered["device"]["chargePercent"]) == (6000.0, 100.0)
    gql.execute(SET_MODE, {"id": global_id(battery), "mode": "IDLE"}, alice.token)
    _tick([ref], NOON + timedelta(minutes=1))
    assert _readings(alice, NOON + timedelta(minutes=1))[battery.pk].charge_wh == 6000.0


def test_a_household_sees_only_its_own_live_state_though_device_ids_repeat(gql, alice, bob):
    for member in (alice, bob):
        with schema_context(member.household.schema_name):
            typical_home_devices()
    with schema_context(bob.household.schema_name):
        Device.objects.filter(kind=DeviceKind.SOLAR_PANEL).update(rated_capacity_w=1000)
    _tick([services.HouseholdRef.of(m.household) for m in (alice, bob)], NOON)

    for member in (alice, bob):
        readings = _readings(member, NOON)
        with schema_context(member.household.schema_name):
            roof = Device.objects.get(name="Roof")
        assert _devices(gql, member)["Roof"]["powerW"] == pytest.approx(readings[roof.pk].power_w, abs=0.05)
    alice_roof, bob_roof = (_devices(gql, m)["Roof"]["powerW"] for m in (alice, bob))
    assert alice_roof > bob_roof > 0


def test_an_owner_charge_written_during_a_tick_in_flight_wins_over_that_ticks_state(alice):
    ref = services.HouseholdRef.of(alice.household)
    with schema_context(alice.household.schema_name):
        typical_home_devices()
        battery = Device.objects.get(name="Powerwall")
        device_set_mode(uid=battery.uid, mode="idle")
    _tick([ref], NOON)
    in_flight = NOON + timedelta(minutes=1)

    # A tick reads the live state, the owner sets the charge and commits, then the tick writes.
    with connection.cursor() as cursor:
        claimed = services._claim_and_load(cursor, [ref], [in_flight], 60)
        with schema_context(alice.household.schema_name):
            device_update(uid=battery.uid, battery={"charge_percent": 10})
        services._store(cursor, [services._simulated(ref, claimed[ref.id], 60)])
    assert _readings(alice, in_flight)[battery.pk].charge_wh == 6750.0  # the tick's own, older view

    _tick([ref], NOON + timedelta(minutes=2))

    assert _readings(alice, NOON + timedelta(minutes=2))[battery.pk].charge_wh == 1350.0


def test_reading_the_live_state_leaves_the_devices_given_as_they_were(db):
    (home,) = _homes(1)
    partitions.partitions_ensure([NOON.date()])
    _tick([home], NOON)

    with schema_context(home.schema_name):
        devices = list(Device.objects.order_by("pk"))
        own = [(d.power_w, d.charge_wh, d.last_reading_at) for d in devices]
        live = selectors.devices_with_live_state(devices)

        assert [(d.power_w, d.charge_wh, d.last_reading_at) for d in devices] == own
        assert [d.pk for d in live] == [d.pk for d in devices]
        assert all(d.last_reading_at == NOON for d in live)
        assert any(d.power_w != 0.0 for d in live)
