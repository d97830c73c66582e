"""A kind registered at run time (devices.kinds.register), in this test only, is stored, ticked,
reported and counted like a built-in one, through the same code paths.

The database learns its shape from `devices.models.shape_constraint()`, as a migration would. The
GraphQL schema, built at import, names no new type or enum member for it (see
docs/adding-a-device-kind.md), so its device is read here through the API surfaces that do not
name kinds (energy history, per device and per home, and the energy summary) and its count through
the fleet's selectors.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.services import tokens_issue
from devices import kinds, limits
from devices.kinds import FieldSpec, KindSpec
from devices.models import Device, shape_constraint
from devices.services import device_register
from reporting.selectors import fleet_totals
from telemetry import services
from telemetry.models import HouseholdSnapshot
from tests.conftest import PASSWORD
from tests.devices.conftest import global_id
from tests.telemetry.homes import live_device

HOUR_START = datetime(2026, 6, 21, 10, 0, tzinfo=UTC)
TICK_S = 600
FREEZER = KindSpec(
    "FREEZER",
    "freezer",
    "Freezer",
    "Freezer",
    "A chest freezer: an appliance that is never a fridge's shape by accident.",
    "Freezers",
    storage=False,
    physics="appliance",
    fields=(
        FieldSpec(
            "average_power_w",
            "Average draw while on, W.",
            check="rating",
            unit="W",
            maximum=limits.APPLIANCE_AVERAGE_POWER_MAX_W,
            required=True,
        ),
        FieldSpec(
            "category", "Cycles like a fridge.", check="category", graphql_type="String", default="fridge"
        ),
        FieldSpec("is_on", "Whether it draws now.", graphql_type="Boolean", default=False),
    ),
)
HISTORY = """
query($start: DateTime!, $end: DateTime!, $deviceId: ID) {
  energyHistory(start: $start, end: $end, interval: HOUR, deviceId: $deviceId) {
    producedWh consumedWh solarWh loadWh storageChargeWh storageDischargeWh complete
    flows { source sink energyWh }
  }
}
"""
SUMMARY = "{ energySummary { consumedW loadW flows { source sink powerW } } }"
FLEET = "{ fleetSummary { devices } }"


@pytest.fixture
def freezer_kind():
    kinds.register(FREEZER)
    yield FREEZER
    kinds.unregister(FREEZER.value)


def _constraint_follows_registry() -> None:
    """What the migration adding a kind does: the shape constraint re-created from the registry."""
    with connection.schema_editor() as editor:
        editor.remove_constraint(Device, shape_constraint())
        editor.add_constraint(Device, shape_constraint())


def _history(gql, member, device_id=None) -> dict:
    variables = {"start": HOUR_START.isoformat(), "end": (HOUR_START + timedelta(hours=1)).isoformat()}
    body = gql.execute(HISTORY, {**variables, "deviceId": device_id}, token=member.token)
    assert "errors" not in body, body
    [bucket] = body["data"]["energyHistory"]
    return bucket


def _into_home(flows: list[dict], unit: str) -> float:
    return sum(flow[unit] for flow in flows if flow["sink"] == "HOME")


def test_a_kind_registered_at_run_time_is_ticked_reported_and_counted(gql, alice, freezer_kind):
    with schema_context(alice.household.schema_name):
        with pytest.raises(IntegrityError), transaction.atomic():
            Device.objects.create(
                name="Too soon", kind="freezer", average_power_w=90.0, category="fridge", is_on=False
            )
        _constraint_follows_registry()
        freezer = device_register(name="Chest freezer", freezer={"average_power_w": 90.0})
        fridge = device_register(name="Fridge", appliance={"category": "fridge", "average_power_w": 150.0})
        device_register(name="Roof", solar_panel={"rated_capacity_w": 4000.0})
    assert (freezer.kind, freezer.category, freezer.is_on) == ("freezer", "fridge", False)

    for step in range(3600 // TICK_S):
        report = services.fleet_tick_in_process(
            at=HOUR_START + timedelta(seconds=step * TICK_S), seconds=TICK_S
        )
        assert report.failed == []

    with schema_context(alice.household.schema_name):
        assert live_device(pk=freezer.pk).last_reading_at == HOUR_START + timedelta(seconds=3600 - TICK_S)
    device = _history(gql, alice, global_id(freezer))
    assert device["consumedWh"] > 0 and device["complete"]
    assert device["loadWh"] == device["consumedWh"]
    assert device["producedWh"] == device["solarWh"] == device["storageChargeWh"] == 0.0
    home = _history(gql, alice)
    fridge_wh = _history(gql, alice, global_id(fridge))["consumedWh"]
    # Energy is conserved: the home consumed what its two appliances drew, all of it load.
    assert home["consumedWh"] == pytest.approx(device["consumedWh"] + fridge_wh, abs=0.2)
    assert home["loadWh"] == pytest.approx(home["consumedWh"], abs=0.1)
    assert _into_home(home["flows"], "energyWh") == pytest.approx(home["loadWh"], abs=0.2)

    body = gql.execute(SUMMARY, token=alice.token)
    assert "errors" not in body, body
    summary = body["data"]["energySummary"]
    with schema_context(alice.household.schema_name):
        drawing_w = -live_device(pk=freezer.pk).power_w - live_device(pk=fridge.pk).power_w
    assert summary["consumedW"] == summary["loadW"] == pytest.approx(drawing_w, abs=0.1)
    assert _into_home(summary["flows"], "powerW") == pytest.approx(summary["loadW"], abs=0.2)

    snapshot = HouseholdSnapshot.objects.get(household=alice.household)
    assert snapshot.devices_by_kind == {"freezer": 1, "appliance": 1, "solar_panel": 1}
    fleet = fleet_totals(now=HOUR_START + timedelta(seconds=3600 - TICK_S))
    assert fleet.devices_by_kind["freezer"] == 1
    assert ("Freezer", 1) in fleet.labelled_counts
    operator = User.objects.create_user(email="operator@example.com", password=PASSWORD, is_staff=True)
    answer = gql.execute(FLEET, token=tokens_issue(user=operator).token)["data"]["fleetSummary"]
    assert answer["devices"] == fleet.devices
