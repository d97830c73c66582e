"""The operators see which devices a gateway feeds, when each last reported, and which are stale."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from devices.models import DeviceKind
from telemetry import ingest, services
from tests.devices.conftest import make_device
from tests.gateways.conftest import reported

LIST_URL = "/admin/households/household/"


@pytest.fixture
def operator(staff) -> Client:
    staff.user.is_superuser = True
    staff.user.save()
    client = Client()
    client.force_login(staff.user)
    return client


def test_reported_devices_are_counted_listed_and_flagged_when_stale(operator, alice):
    live = reported(alice, name="Live inverter")
    quiet = reported(alice, DeviceKind.APPLIANCE, name="Quiet meter")
    make_device(alice, DeviceKind.APPLIANCE)
    household = services.HouseholdRef.of(alice.household)
    now = datetime.now(UTC).replace(microsecond=0)
    ingest.samples_ingest(
        household=household,
        samples=[
            ingest.Sample(live.pk, now - timedelta(seconds=30), 1200.0, None),
            ingest.Sample(quiet.pk, now - timedelta(minutes=20), -300.0, None),
        ],
    )
    services.households_tick(households=[household], at=services.tick_instant(seconds=60), seconds=60)

    listing = operator.get(LIST_URL).content.decode()
    row = next(r for r in re.findall(r"<tr.*?</tr>", listing, re.S) if "Alice" in r)
    assert re.search(r"field-devices[^>]*>3 \(2 reported\)<", row), row

    page = operator.get(f"{LIST_URL}{alice.household.pk}/change/").content.decode()
    rows = {
        name: r
        for r in re.findall(r"<tr>.*?</tr>", page, re.S)
        for name in ("Live inverter", "Quiet meter", "Fridge")
        if name in r
    }
    assert "reported" in rows["Live inverter"] and "stale" not in rows["Live inverter"]
    assert "reported" in rows["Quiet meter"] and "stale" in rows["Quiet meter"]
    assert "simulated" in rows["Fridge"]
