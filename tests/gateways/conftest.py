"""Gateway tests: keys made through the service, REPORTED devices written into the home's schema."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from devices.models import Device, DeviceKind, TelemetrySource
from gateways.services import gateway_key_create
from telemetry import services
from tests.devices.conftest import global_id, make_device


def reported(member, kind: str = DeviceKind.SOLAR_PANEL, **overrides) -> Device:
    return make_device(member, kind, source=TelemetrySource.REPORTED, **overrides)


def key_for(member, name: str = "Inverter gateway") -> str:
    return gateway_key_create(household=member.household, name=name).key


def reading(device: Device, at: datetime, power_w: float, **extra) -> dict:
    return {"device": global_id(device), "at": at.isoformat(), "powerW": power_w, **extra}


def past_instant(minutes: int = 10) -> datetime:
    """A tick instant `minutes` ago (whole minutes, UTC)."""
    return services.tick_instant(now=datetime.now(UTC) - timedelta(minutes=minutes), seconds=60)


class Ingest:
    """POST /ingest/readings through every middleware, like a gateway in the home."""

    def __init__(self) -> None:
        self.http = Client(raise_request_exception=False)

    def post(self, key: str | None, body, *, scheme: str = "Gateway"):
        headers = {"Authorization": f"{scheme} {key}"} if key else {}
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        return self.http.post("/ingest/readings", data=data, content_type="application/json", headers=headers)


@pytest.fixture
def ingest(db) -> Ingest:
    return Ingest()
