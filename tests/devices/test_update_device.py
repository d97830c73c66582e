"""updateDevice: only the given fields change, within the device's own kind; bad input changes nothing."""

import pytest

from devices.models import DeviceKind
from tests.devices.conftest import device_rows, global_id, make_device

UPDATE_DEVICE = """
mutation UpdateDevice($id: ID!, $input: UpdateDeviceInput!) {
  updateDevice(id: $id, input: $input) {
    device {
      id name kind
      ... on SolarPanel { ratedCapacityW }
      ... on Battery { capacityWh maxChargeRateW maxDischargeRateW chargeWh chargePercent mode }
      ... on ElectricVehicle {
        batteryCapacityWh maxChargeRateW maxDischargeRateW chargeWh chargePercent evMode: mode
      }
      ... on Appliance { averagePowerW category isOn }
    }
    errors { field message code }
  }
}
"""


def _update(api, member, device, data):
    variables = {"id": global_id(device), "input": data}
    return api.data(UPDATE_DEVICE, variables, member.token)["updateDevice"]


def test_name_alone_is_renamed(api, alice):
    # given
    device = make_device(alice, DeviceKind.SOLAR_PANEL)

    # when
    payload = _update(api, alice, device, {"name": " South roof "})

    # then
    assert payload["errors"] == []
    assert payload["device"] == {
        "id": global_id(device),
        "name": "South roof",
        "kind": "SOLAR_PANEL",
        "ratedCapacityW": 5000,
    }


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        (DeviceKind.SOLAR_PANEL, {"solarPanel": {"ratedCapacityW": 6400}}, {"ratedCapacityW": 6400}),
        (
            DeviceKind.BATTERY,
            {"battery": {"maxChargeRateW": 3300, "chargePercent": 10, "mode": "CHARGING"}},
            {
                "capacityWh": 13500,
                "maxChargeRateW": 3300,
                "maxDischargeRateW": 7000,
                "chargeWh": 1350,
                "chargePercent": 10,
                "mode": "CHARGING",
            },
        ),
        (
            DeviceKind.ELECTRIC_VEHICLE,
            {"electricVehicle": {"batteryCapacityWh": 75000, "mode": "DISCHARGING"}},
            {
                "batteryCapacityWh": 75000,
                "maxChargeRateW": 7400,
                "maxDischargeRateW": 5000,
                "chargeWh": 30000,
                "chargePercent": 40,
                "evMode": "DISCHARGING",
            },
        ),
        (
            DeviceKind.APPLIANCE,
            {"appliance": {"category": "AIR_CONDITIONER"}},
            {"averagePowerW": 150, "category": "air_conditioner", "isOn": False},
        ),
        (
            DeviceKind.APPLIANCE,
            {"appliance": {"averagePowerW": 90}},
            {"averagePowerW": 90, "category": "fridge", "isOn": False},
        ),
    ],
    ids=["solar", "battery", "ev", "appliance-category", "appliance-draw"],
)
def test_kind_fields_change_and_the_rest_stays(api, alice, kind, data, expected):
    # given
    device = make_device(alice, kind)

    # when
    payload = _update(api, alice, device, data)

    # then
    assert payload["errors"] == []
    assert {key: payload["device"][key] for key in expected} == expected
    assert payload["device"]["name"] == device.name


def test_empty_input_changes_nothing(api, alice):
    device = make_device(alice, DeviceKind.BATTERY)
    before = device_rows(alice)

    payload = _update(api, alice, device, {"name": None, "battery": {}})

    assert payload["errors"] == []
    assert device_rows(alice) == before


@pytest.mark.parametrize(
    ("kind", "data", "field", "code"),
    [
        (DeviceKind.SOLAR_PANEL, {"battery": {"capacityWh": 1000}}, "battery", "kind_mismatch"),
        (DeviceKind.SOLAR_PANEL, {"appliance": {}}, "appliance", "kind_mismatch"),
        (DeviceKind.BATTERY, {"electricVehicle": {"mode": "IDLE"}}, "electricVehicle", "kind_mismatch"),
        (
            DeviceKind.BATTERY,
            {"battery": {"capacityWh": 1000}, "solarPanel": {"ratedCapacityW": 1}},
            "solarPanel",
            "kind_mismatch",
        ),
        (DeviceKind.APPLIANCE, {"solarPanel": {"ratedCapacityW": 1}}, "solarPanel", "kind_mismatch"),
        (DeviceKind.SOLAR_PANEL, {"name": ""}, "name", "blank"),
        (DeviceKind.SOLAR_PANEL, {"name": "y" * 200}, "name", "max_length"),
        (
            DeviceKind.SOLAR_PANEL,
            {"solarPanel": {"ratedCapacityW": 0}},
            "solarPanel.ratedCapacityW",
            "out_of_range",
        ),
        (DeviceKind.BATTERY, {"battery": {"chargePercent": 101}}, "battery.chargePercent", "out_of_range"),
        (
            DeviceKind.BATTERY,
            {"battery": {"maxDischargeRateW": -5}},
            "battery.maxDischargeRateW",
            "out_of_range",
        ),
        (
            DeviceKind.ELECTRIC_VEHICLE,
            {"electricVehicle": {"batteryCapacityWh": 1e9}},
            "electricVehicle.batteryCapacityWh",
            "out_of_range",
        ),
        (
            DeviceKind.APPLIANCE,
            {"appliance": {"category": "spaceship"}},
            "appliance.category",
            "invalid_choice",
        ),
        (
            DeviceKind.APPLIANCE,
            {"appliance": {"averagePowerW": 0}},
            "appliance.averagePowerW",
            "out_of_range",
        ),
    ],
)
def test_invalid_update_is_a_payload_error_and_changes_nothing(api, alice, kind, data, field, code):
    # given
    device = make_device(alice, kind)
    before = device_rows(alice)

    # when
    payload = _update(api, alice, device, {"name": "Renamed", **data})

    # then
    assert payload["device"] is None
    assert (field, code) in [(error["field"], error["code"]) for error in payload["errors"]]
    assert device_rows(alice) == before


def test_infinite_literal_is_refused_and_changes_nothing(api, alice):
    device = make_device(alice, DeviceKind.SOLAR_PANEL)
    before = device_rows(alice)
    query = """
    mutation Infinite($id: ID!) {
      updateDevice(id: $id, input: {solarPanel: {ratedCapacityW: 1e400}}) {
        device { id }
        errors { field code }
      }
    }
    """

    payload = api.data(query, {"id": global_id(device)}, alice.token)["updateDevice"]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("solarPanel.ratedCapacityW", "not_finite")
    ]
    assert device_rows(alice) == before


@pytest.mark.parametrize("device_id", ["RGV2aWNlOjEyMw==", "not base64 at all", "", "VXNlcjox"])
def test_unknown_or_malformed_id_is_not_found(api, alice, device_id):
    make_device(alice)
    before = device_rows(alice)

    payload = api.data(UPDATE_DEVICE, {"id": device_id, "input": {"name": "X"}}, alice.token)["updateDevice"]

    assert payload == {
        "device": None,
        "errors": [{"field": "id", "message": "No such device.", "code": "not_found"}],
    }
    assert device_rows(alice) == before
