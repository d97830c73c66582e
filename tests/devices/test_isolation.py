"""Isolation seen from the attacker's side: another household's ids behave exactly like unknown ids."""

import base64
import uuid

import pytest

from devices.models import DeviceKind
from tests.devices.conftest import device_rows, global_id, make_device

DEVICE = "query Device($id: ID!) { device(id: $id) { id name } }"
DEVICES = "{ devices { id name } }"
APPLIANCE_CATEGORIES = "{ applianceCategories { category } }"
REGISTER_DEVICE = """
mutation Register($input: RegisterDeviceInput!) {
  registerDevice(input: $input) { device { id } errors { field message code } }
}
"""
UPDATE_DEVICE = """
mutation Update($id: ID!, $input: UpdateDeviceInput!) {
  updateDevice(id: $id, input: $input) { device { id name } errors { field message code } }
}
"""
SET_DEVICE_MODE = """
mutation SetMode($id: ID!, $mode: StorageMode!) {
  setDeviceMode(id: $id, mode: $mode) { device { id } errors { field message code } }
}
"""
REMOVE_DEVICE = """
mutation Remove($id: ID!) { removeDevice(id: $id) { removed errors { field message code } } }
"""

# Each write on an id, with a valid and an invalid input: neither may tell a foreign id from a missing one.
WRITES_ON_AN_ID = [
    (UPDATE_DEVICE, {"input": {"name": "Hijacked"}}),
    (UPDATE_DEVICE, {"input": {"name": "", "battery": {"capacityWh": -1}}}),
    (UPDATE_DEVICE, {"input": {"solarPanel": {"ratedCapacityW": 1}}}),
    (SET_DEVICE_MODE, {"mode": "DISCHARGING"}),
    (SET_DEVICE_MODE, {"mode": "AUTO"}),
    (REMOVE_DEVICE, {}),
]
WRITE_IDS = ["update", "update-invalid", "update-other-kind", "set-mode", "set-mode-auto", "remove"]


@pytest.fixture
def alice_devices(alice):
    return [make_device(alice, kind) for kind in (DeviceKind.BATTERY, DeviceKind.ELECTRIC_VEHICLE)]


def _unknown_id() -> str:
    return base64.b64encode(f"Device:{uuid.uuid4()}".encode()).decode()


@pytest.mark.parametrize("index", [0, 1], ids=["battery", "ev"])
def test_foreign_id_reads_as_null(api, alice, bob, alice_devices, index):
    # when
    foreign = api.data(DEVICE, {"id": global_id(alice_devices[index])}, bob.token)
    missing = api.data(DEVICE, {"id": _unknown_id()}, bob.token)

    # then
    assert foreign == missing == {"device": None}


def test_foreign_devices_are_not_listed(api, alice, bob, alice_devices):
    own = make_device(bob, DeviceKind.APPLIANCE)

    assert api.data(DEVICES, token=bob.token) == {"devices": [{"id": global_id(own), "name": own.name}]}


@pytest.mark.parametrize(("query", "variables"), WRITES_ON_AN_ID, ids=WRITE_IDS)
@pytest.mark.parametrize("index", [0, 1], ids=["battery", "ev"])
def test_foreign_id_writes_answer_exactly_like_a_missing_id(
    api, alice, bob, alice_devices, query, variables, index
):
    # given
    alice_before, bob_before = device_rows(alice), device_rows(bob)

    # when
    foreign = api.post(query, {**variables, "id": global_id(alice_devices[index])}, bob.token)
    missing = api.post(query, {**variables, "id": _unknown_id()}, bob.token)

    # then
    assert foreign == missing
    assert foreign[0] == 200
    [payload] = foreign[1]["data"].values()
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("id", "not_found")]
    assert device_rows(alice) == alice_before
    assert device_rows(bob) == bob_before


def _every_operation(device_id: str) -> list[tuple[str, dict]]:
    return [
        (DEVICES, {}),
        (DEVICE, {"id": device_id}),
        (APPLIANCE_CATEGORIES, {}),
        (REGISTER_DEVICE, {"input": {"name": "Roof", "solarPanel": {"ratedCapacityW": 5000}}}),
        (UPDATE_DEVICE, {"id": device_id, "input": {"name": "Hijacked"}}),
        (SET_DEVICE_MODE, {"id": device_id, "mode": "DISCHARGING"}),
        (REMOVE_DEVICE, {"id": device_id}),
    ]


OPERATION_IDS = ["devices", "device", "categories", "register", "update", "set-mode", "remove"]


@pytest.mark.parametrize("operation", range(7), ids=OPERATION_IDS)
@pytest.mark.parametrize("token", [None, "not-a-token", "Bearer.x.y"], ids=["none", "junk", "malformed-jwt"])
def test_without_a_valid_token_every_operation_is_refused(api, alice, alice_devices, operation, token):
    # given
    query, variables = _every_operation(global_id(alice_devices[0]))[operation]
    before = device_rows(alice)

    # when
    body = api.refused(query, variables, token)

    # then
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert device_rows(alice) == before


def test_expired_style_tampered_token_is_refused(api, alice, alice_devices):
    body = api.refused(DEVICES, token=alice.token[:-2] + "xx")

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("operation", range(7), ids=OPERATION_IDS)
def test_an_account_without_a_household_is_refused(api, alice, alice_devices, operation):
    # given: alice's membership is gone, so her token chooses no schema
    query, variables = _every_operation(global_id(alice_devices[0]))[operation]
    before = device_rows(alice)
    alice.household.memberships.all().delete()

    # when
    body = api.refused(query, variables, alice.token)

    # then
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert device_rows(alice) == before
