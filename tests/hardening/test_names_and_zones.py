"""Names people are shown refuse control characters and text-direction overrides, and time zones
come only from tzdata's location lists (plus UTC), never the host's `localtime`; over HTTP against
production settings, nothing written."""

import pytest

from households.models import Household
from tests.conftest import PASSWORD
from tests.hardening.test_email_identity import SIGN_UP

pytestmark = [pytest.mark.django_db, pytest.mark.server]

REGISTER = """
mutation($input: RegisterDeviceInput!) {
  registerDevice(input: $input) { device { id } errors { field code } }
}
"""
BAD_NAMES = {
    "escape": "Home\x1b[31m",
    "newline": "Home\nRoot",
    "right-to-left-override": "Home\u202egnp.exe",
    "left-to-right-isolate": "Home\u2066x\u2069",
}
HOST_ZONES = ["localtime", "posixrules", "posix/Europe/Berlin", "right/UTC", "Etc/GMT+5"]


def _sign_up(server, email: str, **overrides):
    variables = {"input": {"email": email, "password": PASSWORD, "householdName": "Home", **overrides}}
    payload = server.graphql(SIGN_UP, variables).json()["data"]["signUp"]
    return payload, {(e["field"], e["code"]) for e in payload["errors"]}


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=BAD_NAMES.keys())
def test_household_names_refuse_controls_and_overrides(production_server, new_email, name):
    email = new_email("name")

    payload, errors = _sign_up(production_server, email, householdName=name)

    assert errors == {("householdName", "invalid")}
    assert payload["token"] is None
    assert not Household.objects.filter(memberships__user__email=email).exists()


def test_device_names_refuse_overrides(production_server, new_email):
    payload, _ = _sign_up(production_server, new_email("device-name"))
    names = [BAD_NAMES["right-to-left-override"], BAD_NAMES["left-to-right-isolate"]]

    answers = [
        production_server.graphql(
            REGISTER, {"input": {"name": name, "solarPanel": {"ratedCapacityW": 400}}}, token=payload["token"]
        ).json()["data"]["registerDevice"]
        for name in names
    ]

    assert [a["errors"] for a in answers] == [[{"field": "name", "code": "invalid"}]] * 2
    assert [a["device"] for a in answers] == [None, None]


@pytest.mark.parametrize("zone", HOST_ZONES)
def test_only_tzdata_locations_and_utc_are_time_zones(production_server, new_email, zone):
    _, errors = _sign_up(production_server, new_email("zone"), timezone=zone)

    assert errors == {("timezone", "invalid_timezone")}


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "Europe/Oslo"])
def test_named_places_and_utc_still_work(production_server, new_email, zone):
    payload, errors = _sign_up(production_server, new_email("zone-ok"), timezone=zone)

    assert errors == set() and payload["token"]
