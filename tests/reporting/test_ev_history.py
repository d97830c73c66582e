"""An electric vehicle's history closes its energy: what it drove came from the home or from charging
away from home (chargedAwayWh), or out of its battery."""

from datetime import UTC, datetime, timedelta

import pytest
from django_tenants.utils import schema_context
from model_bakery import baker

from core.graphql.rounding import HALF_STEP
from devices.models import Device, DeviceKind, StorageMode
from telemetry.physics import STORAGE_EFFICIENCY
from telemetry.services import HouseholdRef, household_backfill
from tests.devices.conftest import global_id
from tests.telemetry.homes import live_device

HISTORY = """
query History($start: DateTime!, $end: DateTime!, $deviceId: ID) {
  energyHistory(start: $start, end: $end, interval: DAY, deviceId: $deviceId) {
    start producedWh consumedWh drivenWh chargedAwayWh complete
  }
}
"""
START = datetime(2026, 5, 3, 22, 0, tzinfo=UTC)  # a Monday in Berlin from its first minute
END = START + timedelta(days=7)
NOW = END + timedelta(days=1)
TICK_SECONDS = 900


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def _history(gql, member, device: Device | None) -> list[dict]:
    variables = {
        "start": START.isoformat(),
        "end": END.isoformat(),
        "deviceId": global_id(device) if device else None,
    }
    body = gql.execute(HISTORY, variables, token=member.token)
    assert "errors" not in body, body
    return body["data"]["energyHistory"]


@pytest.mark.parametrize("mode", [StorageMode.IDLE, StorageMode.CHARGING])
def test_what_the_car_drove_is_what_it_was_charged_at_home_and_away_less_what_it_kept(gql, alice, mode):
    with schema_context(alice.household.schema_name):
        Device.objects.all().delete()
        car = baker.make(
            Device,
            name="Car",
            kind=DeviceKind.ELECTRIC_VEHICLE,
            capacity_wh=40_000,
            charge_wh=8_000,
            max_charge_rate_w=3_700,
            max_discharge_rate_w=3_700,
            mode=mode,
        )
        fridge = baker.make(
            Device,
            name="Fridge",
            kind=DeviceKind.APPLIANCE,
            category="fridge",
            average_power_w=150,
            is_on=False,
        )
    household_backfill(household=HouseholdRef.of(alice.household), start=START, end=END, seconds=TICK_SECONDS)
    with schema_context(alice.household.schema_name):
        charge_after = live_device(pk=car.pk).charge_wh

    buckets = _history(gql, alice, car)

    assert len(buckets) == 7 and all(b["complete"] for b in buckets)
    driven = sum(b["drivenWh"] for b in buckets)
    away = sum(b["chargedAwayWh"] for b in buckets)
    home_in = sum(b["consumedWh"] for b in buckets) * STORAGE_EFFICIENCY
    home_out = sum(b["producedWh"] for b in buckets) / STORAGE_EFFICIENCY
    assert driven > 10_000  # a week of commuting
    # Each of the API's values is rounded to 0.1 Wh (core.graphql.rounding): 4 values x 7 buckets.
    rounding = 4 * len(buckets) * HALF_STEP / STORAGE_EFFICIENCY
    assert driven == pytest.approx(home_in - home_out + away - (charge_after - 8_000), abs=rounding)
    if mode == StorageMode.IDLE:
        assert away > 0.0  # it never charges at home, so its trips were charged on the road
    assert all(b["drivenWh"] is None and b["chargedAwayWh"] is None for b in _history(gql, alice, fridge))
    assert all(b["chargedAwayWh"] is None for b in _history(gql, alice, None))
