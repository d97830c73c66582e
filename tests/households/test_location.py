"""Where a home is: signUp's location and its default, updateHousehold, panel orientation, EV modes."""

import pytest
from django_tenants.utils import schema_context

from households.locations import default_location, parse_iso6709, zone_points
from households.models import Household
from tests.devices.conftest import device_rows, global_id, make_device

SIGN_UP = """
mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { household { name timezone latitude longitude } errors { field message code } }
}
"""
UPDATE = """
mutation Update($input: UpdateHouseholdInput!) {
  updateHousehold(input: $input) { household { name timezone latitude longitude } errors { field code } }
}
"""
ME = "query { me { household { name timezone latitude longitude } } }"
REGISTER = """
mutation Register($input: RegisterDeviceInput!) {
  registerDevice(input: $input) {
    device {
      ... on SolarPanel { tiltDegrees azimuthDegrees }
      ... on ElectricVehicle { evMode: mode pluggedIn }
    }
    errors { field code }
  }
}
"""


def _sign_up(gql, email, **extra):
    variables = {"email": email, "password": "a-Strong-pass-123", "householdName": "Home", **extra}
    return gql.execute(SIGN_UP, {"input": variables})["data"]["signUp"]


def test_the_default_location_comes_from_tzdata_not_the_machine():
    assert default_location("Europe/Berlin") == pytest.approx((52.5, 13.3667), abs=1e-3)
    assert default_location("Europe/Oslo") == pytest.approx((59.9167, 10.75), abs=1e-3)  # zone.tab only
    assert default_location("Australia/Sydney") == pytest.approx((-33.8667, 151.2167), abs=1e-3)
    assert default_location("Etc/GMT+5") == (0.0, -75.0)
    assert default_location("UTC") == (0.0, 0.0)
    assert parse_iso6709("+415100-0873900") == pytest.approx((41.85, -87.65))
    assert len(zone_points()) > 300


def test_sign_up_defaults_to_the_zones_point(gql):
    payload = _sign_up(gql, "kolkata@example.com", timezone="Asia/Kolkata")

    assert payload["errors"] == []
    assert payload["household"]["latitude"] == pytest.approx(22.5333, abs=1e-3)
    assert payload["household"]["longitude"] == pytest.approx(88.3667, abs=1e-3)


def test_sign_up_takes_a_location(gql):
    payload = _sign_up(
        gql, "austin@example.com", timezone="America/Chicago", latitude=30.27, longitude=-97.74
    )

    assert payload["household"] == {
        "name": "Home",
        "timezone": "America/Chicago",
        "latitude": 30.27,
        "longitude": -97.74,
    }


@pytest.mark.parametrize(
    ("location", "field"),
    [
        ({"latitude": 91.0, "longitude": 0.0}, "latitude"),
        ({"latitude": 0.0, "longitude": -180.5}, "longitude"),
        ({"latitude": 10.0}, "longitude"),
    ],
)
def test_sign_up_refuses_a_bad_location_and_writes_nothing(gql, location, field):
    before = Household.objects.count()

    payload = _sign_up(gql, "nowhere@example.com", **location)

    assert payload["household"] is None
    assert field in {e["field"] for e in payload["errors"]}
    assert Household.objects.count() == before


def test_the_owner_moves_the_home(gql, alice, bob):
    payload = gql.execute(
        UPDATE, {"input": {"latitude": 48.14, "longitude": 11.58, "name": "Munich"}}, alice.token
    )

    assert payload["data"]["updateHousehold"] == {
        "household": {"name": "Munich", "timezone": "Europe/Berlin", "latitude": 48.14, "longitude": 11.58},
        "errors": [],
    }
    me = gql.execute(ME, token=alice.token)["data"]["me"]["household"]
    assert (me["latitude"], me["longitude"]) == (48.14, 11.58)
    bobs = Household.objects.get(pk=bob.household.pk)
    assert (bobs.name, bobs.latitude) == ("Bob's flat", pytest.approx(40.7142, abs=1e-3))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"latitude": -91.0}, "latitude"),
        ({"longitude": 200.0}, "longitude"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"name": " "}, "name"),
    ],
)
def test_bad_updates_name_the_field_and_write_nothing(gql, alice, change, field):
    before = Household.objects.values().get(pk=alice.household.pk)

    payload = gql.execute(UPDATE, {"input": {"latitude": 1.0, **change}}, alice.token)["data"][
        "updateHousehold"
    ]

    assert payload["household"] is None
    assert [e["field"] for e in payload["errors"]] == [field]
    assert Household.objects.values().get(pk=alice.household.pk) == before


def test_only_an_owner_can_update_and_only_their_own_home(gql, alice, bob):
    anonymous = gql.execute(UPDATE, {"input": {"latitude": 1.0}})
    assert anonymous["data"]["updateHousehold"] is None
    assert anonymous["errors"]

    gql.execute(UPDATE, {"input": {"latitude": -10.0}}, bob.token)
    assert Household.objects.get(pk=alice.household.pk).latitude == pytest.approx(52.5)


def test_a_panel_faces_the_equator_by_default(gql, alice, bob):
    panel = {"name": "Roof", "solarPanel": {"ratedCapacityW": 4000}}
    north = gql.execute(REGISTER, {"input": panel}, alice.token)["data"]["registerDevice"]
    assert north["device"] == {"tiltDegrees": 30.0, "azimuthDegrees": 180.0}

    with schema_context("public"):
        Household.objects.filter(pk=bob.household.pk).update(latitude=-33.87, longitude=151.21)
    south = gql.execute(REGISTER, {"input": panel}, bob.token)["data"]["registerDevice"]
    assert south["device"] == {"tiltDegrees": 30.0, "azimuthDegrees": 0.0}


@pytest.mark.parametrize(
    ("orientation", "field"),
    [({"tiltDegrees": 91}, "tiltDegrees"), ({"azimuthDegrees": -1}, "azimuthDegrees")],
)
def test_a_bad_orientation_names_the_field_and_writes_nothing(gql, alice, orientation, field):
    panel = {"name": "Roof", "solarPanel": {"ratedCapacityW": 4000, **orientation}}

    payload = gql.execute(REGISTER, {"input": panel}, alice.token)["data"]["registerDevice"]

    assert payload["device"] is None
    assert payload["errors"] == [{"field": f"solarPanel.{field}", "code": "out_of_range"}]
    assert device_rows(alice) == []


def test_an_electric_vehicle_can_charge_from_solar_only_and_says_where_it_is(gql, alice):
    car = {
        "name": "Car",
        "electricVehicle": {
            "batteryCapacityWh": 60000,
            "maxChargeRateW": 7400,
            "maxDischargeRateW": 7400,
            "mode": "SOLAR",
        },
    }

    payload = gql.execute(REGISTER, {"input": car}, alice.token)["data"]["registerDevice"]

    assert payload == {"device": {"evMode": "SOLAR", "pluggedIn": True}, "errors": []}


def test_a_battery_has_no_solar_mode(gql, alice):
    battery = make_device(alice, "battery", mode="auto")
    query = "mutation($id: ID!) { setDeviceMode(id: $id, mode: SOLAR) { errors { field code } } }"

    payload = gql.execute(query, {"id": global_id(battery)}, alice.token)["data"]["setDeviceMode"]

    assert payload["errors"][0]["code"] == "invalid_mode"
    assert device_rows(alice)[0]["mode"] == "auto"


def test_an_electric_vehicle_switches_to_solar_mode(gql, alice):
    car = make_device(alice, "electric_vehicle", mode="charging")
    query = "mutation($id: ID!) { setDeviceMode(id: $id, mode: SOLAR) { errors { field code } } }"

    payload = gql.execute(query, {"id": global_id(car)}, alice.token)["data"]["setDeviceMode"]

    assert payload["errors"] == []
    assert device_rows(alice)[0]["mode"] == "solar"
