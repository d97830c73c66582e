"""Installed-system defaults: a panel's DC/AC ratio and a battery's reserve, shown, settable, checked."""

import pytest

from tests.devices.conftest import device_rows, global_id, make_device

REGISTER = """
mutation Register($input: RegisterDeviceInput!) {
  registerDevice(input: $input) {
    device { ... on SolarPanel { dcAcRatio } ... on Battery { reservePercent } }
    errors { field code }
  }
}
"""
UPDATE = """
mutation Update($id: ID!, $input: UpdateDeviceInput!) {
  updateDevice(id: $id, input: $input) {
    device { ... on SolarPanel { dcAcRatio } ... on Battery { reservePercent } }
    errors { field code }
  }
}
"""
PANEL = {"name": "Roof", "solarPanel": {"ratedCapacityW": 6000}}
BATTERY = {
    "name": "Wall",
    "battery": {"capacityWh": 10000, "maxChargeRateW": 5000, "maxDischargeRateW": 5000},
}


def _register(gql, member, spec):
    body = gql.execute(REGISTER, {"input": spec}, member.token)
    assert "errors" not in body, body
    return body["data"]["registerDevice"]


def test_new_systems_get_the_installed_defaults(gql, alice):
    assert _register(gql, alice, PANEL) == {"device": {"dcAcRatio": 1.15}, "errors": []}
    assert _register(gql, alice, BATTERY) == {"device": {"reservePercent": 10.0}, "errors": []}


def test_an_owner_sets_them(gql, alice):
    panel = {"name": "Roof", "solarPanel": {"ratedCapacityW": 6000, "dcAcRatio": 1.3}}
    assert _register(gql, alice, panel)["device"] == {"dcAcRatio": 1.3}
    battery = make_device(alice, "battery")
    payload = gql.execute(
        UPDATE, {"id": global_id(battery), "input": {"battery": {"reservePercent": 25}}}, alice.token
    )["data"]["updateDevice"]
    assert payload == {"device": {"reservePercent": 25.0}, "errors": []}


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"name": "Roof", "solarPanel": {"ratedCapacityW": 6000, "dcAcRatio": 0.1}}, "solarPanel.dcAcRatio"),
        ({"name": "Roof", "solarPanel": {"ratedCapacityW": 6000, "dcAcRatio": 2.5}}, "solarPanel.dcAcRatio"),
        ({"name": "Wall", "battery": {**BATTERY["battery"], "reservePercent": -1}}, "battery.reservePercent"),
        (
            {"name": "Wall", "battery": {**BATTERY["battery"], "reservePercent": 101}},
            "battery.reservePercent",
        ),
    ],
)
def test_a_bad_value_names_the_field_and_writes_nothing(gql, alice, spec, field):
    payload = _register(gql, alice, spec)

    assert payload["device"] is None
    assert payload["errors"] == [{"field": field, "code": "out_of_range"}]
    assert device_rows(alice) == []


def test_another_household_cannot_change_my_reserve(gql, alice, bob):
    battery = make_device(alice, "battery")
    before = device_rows(alice)

    body = gql.execute(
        UPDATE, {"id": global_id(battery), "input": {"battery": {"reservePercent": 90}}}, bob.token
    )

    assert body["data"]["updateDevice"]["device"] is None
    assert device_rows(alice) == before
