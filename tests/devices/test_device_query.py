"""device(id:): one of the household's devices; any other id, however malformed, gives null."""

import base64
import uuid

import pytest

from devices.models import DeviceKind
from tests.devices.conftest import global_id, make_device

DEVICE = """
query Device($id: ID!) {
  device(id: $id) { id name kind ... on Battery { capacityWh chargeWh mode } }
}
"""


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_own_device_is_found_by_its_opaque_id(api, alice):
    # given
    device = make_device(alice, DeviceKind.BATTERY)

    # when
    found = api.data(DEVICE, {"id": global_id(device)}, alice.token)["device"]

    # then
    assert found == {
        "id": global_id(device),
        "name": "Powerwall",
        "kind": "BATTERY",
        "capacityWh": 13500,
        "chargeWh": 6750,
        "mode": "AUTO",
    }


@pytest.mark.parametrize(
    "device_id",
    [
        _b64(f"Device:{uuid.uuid4()}"),
        _b64("Device:1"),
        _b64("Device:"),
        _b64("User:1"),
        "RGV2aWNl",
        "not-base64!",
        "",
        "\u00e9\u00e9",
        "x" * 10_000,
    ],
    ids=[
        "unknown-uid",
        "serial-id",
        "empty-uid",
        "other-type",
        "no-colon",
        "junk",
        "empty",
        "non-ascii",
        "long",
    ],
)
def test_any_other_id_gives_null(api, alice, device_id):
    make_device(alice)

    assert api.data(DEVICE, {"id": device_id}, alice.token) == {"device": None}


def test_the_uid_of_another_type_name_is_not_a_device(api, alice):
    device = make_device(alice)

    assert api.data(DEVICE, {"id": _b64(f"Battery:{device.uid}")}, alice.token) == {"device": None}
