"""Device queries and mutations fuzzed: devices(kind), device(id), updateDevice, setDeviceMode,
removeDevice, and (lightly; tests/devices fuzzes it in depth) registerDevice.

Alice owns one device of each kind and Bob one battery: a case may touch only the device it names,
only in the caller's household, and only when the answer says it succeeded.
"""

from dataclasses import dataclass

import pytest
from django_tenants.utils import schema_context
from hypothesis import event, given, settings
from hypothesis import strategies as st

from devices import kinds, limits
from devices.graphql.types import device_uid
from devices.models import Device, DeviceKind, StorageMode
from tests.devices.conftest import global_id, make_device, register_device
from tests.devices.test_register_device_fuzz import BOUNDS, KINDS, anything_nested, names, nested_input
from tests.fuzz.conftest import FUZZ, changes, rows
from tests.fuzz.strategies import anything, enum_names, huge_text, malformed_ids, nasty_text, spiked, typed

DEVICES = """
query Devices($kind: DeviceKind) {
  devices(kind: $kind) { id name kind powerW ... on Battery { mode chargePercent } }
}
"""
DEVICE = "query Device($id: ID!) { device(id: $id) { id name kind } }"
REGISTER_DEVICE = """
mutation RegisterDevice($input: RegisterDeviceInput!) {
  registerDevice(input: $input) { device { id kind } errors { field message code } }
}
"""
UPDATE_DEVICE = """
mutation UpdateDevice($id: ID!, $input: UpdateDeviceInput!) {
  updateDevice(id: $id, input: $input) { device { id name kind } errors { field message code } }
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
REMOVE_DEVICE = """
mutation RemoveDevice($id: ID!) { removeDevice(id: $id) { removed errors { field message code } } }
"""

KIND_NAMES = [kind.name for kind in DeviceKind]
MODE_NAMES = [mode.name for mode in StorageMode]


@dataclass(frozen=True)
class Homes:
    alice: object
    bob: object
    ids: dict  # opaque id -> (owner, kind)

    def of(self, owner: str) -> list[str]:
        return [device_id for device_id, (who, _) in self.ids.items() if who == owner]


@pytest.fixture
def homes(alice, bob) -> Homes:
    """One device of each kind for Alice, a battery for Bob (whose id Alice must never reach)."""
    ids = {global_id(register_device(alice, kind)): ("alice", DeviceKind(kind.value)) for kind in kinds.KINDS}
    ids[global_id(make_device(bob, DeviceKind.BATTERY))] = ("bob", DeviceKind.BATTERY)
    return Homes(alice, bob, ids)


def ids_for(homes: Homes):
    return typed(st.sampled_from(sorted(homes.ids)) | malformed_ids, rare_one_in=8)


def _stored(member, device_id: str) -> Device | None:
    with schema_context(member.household.schema_name):
        return Device.objects.filter(uid=device_uid(device_id)).first()


def _assert_sane(device: Device) -> None:
    assert device.name == device.name.strip() and 0 < len(device.name) <= limits.NAME_MAX_LENGTH
    for column, maximum in BOUNDS[device.kind].items():
        assert 0 < getattr(device, column) <= maximum
    if device.is_storage:
        assert 0 <= device.charge_wh <= device.capacity_wh


def _assert_failure_is_explained(answer, payload) -> None:
    assert answer.errors or payload["errors"], answer.body
    for error in (payload or {}).get("errors") or []:
        assert error["code"] and error["message"], payload


@settings(FUZZ, max_examples=60)
@given(data=st.data())
def test_devices_lists_only_the_callers_devices_of_a_known_kind(fuzz, one_case, homes, data):
    # given
    kind = data.draw(typed(enum_names(KIND_NAMES) | st.none()), label="kind")

    with one_case():
        # when
        answer = fuzz.post(DEVICES, {"kind": kind}, token=homes.alice.token)

        # then
        listed = answer.field("devices")
        if kind is None or kind in KIND_NAMES:
            expected = {i for i in homes.of("alice") if kind is None or homes.ids[i][1].name == kind}
            assert {device["id"] for device in listed} == expected, answer.body
        else:
            assert answer.status == 400 and listed is None, answer.body


@settings(FUZZ, max_examples=80)
@given(data=st.data())
def test_device_finds_only_the_callers_devices(fuzz, one_case, homes, data):
    # given
    device_id = data.draw(ids_for(homes), label="id")

    with one_case():
        # when
        answer = fuzz.post(DEVICE, {"id": device_id}, token=homes.alice.token)

        # then
        # graphql-core's ID takes strings and integers, and floats with an integral value (0.0) too.
        integral = isinstance(device_id, float) and device_id.is_integer()
        if (isinstance(device_id, str | int) or integral) and not isinstance(device_id, bool):
            device = answer.field("device")
            mine = homes.ids.get(device_id, ("nobody",))[0] == "alice"
            event("own device" if mine else "no device")
            assert (device or {}).get("id") == (device_id if mine else None), answer.body
        else:
            assert answer.status == 400 and answer.errors, answer.body


@st.composite
def hostile_register_inputs(draw):
    """Shapes registerDevice's own fuzz leaves out: huge names, unknown keys, non-object inputs."""
    kind = draw(st.sampled_from(KINDS))
    data = {"name": draw(huge_text | spiked(names) | names), kind: draw(nested_input(kind))}
    if draw(st.booleans()):
        data[draw(st.text(max_size=8))] = draw(anything)
    return draw(typed(st.just(data), rare_one_in=3))


@settings(FUZZ, max_examples=40)
@given(data=hostile_register_inputs())
def test_register_device_with_hostile_input_writes_one_device_or_none(fuzz, one_case, homes, data):
    with one_case():
        before = rows(homes.alice, homes.bob)

        # when
        answer = fuzz.post(REGISTER_DEVICE, {"input": data}, token=homes.alice.token)

        # then
        payload = answer.field("registerDevice")
        written = changes(before, rows(homes.alice, homes.bob))
        if payload and payload["device"]:
            assert written == {homes.alice.email: "changed"}
            _assert_sane(_stored(homes.alice, payload["device"]["id"]))
        else:
            _assert_failure_is_explained(answer, payload)
            assert written == {}


@st.composite
def update_inputs(draw):
    """Any name, nested inputs of one kind (mostly) or of several, each typed or arbitrary."""
    kinds = draw(
        st.sampled_from(KINDS).map(lambda kind: [kind]) | st.lists(st.sampled_from(KINDS), unique=True)
    )
    data = {kind: draw(st.one_of(nested_input(kind), anything_nested(kind))) for kind in kinds}
    if draw(st.booleans()):
        data["name"] = draw(typed(names | nasty_text | st.none()))
    return draw(typed(st.just(data), rare_one_in=10))


@settings(FUZZ, max_examples=150)
@given(data=st.data())
def test_update_device_changes_only_the_named_device_of_the_caller(fuzz, one_case, homes, data):
    # given
    device_id = data.draw(ids_for(homes), label="id")
    update = data.draw(update_inputs(), label="input")
    owner, kind = (
        homes.ids.get(device_id, ("nobody", None)) if isinstance(device_id, str) else ("nobody", None)
    )

    with one_case():
        before = rows(homes.alice, homes.bob)

        # when
        answer = fuzz.post(UPDATE_DEVICE, {"id": device_id, "input": update}, token=homes.alice.token)

        # then
        payload = answer.field("updateDevice")
        written = changes(before, rows(homes.alice, homes.bob))
        if payload and payload["device"]:
            event("updated")
            assert owner == "alice" and payload["errors"] == [], answer.body
            assert payload["device"]["id"] == device_id
            stored = _stored(homes.alice, device_id)
            assert stored.kind == kind
            _assert_sane(stored)
            assert set(written) <= {homes.alice.email}
        else:
            event("refused in the payload" if payload else "refused by GraphQL")
            _assert_failure_is_explained(answer, payload)
            assert written == {}
            if payload and owner != "alice":
                assert [error["field"] for error in payload["errors"]] == ["id"], payload


# The contract: AUTO is for batteries only, SOLAR (surplus only) for EVs only.
MODES_BY_KIND = {
    DeviceKind(kind.value): {
        StorageMode(choice).name for spec in kind.fields if spec.name == "mode" for choice in spec.choices
    }
    for kind in kinds.KINDS
}
# SMART charges to a target, which the fuzzed homes' cars do not have: refused with a field error.
for modes in MODES_BY_KIND.values():
    modes.discard(StorageMode.SMART.name)


def _mode_applies(kind, mode) -> bool:
    # The fuzzer also draws non-strings (lists, numbers): only a name can be a mode.
    return isinstance(mode, str) and mode in MODES_BY_KIND.get(kind, set())


@settings(FUZZ, max_examples=80)
@given(data=st.data())
def test_set_device_mode_switches_only_the_callers_storage(fuzz, one_case, homes, data):
    # given
    device_id = data.draw(ids_for(homes), label="id")
    mode = data.draw(typed(enum_names(MODE_NAMES)), label="mode")
    owner, kind = (
        homes.ids.get(device_id, ("nobody", None)) if isinstance(device_id, str) else ("nobody", None)
    )
    applies = owner == "alice" and _mode_applies(kind, mode)

    with one_case():
        before = rows(homes.alice, homes.bob)

        # when
        answer = fuzz.post(SET_DEVICE_MODE, {"id": device_id, "mode": mode}, token=homes.alice.token)

        # then
        payload = answer.field("setDeviceMode")
        written = changes(before, rows(homes.alice, homes.bob))
        event("switched" if applies else "refused")
        if applies:
            assert payload["errors"] == [], answer.body
            assert mode in payload["device"].values()
            assert set(written) <= {homes.alice.email}
        else:
            assert not (payload and payload["device"]), answer.body
            _assert_failure_is_explained(answer, payload)
            assert written == {}


@settings(FUZZ, max_examples=80)
@given(data=st.data())
def test_remove_device_removes_only_the_callers_named_device(fuzz, one_case, homes, data):
    # given
    device_id = data.draw(ids_for(homes), label="id")
    mine = isinstance(device_id, str) and homes.ids.get(device_id, ("nobody",))[0] == "alice"

    with one_case():
        before = rows(homes.alice, homes.bob)

        # when
        answer = fuzz.post(REMOVE_DEVICE, {"id": device_id}, token=homes.alice.token)

        # then
        payload = answer.field("removeDevice")
        written = changes(before, rows(homes.alice, homes.bob))
        event("removed" if mine else "refused")
        if mine:
            assert payload == {"removed": True, "errors": []}, answer.body
            assert written == {homes.alice.email: "changed"}
            assert _stored(homes.alice, device_id) is None
        else:
            assert not (payload and payload["removed"]), answer.body
            _assert_failure_is_explained(answer, payload)
            assert written == {}
