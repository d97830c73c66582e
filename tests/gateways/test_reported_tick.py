"""A REPORTED device is never simulated: its minutes come from its samples, late ones included."""

from datetime import timedelta

import pytest
from django_tenants.utils import schema_context

from devices.models import DeviceKind
from telemetry import services
from telemetry.models import DeviceHour, HouseholdHour, HouseholdSnapshot, Reading
from tests.gateways.conftest import key_for, past_instant, reading, reported

DEVICE_QUERY = """query { devices { name source powerW stale lastReportedAt } }"""


def _tick(member, at):
    household = services.HouseholdRef.of(member.household)
    return services.households_tick(households=[household], at=at, seconds=60)


def _power(member, device, at) -> float:
    with schema_context(member.household.schema_name):
        return Reading.objects.get(device_id=device.pk, at=at).power_w


def test_without_samples_a_reported_device_is_stale_at_0_w_never_simulated(alice, gql):
    solar = reported(alice, rated_capacity_w=8000.0)
    at = past_instant(30)

    _tick(alice, at)

    assert _power(alice, solar, at) == 0.0
    [device] = gql.execute(DEVICE_QUERY, token=alice.token)["data"]["devices"]
    expected = {"name": "Roof", "source": "REPORTED", "powerW": 0.0, "stale": True, "lastReportedAt": None}
    assert device == expected


def test_a_minute_is_the_mean_of_its_samples_else_the_last_within_five_minutes(alice, ingest):
    solar = reported(alice)
    battery = reported(alice, DeviceKind.BATTERY, capacity_wh=10000.0, charge_wh=5000.0)
    at = past_instant(30)
    key = key_for(alice)
    ingest.post(
        key,
        {
            "readings": [
                reading(solar, at - timedelta(seconds=50), 500.0),
                reading(solar, at + timedelta(seconds=10), 1000.0),
                reading(solar, at + timedelta(seconds=50), 2000.0),
                reading(battery, at + timedelta(seconds=5), -1500.0, chargeWh=6400.0),
            ]
        },
    )
    for minute in range(1, 7):
        _tick(alice, at + timedelta(minutes=minute))

    assert _power(alice, solar, at) == pytest.approx(1500.0)
    assert _power(alice, solar, at - timedelta(minutes=1)) == pytest.approx(500.0)
    assert _power(alice, solar, at + timedelta(minutes=5)) == pytest.approx(2000.0)  # 4 min 10 s after
    assert _power(alice, solar, at + timedelta(minutes=6)) == 0.0  # more than 5 minutes: stale
    with schema_context(alice.household.schema_name):
        stored = Reading.objects.get(device_id=battery.pk, at=at)
        assert (stored.power_w, stored.charge_wh) == (-1500.0, 6400.0)  # the gateway's charge is the state


def test_a_late_sample_corrects_its_minute_the_rollups_and_the_snapshot(alice, ingest):
    solar = reported(alice)
    fridge = reported(alice, DeviceKind.APPLIANCE)
    at = past_instant(20)
    _tick(alice, at)
    with schema_context(alice.household.schema_name):
        before = HouseholdHour.objects.get()
    assert before.produced_wh == 0.0 and before.ticks == 1

    ingest.post(
        key_for(alice),
        {"readings": [reading(solar, at + timedelta(seconds=30), 3000.0), reading(fridge, at, -600.0)]},
    )

    with schema_context(alice.household.schema_name):
        hour = HouseholdHour.objects.get()
        assert (hour.ticks, hour.covered_seconds) == (1, 60)
        assert hour.produced_wh == pytest.approx(50.0)
        assert hour.consumed_wh == pytest.approx(10.0)
        assert hour.exported_wh == pytest.approx(40.0)
        assert hour.solar_to_home_wh == pytest.approx(10.0) and hour.solar_to_grid_wh == pytest.approx(40.0)
        assert DeviceHour.objects.get(device_id=solar.pk).produced_wh == pytest.approx(50.0)
    snapshot = HouseholdSnapshot.objects.get(household=alice.household)
    assert (snapshot.at, snapshot.produced_w, snapshot.net_w) == (at, 3000.0, 2400.0)
