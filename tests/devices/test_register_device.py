"""registerDevice: each kind is stored with its properties and defaults; bad input writes nothing."""

import base64
import json

import pytest

from devices import limits
from devices.models import ApplianceCategory
from tests.devices.conftest import device_count, device_rows

REGISTER_DEVICE = """
mutation RegisterDevice($input: RegisterDeviceInput!) {
  registerDevice(input: $input) {
    device {
      id name kind createdAt powerW lastReadingAt
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

DEVICE = """
query Device($id: ID!) {
  device(id: $id) {
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

SOLAR = {"name": "Roof", "solarPanel": {"ratedCapacityW": 5000}}
BATTERY = {
    "name": "Powerwall",
    "battery": {"capacityWh": 13500, "maxChargeRateW": 5000, "maxDischargeRateW": 7000},
}
EV = {
    "name": "Car",
    "electricVehicle": {"batteryCapacityWh": 60000, "maxChargeRateW": 7400, "maxDischargeRateW": 5000},
}
APPLIANCE = {"name": "Kitchen fridge", "appliance": {"averagePowerW": 120, "category": "fridge"}}


def _register(api, alice, data):
    return api.data(REGISTER_DEVICE, {"input": data}, alice.token)["registerDevice"]


def _common(payload_device, name, kind):
    assert payload_device["name"] == name
    assert payload_device["kind"] == kind
    assert payload_device["powerW"] == 0
    assert payload_device["lastReadingAt"] is None
    assert payload_device["createdAt"].endswith("+00:00")


@pytest.mark.parametrize(
    ("data", "kind", "fields"),
    [
        (SOLAR, "SOLAR_PANEL", {"ratedCapacityW": 5000}),
        (
            {**BATTERY, "battery": {**BATTERY["battery"], "chargePercent": 80, "mode": "IDLE"}},
            "BATTERY",
            {
                "capacityWh": 13500,
                "maxChargeRateW": 5000,
                "maxDischargeRateW": 7000,
                "chargeWh": 10800,
                "chargePercent": 80,
                "mode": "IDLE",
            },
        ),
        (
            {**EV, "electricVehicle": {**EV["electricVehicle"], "chargePercent": 25, "mode": "CHARGING"}},
            "ELECTRIC_VEHICLE",
            {
                "batteryCapacityWh": 60000,
                "maxChargeRateW": 7400,
                "maxDischargeRateW": 5000,
                "chargeWh": 15000,
                "chargePercent": 25,
                "evMode": "CHARGING",
            },
        ),
        (APPLIANCE, "APPLIANCE", {"averagePowerW": 120, "category": "fridge", "isOn": False}),
    ],
    ids=["solar", "battery", "ev", "appliance"],
)
def test_each_kind_is_registered_and_read_back_with_all_fields(api, alice, data, kind, fields):
    # when
    payload = _register(api, alice, data)

    # then
    assert payload["errors"] == []
    device = payload["device"]
    _common(device, data["name"], kind)
    for field, value in fields.items():
        assert device[field] == value
    assert api.data(DEVICE, {"id": device["id"]}, alice.token)["device"] == device
    assert device_count(alice) == 1


def test_id_is_opaque_base64_of_type_and_uid(api, alice):
    # when
    device_id = _register(api, alice, SOLAR)["device"]["id"]

    # then
    [row] = device_rows(alice)
    assert base64.b64decode(device_id).decode() == f"Device:{row['uid']}"


def test_battery_defaults_to_auto_and_half_charge(api, alice):
    device = _register(api, alice, BATTERY)["device"]

    assert (device["mode"], device["chargePercent"], device["chargeWh"]) == ("AUTO", 50, 6750)


def test_electric_vehicle_defaults_to_idle_and_half_charge(api, alice):
    device = _register(api, alice, EV)["device"]

    assert (device["evMode"], device["chargePercent"], device["chargeWh"]) == ("IDLE", 50, 30000)


@pytest.mark.parametrize("category", list(ApplianceCategory))
def test_appliance_without_draw_gets_its_category_default(api, alice, category):
    device = _register(api, alice, {"name": "A", "appliance": {"category": category.value}})["device"]

    assert device["category"] == category.value
    assert device["averagePowerW"] == limits.APPLIANCE_DEFAULT_POWER_W[category]


def test_air_conditioner_default_draw_is_3000_w(api, alice):
    device = _register(api, alice, {"name": "AC", "appliance": {"category": "AIR_CONDITIONER"}})["device"]

    assert (device["category"], device["averagePowerW"]) == ("air_conditioner", 3000)


def test_appliance_without_category_is_other(api, alice):
    device = _register(api, alice, {"name": "Gadget", "appliance": {}})["device"]

    assert (device["category"], device["averagePowerW"]) == ("other", 500)


def test_name_is_trimmed_and_may_be_100_characters(api, alice):
    device = _register(api, alice, {**SOLAR, "name": "  " + "x" * 100 + "  "})["device"]

    assert device["name"] == "x" * 100


def test_upper_bounds_are_allowed(api, alice):
    data = {
        "name": "Big",
        "battery": {
            "capacityWh": limits.BATTERY_CAPACITY_MAX_WH,
            "maxChargeRateW": limits.STORAGE_RATE_MAX_W,
            "maxDischargeRateW": limits.STORAGE_RATE_MAX_W,
            "chargePercent": 100,
        },
    }

    device = _register(api, alice, data)["device"]

    assert device["chargeWh"] == device["capacityWh"] == limits.BATTERY_CAPACITY_MAX_WH


def _battery(**fields):
    return {**BATTERY, "battery": {**BATTERY["battery"], **fields}}


def _ev(**fields):
    return {**EV, "electricVehicle": {**EV["electricVehicle"], **fields}}


INVALID = [
    # ratings: zero, negative, absurdly large
    ({**SOLAR, "solarPanel": {"ratedCapacityW": 0}}, "solarPanel.ratedCapacityW", "out_of_range"),
    ({**SOLAR, "solarPanel": {"ratedCapacityW": -5000}}, "solarPanel.ratedCapacityW", "out_of_range"),
    ({**SOLAR, "solarPanel": {"ratedCapacityW": 1e12}}, "solarPanel.ratedCapacityW", "out_of_range"),
    (_battery(capacityWh=0), "battery.capacityWh", "out_of_range"),
    (_battery(capacityWh=1e9), "battery.capacityWh", "out_of_range"),
    (_battery(maxChargeRateW=-1), "battery.maxChargeRateW", "out_of_range"),
    (_battery(maxDischargeRateW=0), "battery.maxDischargeRateW", "out_of_range"),
    (_battery(maxDischargeRateW=1e7), "battery.maxDischargeRateW", "out_of_range"),
    (_ev(batteryCapacityWh=-60000), "electricVehicle.batteryCapacityWh", "out_of_range"),
    (_ev(batteryCapacityWh=1e9), "electricVehicle.batteryCapacityWh", "out_of_range"),
    (_ev(maxChargeRateW=0), "electricVehicle.maxChargeRateW", "out_of_range"),
    ({"name": "A", "appliance": {"averagePowerW": 0}}, "appliance.averagePowerW", "out_of_range"),
    ({"name": "A", "appliance": {"averagePowerW": -1}}, "appliance.averagePowerW", "out_of_range"),
    ({"name": "A", "appliance": {"averagePowerW": 1e6}}, "appliance.averagePowerW", "out_of_range"),
    # charge outside 0-100
    (_battery(chargePercent=-0.1), "battery.chargePercent", "out_of_range"),
    (_battery(chargePercent=100.1), "battery.chargePercent", "out_of_range"),
    (_ev(chargePercent=150), "electricVehicle.chargePercent", "out_of_range"),
    # unknown category
    ({"name": "A", "appliance": {"category": "jacuzzi"}}, "appliance.category", "invalid_choice"),
    ({"name": "A", "appliance": {"category": ""}}, "appliance.category", "invalid_choice"),
    # name
    ({**SOLAR, "name": ""}, "name", "blank"),
    ({**SOLAR, "name": "   "}, "name", "blank"),
    ({**SOLAR, "name": "x" * 101}, "name", "max_length"),
    ({**SOLAR, "name": "x" * 200}, "name", "max_length"),
    ({**SOLAR, "name": "Roof\x00"}, "name", "invalid"),
    ({**SOLAR, "name": "Roof\nSouth"}, "name", "invalid"),
    ({**SOLAR, "name": "Roof\ud800"}, "name", "invalid"),
    # not exactly one nested input
    ({"name": "Nothing"}, "input", "exactly_one"),
    ({"name": "Nothing", "battery": None}, "input", "exactly_one"),
    ({**SOLAR, **BATTERY}, "input", "exactly_one"),
    ({**SOLAR, **BATTERY, **EV, **APPLIANCE}, "input", "exactly_one"),
]


@pytest.mark.parametrize(("data", "field", "code"), INVALID)
def test_invalid_input_is_a_payload_error_and_writes_nothing(api, alice, data, field, code):
    # when
    payload = _register(api, alice, data)

    # then
    assert payload["device"] is None
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in payload["errors"]
    ]
    assert all(error["message"] for error in payload["errors"])
    assert device_count(alice) == 0


def test_every_problem_is_reported_at_once(api, alice):
    # given: 1e400 in the query text parses as infinity, so it reaches the service
    query = """
    mutation {
      registerDevice(
        input: {name: "", battery: {capacityWh: -1, maxChargeRateW: 0, maxDischargeRateW: 1e400}}
      ) {
        device { id }
        errors { field message code }
      }
    }
    """

    # when
    payload = api.data(query, token=alice.token)["registerDevice"]

    # then

    assert sorted((e["field"], e["code"]) for e in payload["errors"]) == [
        ("battery.capacityWh", "out_of_range"),
        ("battery.maxChargeRateW", "out_of_range"),
        ("battery.maxDischargeRateW", "not_finite"),
        ("name", "blank"),
    ]
    assert device_count(alice) == 0


@pytest.mark.parametrize(
    ("nested", "field"),
    [
        ("solarPanel: {ratedCapacityW: 1e400}", "solarPanel.ratedCapacityW"),
        ("solarPanel: {ratedCapacityW: -1e400}", "solarPanel.ratedCapacityW"),
        (
            "battery: {capacityWh: 1e4, maxChargeRateW: 1e3, maxDischargeRateW: 1e3, chargePercent: 1e400}",
            "battery.chargePercent",
        ),
        (
            "electricVehicle: {batteryCapacityWh: 1e999, maxChargeRateW: 1e3, maxDischargeRateW: 1e3}",
            "electricVehicle.batteryCapacityWh",
        ),
        ("appliance: {averagePowerW: 1e400}", "appliance.averagePowerW"),
    ],
)
def test_infinite_literal_in_the_query_text_is_a_payload_error(api, alice, nested, field):
    # given
    query = f"""
    mutation {{
      registerDevice(input: {{name: "X", {nested}}}) {{ device {{ id }} errors {{ field code }} }}
    }}
    """

    # when
    payload = api.data(query, token=alice.token)["registerDevice"]

    # then
    assert payload == {"device": None, "errors": [{"field": field, "code": "not_finite"}]}
    assert device_count(alice) == 0


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({**SOLAR, "solarPanel": {"ratedCapacityW": float("inf")}}, "input.solarPanel.ratedCapacityW"),
        ({**SOLAR, "solarPanel": {"ratedCapacityW": float("-inf")}}, "input.solarPanel.ratedCapacityW"),
        ({**SOLAR, "solarPanel": {"ratedCapacityW": float("nan")}}, "input.solarPanel.ratedCapacityW"),
        (_battery(chargePercent=float("nan")), "input.battery.chargePercent"),
        (_ev(maxDischargeRateW=float("inf")), "input.electricVehicle.maxDischargeRateW"),
        ({"name": "A", "appliance": {"averagePowerW": float("nan")}}, "input.appliance.averagePowerW"),
    ],
)
def test_non_finite_variables_are_refused_naming_the_field(api, alice, data, path):
    """JSON has no NaN or Infinity, but Python's parser reads them: the Float scalar stops them."""
    # when
    status, body = api.post(REGISTER_DEVICE, {"input": data}, alice.token)

    # then
    assert status == 400
    assert body.get("data") is None
    assert path in body["errors"][0]["message"]
    assert device_count(alice) == 0


@pytest.mark.parametrize(
    "data",
    [
        _ev(mode="AUTO"),
        _battery(mode="TURBO"),
        {**SOLAR, "solarPanel": {}},
        {**SOLAR, "solarPanel": {"ratedCapacityW": None}},
        {**SOLAR, "solarPanel": {"ratedCapacityW": 10**400}},
        {**SOLAR, "solarPanel": {"ratedCapacityW": [1]}},
        {**SOLAR, "solarPanel": {"ratedCapacityW": "lots"}},
        {"solarPanel": {"ratedCapacityW": 5000}},
        {**SOLAR, "name": None},
        {**SOLAR, "toaster": {}},
    ],
    ids=[
        "ev-auto",
        "unknown-mode",
        "missing-rating",
        "null-rating",
        "huge-int",
        "list",
        "text",
        "no-name",
        "null-name",
        "unknown-field",
    ],
)
def test_input_the_schema_cannot_carry_is_a_graphql_error_and_writes_nothing(api, alice, data):
    # when
    status, body = api.post(REGISTER_DEVICE, {"input": data}, alice.token)

    # then
    assert status == 400
    assert body["errors"] and body.get("data") is None
    assert device_count(alice) == 0


def test_json_number_too_large_for_a_float_is_refused(api, alice):
    # given: Python's JSON parser reads 1e400 as infinity
    variables = '{"input": {"name": "Roof", "solarPanel": {"ratedCapacityW": 1e400}}}'
    body = f'{{"query": {json.dumps(REGISTER_DEVICE)}, "variables": {variables}}}'

    # when
    status, response = api.post_raw(body, alice.token)

    # then
    assert status == 400
    assert "input.solarPanel.ratedCapacityW" in response["errors"][0]["message"]
    assert device_count(alice) == 0


def test_without_a_token_nothing_is_registered(api, alice):
    body = api.refused(REGISTER_DEVICE, {"input": SOLAR})

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert device_count(alice) == 0


def test_a_household_cannot_hold_more_than_the_device_cap(api, alice, monkeypatch):
    monkeypatch.setattr(limits, "DEVICES_PER_HOUSEHOLD_MAX", 2)
    _register(api, alice, SOLAR)
    _register(api, alice, APPLIANCE)

    payload = _register(api, alice, BATTERY)

    assert payload["device"] is None
    assert payload["errors"] == [
        {"field": "input", "message": "A household holds at most 2 devices.", "code": "too_many"}
    ]
    assert device_count(alice) == 2
