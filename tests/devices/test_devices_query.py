"""devices(kind:): the household's devices of every kind, in one query whatever their number."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devices import limits
from devices.models import ApplianceCategory, DeviceKind
from tests.devices.conftest import global_id, make_device

DEVICES = """
query Devices($kind: DeviceKind) {
  devices(kind: $kind) {
    id name kind createdAt powerW lastReadingAt
    ... on SolarPanel { ratedCapacityW }
    ... on Battery { capacityWh maxChargeRateW maxDischargeRateW chargeWh chargePercent mode }
    ... on ElectricVehicle {
      batteryCapacityWh maxChargeRateW maxDischargeRateW chargeWh chargePercent evMode: mode
    }
    ... on Appliance { averagePowerW category isOn }
  }
}
"""
APPLIANCE_CATEGORIES = "{ applianceCategories { category label defaultAveragePowerW } }"

KINDS = [DeviceKind.SOLAR_PANEL, DeviceKind.BATTERY, DeviceKind.ELECTRIC_VEHICLE, DeviceKind.APPLIANCE]
# Four reads (the token's user, its membership, the devices, their live state), each after
# django-tenants' SET search_path.
MAX_QUERIES = 8


@pytest.fixture
def mixed_devices(alice):
    return [make_device(alice, kind, name=f"{kind} {i}") for i in range(25) for kind in KINDS]


def test_every_kind_is_listed_with_its_fields_oldest_first(api, alice):
    # given
    solar = make_device(alice, DeviceKind.SOLAR_PANEL, power_w=3200.5)
    battery = make_device(alice, DeviceKind.BATTERY, power_w=-1500, mode="charging")
    ev = make_device(alice, DeviceKind.ELECTRIC_VEHICLE, power_w=2000, mode="discharging", charge_wh=45000)
    fridge = make_device(alice, DeviceKind.APPLIANCE, power_w=-150, is_on=True)

    # when
    devices = api.data(DEVICES, token=alice.token)["devices"]

    # then
    assert [d["id"] for d in devices] == [global_id(d) for d in (solar, battery, ev, fridge)]
    assert [d["powerW"] for d in devices] == [3200.5, -1500, 2000, -150]
    assert devices[0]["ratedCapacityW"] == 5000
    assert (devices[1]["mode"], devices[1]["chargePercent"]) == ("CHARGING", 50)
    assert (devices[2]["evMode"], devices[2]["chargeWh"], devices[2]["chargePercent"]) == (
        "DISCHARGING",
        45000,
        75,
    )
    assert (devices[3]["category"], devices[3]["isOn"], devices[3]["averagePowerW"]) == ("fridge", True, 150)


def test_last_reading_time_carries_its_offset(api, alice):
    make_device(alice, last_reading_at="2026-06-21T10:00:00Z")

    [device] = api.data(DEVICES, token=alice.token)["devices"]

    assert device["lastReadingAt"] == "2026-06-21T10:00:00+00:00"


@pytest.mark.parametrize("kind", ["SOLAR_PANEL", "BATTERY", "ELECTRIC_VEHICLE", "APPLIANCE"])
def test_kind_filters_the_list(api, alice, kind):
    for each in KINDS:
        make_device(alice, each)

    devices = api.data(DEVICES, {"kind": kind}, alice.token)["devices"]

    assert [d["kind"] for d in devices] == [kind]


def test_empty_household_lists_nothing(api, alice):
    assert api.data(DEVICES, token=alice.token) == {"devices": []}


def test_a_hundred_mixed_devices_take_a_constant_number_of_queries(
    api, alice, mixed_devices, django_assert_max_num_queries
):
    # when
    with django_assert_max_num_queries(MAX_QUERIES):
        devices = api.data(DEVICES, token=alice.token)["devices"]

    # then
    assert len(devices) == 100
    assert {d["kind"] for d in devices} == {"SOLAR_PANEL", "BATTERY", "ELECTRIC_VEHICLE", "APPLIANCE"}


def _queries_to_list(api, member) -> int:
    with CaptureQueriesContext(connection) as queries:
        api.data(DEVICES, token=member.token)
    return len(queries)


def test_one_device_takes_as_many_queries_as_a_hundred(api, alice):
    make_device(alice)
    one = _queries_to_list(api, alice)

    for kind in KINDS * 25:
        make_device(alice, kind)

    assert _queries_to_list(api, alice) == one


def test_appliance_categories_list_their_default_draws(api, alice):
    categories = api.data(APPLIANCE_CATEGORIES, token=alice.token)["applianceCategories"]

    assert [c["category"] for c in categories] == ApplianceCategory.values
    assert {c["category"]: c["defaultAveragePowerW"] for c in categories} == {
        str(category): watts for category, watts in limits.APPLIANCE_DEFAULT_POWER_W.items()
    }
    assert categories[0] == {
        "category": "air_conditioner",
        "label": "Air conditioner",
        "defaultAveragePowerW": 3000,
    }
