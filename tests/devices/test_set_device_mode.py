"""setDeviceMode: batteries take every mode, EVs all but AUTO, other kinds none."""

import pytest

from devices.models import DeviceKind
from tests.devices.conftest import device_rows, global_id, make_device

SET_DEVICE_MODE = """
mutation SetDeviceMode($id: ID!, $mode: StorageMode!) {
  setDeviceMode(id: $id, mode: $mode) {
    device {
      id kind
      ... on Battery { mode }
      ... on ElectricVehicle { evMode: mode }
    }
    errors { field message code }
  }
}
"""


def _set_mode(api, member, device, mode):
    variables = {"id": global_id(device), "mode": mode}
    return api.data(SET_DEVICE_MODE, variables, member.token)["setDeviceMode"]


@pytest.mark.parametrize("mode", ["AUTO", "CHARGING", "DISCHARGING", "IDLE"])
def test_battery_takes_every_mode(api, alice, mode):
    # given
    device = make_device(alice, DeviceKind.BATTERY, mode="idle" if mode != "IDLE" else "auto")

    # when
    payload = _set_mode(api, alice, device, mode)

    # then
    assert payload == {"device": {"id": global_id(device), "kind": "BATTERY", "mode": mode}, "errors": []}
    assert device_rows(alice)[0]["mode"] == mode.lower()


@pytest.mark.parametrize("mode", ["CHARGING", "DISCHARGING", "IDLE"])
def test_electric_vehicle_takes_its_three_modes(api, alice, mode):
    device = make_device(
        alice, DeviceKind.ELECTRIC_VEHICLE, mode="charging" if mode != "CHARGING" else "idle"
    )

    payload = _set_mode(api, alice, device, mode)

    assert payload["errors"] == []
    assert payload["device"]["evMode"] == mode
    assert device_rows(alice)[0]["mode"] == mode.lower()


def test_electric_vehicle_refuses_auto(api, alice):
    # given
    device = make_device(alice, DeviceKind.ELECTRIC_VEHICLE)
    before = device_rows(alice)

    # when
    payload = _set_mode(api, alice, device, "AUTO")

    # then
    assert payload["device"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("mode", "invalid_mode")]
    assert device_rows(alice) == before


@pytest.mark.parametrize("kind", [DeviceKind.SOLAR_PANEL, DeviceKind.APPLIANCE])
def test_devices_without_storage_have_no_mode(api, alice, kind):
    device = make_device(alice, kind)
    before = device_rows(alice)

    payload = _set_mode(api, alice, device, "CHARGING")

    assert payload["device"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("id", "kind_mismatch")]
    assert device_rows(alice) == before


def test_unknown_mode_is_a_graphql_error(api, alice):
    device = make_device(alice, DeviceKind.BATTERY)
    before = device_rows(alice)

    status, body = api.post(SET_DEVICE_MODE, {"id": global_id(device), "mode": "TURBO"}, alice.token)

    assert status == 400 and body["errors"]
    assert device_rows(alice) == before


def test_unknown_id_is_not_found(api, alice):
    payload = api.data(SET_DEVICE_MODE, {"id": "RGV2aWNlOnh5eg==", "mode": "IDLE"}, alice.token)[
        "setDeviceMode"
    ]

    assert payload == {
        "device": None,
        "errors": [{"field": "id", "message": "No such device.", "code": "not_found"}],
    }
