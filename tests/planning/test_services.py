"""Plans made for a household, stored per home, and followed by the tick (real database)."""

from datetime import UTC, datetime, timedelta

import pytest
from django_tenants.utils import schema_context

from devices.models import Device, StorageMode
from planning.services import households_plan
from telemetry.models import DevicePlan, HouseholdPlan, Reading
from telemetry.services import HouseholdRef, households_tick
from tests.planning.conftest import planned_home

# 22:00 in Berlin: the night is cheap in these tests' prices, and no sun.
NOW = datetime(2026, 12, 7, 21, 0, tzinfo=UTC)


def _plan(member):
    with schema_context(member.household.schema_name):
        household_plan = HouseholdPlan.objects.get()
        return household_plan, {p.device_id: p for p in DevicePlan.objects.all()}


def test_a_home_with_planned_stores_gets_a_plan_per_store(alice, prices):
    devices = planned_home(alice)

    assert households_plan(household_ids=[alice.household.pk], prices=prices, now=NOW) == 1

    plan, per_device = _plan(alice)
    assert plan.start == NOW and plan.step_seconds == 900 and len(plan.grid_w) == 144
    assert set(per_device) == {devices["battery"].pk, devices["car"].pk}
    battery = per_device[devices["battery"].pk].power_w
    # Cheap for the first 4 hours, then dear: the battery charges first and supplies later.
    assert min(battery[:16]) < 0 and max(battery[16:]) > 0
    assert plan.expected_cost < plan.expected_cost_without_plan
    assert plan.currency == "EUR"


def test_a_home_without_planned_stores_has_an_empty_plan(alice, prices):
    planned_home(alice)
    households_plan(household_ids=[alice.household.pk], prices=prices, now=NOW)
    with schema_context(alice.household.schema_name):
        Device.objects.filter(mode=StorageMode.OPTIMIZED).update(mode=StorageMode.AUTO)
        Device.objects.filter(mode=StorageMode.SMART).update(mode=StorageMode.CHARGING)

    assert households_plan(household_ids=[alice.household.pk], prices=prices, now=NOW) == 0

    with schema_context(alice.household.schema_name):
        assert HouseholdPlan.objects.get().grid_w == []  # checked at its devices version: nothing to plan
        assert not DevicePlan.objects.exists()


def test_the_tick_follows_the_plan_step_in_force(alice, prices):
    devices = planned_home(alice)
    households_plan(household_ids=[alice.household.pk], prices=prices, now=NOW)
    _, per_device = _plan(alice)
    power = per_device[devices["battery"].pk].power_w
    step = next(i for i, w in enumerate(power) if w < 0)  # charging from the cheap grid
    planned_w = power[step]
    at = NOW + timedelta(minutes=15 * step + 1)

    households_tick(households=[HouseholdRef.of(alice.household)], at=at, seconds=60)

    with schema_context(alice.household.schema_name):
        reading = Reading.objects.get(device_id=devices["battery"].pk, at=at)
    assert reading.power_w == pytest.approx(planned_w)
    assert reading.mode == "optimized"


def test_without_a_plan_optimized_acts_as_auto_and_smart_charges(alice):
    devices = planned_home(alice)
    at = NOW + timedelta(minutes=1)

    households_tick(households=[HouseholdRef.of(alice.household)], at=at, seconds=60)

    with schema_context(alice.household.schema_name):
        battery = Reading.objects.get(device_id=devices["battery"].pk, at=at)
        car = Reading.objects.get(device_id=devices["car"].pk, at=at)
    assert battery.power_w > 0  # covers the evening's load, as AUTO does
    assert car.power_w == pytest.approx(-11_000.0)  # charges at full rate: the target is never at risk
