"""Which households are planned again: never checked, devices changed, plan too old, charge drifted."""

from datetime import timedelta

from django.db import connection
from django_tenants.utils import schema_context

from devices.models import Device
from planning.services import households_plan, plans_due
from tests.planning.conftest import planned_home
from tests.planning.test_services import NOW


def _due(member, now):
    return member.household.pk in plans_due(now=now)


def test_a_household_never_checked_is_due(alice):
    with connection.cursor() as cursor:  # whatever earlier tests committed: this home was never checked
        cursor.execute(
            "DELETE FROM public.telemetry_householdplan WHERE household_id = %s", [alice.household.pk]
        )
    assert _due(alice, NOW)


def test_a_fresh_plan_is_not_due_and_an_hour_old_one_is(alice, prices):
    planned_home(alice)
    households_plan(household_ids=[alice.household.pk], prices=prices, now=NOW)

    assert not _due(alice, NOW + timedelta(minutes=5))
    assert _due(alice, NOW + timedelta(minutes=61))


def test_a_mode_or_target_change_makes_the_plan_due(alice, prices):
    devices = planned_home(alice)
    households_plan(household_ids=[alice.household.pk], prices=prices, now=NOW)
    assert not _due(alice, NOW)

    with schema_context(alice.household.schema_name):
        Device.objects.filter(pk=devices["car"].pk).update(charge_target_percent=90.0)

    assert _due(alice, NOW)


def test_a_charge_that_drifted_from_the_plan_makes_it_due(alice, prices):
    devices = planned_home(alice)
    households_plan(household_ids=[alice.household.pk], prices=prices, now=NOW)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO public.telemetry_devicelivestate (household_id, device_id, at, power_w, charge_wh) "
            "VALUES (%s, %s, %s, 0, %s)",
            [alice.household.pk, devices["battery"].pk, NOW + timedelta(minutes=30), 9_900.0],
        )

    assert _due(alice, NOW + timedelta(minutes=31))
