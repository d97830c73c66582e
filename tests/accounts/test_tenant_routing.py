"""The household schema comes from the verified token and is reset on every request."""

import json

import pytest
from django.db import connection
from django.db.utils import ProgrammingError
from django.test import RequestFactory
from django_tenants.utils import schema_context

from devices.models import Device, DeviceKind
from households.middleware import HouseholdFromTokenMiddleware


def _run(request):
    """Pass a request through the middleware; report the schema the view ran in."""
    seen = {}

    def view(req):
        seen["schema"] = connection.schema_name
        seen["ticks"] = list(Device.objects.values_list("rated_capacity_w", flat=True))
        return None

    HouseholdFromTokenMiddleware(view)(request)
    return seen


def _request(token=None, **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return RequestFactory().post("/graphql", **headers)


@pytest.fixture
def alice_tick(alice):
    with schema_context(alice.household.schema_name):
        Device.objects.create(name="Marker", kind=DeviceKind.SOLAR_PANEL, rated_capacity_w=42)


def test_token_selects_its_own_household_schema(alice, bob, alice_tick):
    assert _run(_request(alice.token)) == {"schema": alice.household.schema_name, "ticks": [42]}
    assert _run(_request(bob.token)) == {"schema": bob.household.schema_name, "ticks": []}


def test_anonymous_request_after_household_request_sees_nothing_of_it(alice, alice_tick):
    _run(_request(alice.token))

    with pytest.raises(ProgrammingError, match="does not exist"):
        _run(_request())
    assert connection.schema_name == "public"


def test_headers_and_host_cannot_choose_a_household(alice, bob, alice_tick):
    schema = alice.household.schema_name
    request = _request(bob.token, HTTP_X_TENANT=schema, HTTP_HOST=f"{schema}.households.invalid")

    assert _run(request) == {"schema": bob.household.schema_name, "ticks": []}


def test_invalid_token_stays_in_public(alice, alice_tick):
    request = _request(alice.token[:-2] + "xx")
    seen = {}

    def view(req):
        seen["schema"] = connection.schema_name
        seen["error"] = req.token_error

    HouseholdFromTokenMiddleware(view)(request)

    assert seen == {"schema": "public", "error": "Error decoding signature"}


def test_removed_member_loses_access_at_once(gql, alice):
    alice.household.memberships.all().delete()

    body = gql.execute("{ me { email household { name } } }", token=alice.token)

    assert body["data"]["me"] == {"email": "alice@example.com", "household": None}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("this is not json", "application/json"),
        ("{}", "application/json"),
        (json.dumps({"query": "{ me { "}), "application/json"),
        (json.dumps({"query": "{ nope }"}), "application/json"),
        (json.dumps({"query": "{ me { email } }", "variables": "[not json"}), "application/json"),
        (json.dumps({"query": 42}), "application/json"),
        (json.dumps([1, 2]), "application/json"),
        ("\x00\xff", "application/octet-stream"),
    ],
)
def test_malformed_requests_get_a_clean_json_error(gql, body, content_type):
    response = gql.http.post("/graphql", data=body, content_type=content_type)

    assert response.status_code in (400, 200)
    payload = response.json()
    assert payload["errors"][0]["message"]
    assert "Traceback" not in response.content.decode()
