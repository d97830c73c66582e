"""Devices tests: rows written straight into a household's schema, and strict response checks."""

import base64
from typing import Any

import pytest
from django_tenants.utils import schema_context
from model_bakery import baker

from devices.kinds import KindSpec
from devices.models import ApplianceCategory, Device, DeviceKind, StorageMode
from devices.services import device_register


def global_id(device: Device) -> str:
    return base64.b64encode(f"Device:{device.uid}".encode()).decode()


def make_device(member, kind: str = DeviceKind.SOLAR_PANEL, **overrides) -> Device:
    """One valid device of `kind` in the member's household."""
    fields = {
        DeviceKind.SOLAR_PANEL: {"name": "Roof", "rated_capacity_w": 5000.0},
        DeviceKind.BATTERY: {
            "name": "Powerwall",
            "capacity_wh": 13500.0,
            "charge_wh": 6750.0,
            "max_charge_rate_w": 5000.0,
            "max_discharge_rate_w": 7000.0,
            "mode": StorageMode.AUTO,
            "reserve_percent": 10.0,
        },
        DeviceKind.ELECTRIC_VEHICLE: {
            "name": "Car",
            "capacity_wh": 60000.0,
            "charge_wh": 30000.0,
            "max_charge_rate_w": 7400.0,
            "max_discharge_rate_w": 5000.0,
            "mode": StorageMode.IDLE,
        },
        DeviceKind.APPLIANCE: {
            "name": "Fridge",
            "average_power_w": 150.0,
            "category": ApplianceCategory.FRIDGE,
            "is_on": False,
        },
    }[kind]
    with schema_context(member.household.schema_name):
        return baker.make(Device, kind=kind, **{**fields, **overrides})


def minimal_spec(kind: KindSpec) -> dict[str, Any]:
    """The smallest valid nested input of a registry kind: a value for each required field."""
    examples = {
        "rating": lambda field: field.maximum / 10,
        "degrees": lambda field: sum(field.bounds) / 2,
        "range": lambda field: sum(field.bounds) / 2,
        "percent": lambda field: 50.0,
        "mode": lambda field: field.choices[0],
        "category": lambda field: field.default,
    }
    return {field.name: examples[field.check](field) for field in kind.fields if field.required}


def register_device(member, kind: KindSpec) -> Device:
    """One device of a registry kind in the member's household, registered as a client would."""
    with schema_context(member.household.schema_name):
        return device_register(name=kind.label, **{kind.value: minimal_spec(kind)})


def device_rows(member) -> list[dict]:
    """Every column of every device of the household, to prove that nothing changed."""
    with schema_context(member.household.schema_name):
        return list(Device.objects.order_by("id").values())


def device_count(member) -> int:
    with schema_context(member.household.schema_name):
        return Device.objects.count()


class DevicesAPI:
    """The real /graphql endpoint, with every response checked for a server error first."""

    def __init__(self, gql) -> None:
        self.gql = gql

    def post(self, query: str, variables: dict | None = None, token: str | None = None) -> tuple[int, dict]:
        response = self.gql.post(query, variables, token)
        assert response.status_code in (200, 400), response.content[:500]
        return response.status_code, response.json()

    def post_raw(self, body: str, token: str | None = None) -> tuple[int, dict]:
        """Send a request body as written, e.g. JSON numbers no float can hold."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.gql.http.post("/graphql", data=body, content_type="application/json", headers=headers)
        assert response.status_code in (200, 400), response.content[:500]
        return response.status_code, response.json()

    def data(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        """A call that must succeed at the GraphQL level (payload errors are still data)."""
        status, body = self.post(query, variables, token)
        assert status == 200 and "errors" not in body, body
        return body["data"]

    def refused(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        """A call that must fail as a whole: a top-level error and no device data."""
        _, body = self.post(query, variables, token)
        assert body.get("errors"), body
        assert not any((body.get("data") or {}).values()), body
        return body


@pytest.fixture
def api(gql) -> DevicesAPI:
    return DevicesAPI(gql)
