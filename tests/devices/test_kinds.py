"""Every kind of the registry (devices.kinds) is wired end to end, from registerDevice to fleetSummary.

A kind added to the registry fails here until it has a model choice, a GraphQL type and nested
inputs showing its registry fields, their validation, a physics handler and its count in the
snapshots and fleet totals.
"""

from datetime import UTC, datetime

import pytest
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.services import tokens_issue
from devices.kinds import KINDS
from devices.models import Device
from reporting.models import FleetTotals
from reporting.services import fleet_totals_refresh
from telemetry import services
from telemetry.models import HouseholdSnapshot
from tests.conftest import PASSWORD
from tests.devices.conftest import global_id, minimal_spec
from tests.telemetry.homes import live_device

NOON_BERLIN = datetime(2026, 6, 21, 10, 0, tzinfo=UTC)

REGISTER = """
mutation($input: RegisterDeviceInput!) {
  registerDevice(input: $input) { device { __typename kind %s } errors { field code } }
}
"""
INPUT_FIELDS = """
query($name: String!) { __type(name: $name) { inputFields { name type { kind } } } }
"""
UPDATE = """
mutation($id: ID!, $input: UpdateDeviceInput!) {
  updateDevice(id: $id, input: $input) { device { name } errors { field code } }
}
"""
FLEET = "{ fleetSummary { devicesByKind { kind count } } }"


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.value)
def test_a_kind_registers_ticks_and_counts_in_the_fleet(gql, alice, kind):
    operator = User.objects.create_user(email="operator@example.com", password=PASSWORD, is_staff=True)

    shown = [_camel(field.name) for field in kind.fields]
    body = gql.execute(
        REGISTER % f"... on {kind.graphql_type} {{ {' '.join(shown)} }}",
        {"input": {"name": kind.label, _camel(kind.value): _minimal_input(kind)}},
        token=alice.token,
    )

    answer = body["data"]["registerDevice"]
    assert answer["errors"] == []
    device_answer = answer["device"]
    assert (device_answer.pop("__typename"), device_answer.pop("kind")) == (kind.graphql_type, kind.name)
    # Every registry field is shown, a default standing in for what the input omitted.
    assert set(device_answer) == set(shown)
    assert None not in device_answer.values()
    with schema_context(alice.household.schema_name):
        device = Device.objects.get(name=kind.label)
        assert device.is_storage is kind.storage
    other_kinds = [other for other in KINDS if other != kind]
    refused = gql.execute(
        UPDATE,
        {"id": global_id(device), "input": {_camel(other_kinds[0].value): {}}},
        token=alice.token,
    )["data"]["updateDevice"]
    assert refused["errors"] == [{"field": _camel(other_kinds[0].value), "code": "kind_mismatch"}]

    report = services.households_tick(
        households=[services.HouseholdRef.of(alice.household)], at=NOON_BERLIN, seconds=60
    )
    assert (report.written, report.failed) == (1, [])
    with schema_context(alice.household.schema_name):
        assert live_device(name=kind.label).last_reading_at == NOON_BERLIN
    snapshot = HouseholdSnapshot.objects.get(household=alice.household)
    assert snapshot.devices_by_kind[kind.value] == 1
    assert (snapshot.storage_capacity_wh > 0) is kind.storage
    fleet_totals_refresh(at=NOON_BERLIN)
    assert FleetTotals.objects.get().devices_by_kind[kind.value] >= 1
    counts = gql.execute(FLEET, token=tokens_issue(user=operator).token)["data"]["fleetSummary"][
        "devicesByKind"
    ]
    assert {"kind": kind.name, "count": FleetTotals.objects.get().devices_by_kind[kind.value]} in counts


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.value)
@pytest.mark.parametrize("update", [False, True], ids=["register", "update"])
def test_a_kinds_inputs_are_its_registry_fields(gql, alice, kind, update):
    name = f"{kind.graphql_type}{'UpdateInput' if update else 'Input'}"

    fields = gql.execute(INPUT_FIELDS, {"name": name}, token=alice.token)["data"]["__type"]["inputFields"]

    assert {field["name"]: field["type"]["kind"] == "NON_NULL" for field in fields} == {
        _camel(field.name): field.required and not update for field in kind.fields if field.is_input
    }


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.value)
def test_a_kinds_ratings_are_bounded_as_the_registry_says(gql, alice, kind):
    ratings = [field for field in kind.fields if field.check == "rating"]
    too_big = {_camel(field.name): field.maximum * 2 for field in ratings}

    answer = gql.execute(
        REGISTER % "",
        {"input": {"name": "Too big", _camel(kind.value): {**_minimal_input(kind), **too_big}}},
        token=alice.token,
    )["data"]["registerDevice"]

    assert answer["device"] is None
    assert sorted(answer["errors"], key=lambda error: error["field"]) == sorted(
        ({"field": f"{_camel(kind.value)}.{name}", "code": "out_of_range"} for name in too_big),
        key=lambda error: error["field"],
    )
    with schema_context(alice.household.schema_name):
        assert not Device.objects.filter(name="Too big").exists()


def _minimal_input(kind):
    return {_camel(name): value for name, value in minimal_spec(kind).items()}


def _camel(value: str) -> str:
    first, *rest = value.split("_")
    return first + "".join(part.capitalize() for part in rest)
