"""setChargeTarget and the SMART / OPTIMIZED modes: field errors, nothing written on error."""

import pytest

from devices.models import DeviceKind
from tests.devices.conftest import device_rows, global_id, make_device

SET_CHARGE_TARGET = """
mutation SetChargeTarget($id: ID!, $percent: Float!, $readyBy: String!) {
  setChargeTarget(id: $id, percent: $percent, readyBy: $readyBy) {
    device { id ... on ElectricVehicle { mode chargeTarget { percent readyBy } } }
    errors { field message code }
  }
}
"""
SET_DEVICE_MODE = """
mutation SetDeviceMode($id: ID!, $mode: StorageMode!) {
  setDeviceMode(id: $id, mode: $mode) {
    device { id ... on Battery { mode } ... on ElectricVehicle { evMode: mode } }
    errors { field message code }
  }
}
"""


def _target(api, member, device, percent, ready_by):
    variables = {"id": global_id(device), "percent": percent, "readyBy": ready_by}
    return api.data(SET_CHARGE_TARGET, variables, member.token)["setChargeTarget"]


def _mode(api, member, device, mode):
    return api.data(SET_DEVICE_MODE, {"id": global_id(device), "mode": mode}, member.token)["setDeviceMode"]


def test_a_target_is_set_and_shown(api, alice):
    car = make_device(alice, DeviceKind.ELECTRIC_VEHICLE)

    payload = _target(api, alice, car, 80.0, "07:30")

    assert payload["errors"] == []
    assert payload["device"]["chargeTarget"] == {"percent": 80.0, "readyBy": "07:30"}
    row = device_rows(alice)[0]
    assert row["charge_target_percent"] == 80.0 and row["ready_by"].strftime("%H:%M") == "07:30"


@pytest.mark.parametrize(
    ("percent", "ready_by", "field", "code"),
    [
        (-1.0, "07:00", "percent", "out_of_range"),
        (100.5, "07:00", "percent", "out_of_range"),
        (80.0, "7:00", "readyBy", "invalid"),
        (80.0, "24:00", "readyBy", "invalid"),
        (80.0, "07:60", "readyBy", "invalid"),
        (80.0, "07:00:00", "readyBy", "invalid"),
        (80.0, "tomorrow", "readyBy", "invalid"),
    ],
)
def test_bad_targets_name_the_field_and_write_nothing(api, alice, percent, ready_by, field, code):
    car = make_device(alice, DeviceKind.ELECTRIC_VEHICLE)
    before = device_rows(alice)

    payload = _target(api, alice, car, percent, ready_by)

    assert payload["device"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert device_rows(alice) == before


def test_only_electric_vehicles_have_a_target(api, alice):
    battery = make_device(alice, DeviceKind.BATTERY)
    before = device_rows(alice)

    payload = _target(api, alice, battery, 80.0, "07:00")

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("id", "kind_mismatch")]
    assert device_rows(alice) == before


def test_smart_needs_a_target_first(api, alice):
    car = make_device(alice, DeviceKind.ELECTRIC_VEHICLE)
    before = device_rows(alice)

    refused = _mode(api, alice, car, "SMART")
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("mode", "target_required")]
    assert device_rows(alice) == before

    _target(api, alice, car, 80.0, "07:00")
    accepted = _mode(api, alice, car, "SMART")
    assert accepted["errors"] == [] and accepted["device"]["evMode"] == "SMART"
    assert device_rows(alice)[0]["mode"] == "smart"


def test_optimized_is_for_batteries_and_smart_for_evs(api, alice):
    battery = make_device(alice, DeviceKind.BATTERY)
    car = make_device(alice, DeviceKind.ELECTRIC_VEHICLE, charge_target_percent=80.0, ready_by="07:00")
    before = device_rows(alice)

    assert [e["code"] for e in _mode(api, alice, car, "OPTIMIZED")["errors"]] == ["invalid_mode"]
    assert [e["code"] for e in _mode(api, alice, battery, "SMART")["errors"]] == ["invalid_mode"]
    assert device_rows(alice) == before
    assert _mode(api, alice, battery, "OPTIMIZED")["device"]["mode"] == "OPTIMIZED"


def test_registering_a_smart_ev_without_a_target_is_refused(api, alice):
    register = """
    mutation { registerDevice(input: {name: "Car", electricVehicle: {batteryCapacityWh: 60000,
      maxChargeRateW: 7400, maxDischargeRateW: 0.1, mode: SMART}}) {
      device { id } errors { field code } } }
    """
    payload = api.data(register, None, alice.token)["registerDevice"]
    assert payload == {
        "device": None,
        "errors": [{"field": "electricVehicle.mode", "code": "target_required"}],
    }
    assert device_rows(alice) == []


def test_another_households_ev_is_not_found(api, alice, bob):
    car = make_device(bob, DeviceKind.ELECTRIC_VEHICLE)
    before = device_rows(bob)

    payload = _target(api, alice, car, 80.0, "07:00")

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("id", "not_found")]
    assert device_rows(bob) == before
