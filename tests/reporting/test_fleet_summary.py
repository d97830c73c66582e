"""fleetSummary: staff-only fleet totals from the public snapshots, in one query."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from devices.kinds import KINDS
from households.models import Household
from reporting.models import FleetTotals
from reporting.selectors import fleet_totals
from reporting.services import fleet_totals_refresh
from telemetry.models import HouseholdSnapshot
from tests.reporting.conftest import statements

FLEET = """
{
  fleetSummary {
    households staleHouseholds devices devicesByKind { kind count }
    producedW consumedW netW storageCapacityWh storageChargeWh storageChargePercent at
    solarW loadW storageChargeW storageDischargeW gridImportW gridExportW
  }
}
"""


def snapshots(alice, bob):
    now = timezone.now().replace(microsecond=0)
    HouseholdSnapshot.objects.create(
        household=alice.household,
        at=now,
        produced_w=4000.0,
        consumed_w=1500.0,
        net_w=2500.0,
        storage_capacity_wh=13_500.0,
        storage_charge_wh=6750.0,
        devices_by_kind={"solar_panel": 1, "battery": 1, "appliance": 3},
        solar_w=4000.0,
        load_w=1000.0,
        storage_charge_w=500.0,
        grid_export_w=2500.0,
    )
    HouseholdSnapshot.objects.create(
        household=bob.household,
        at=now - timedelta(hours=2),
        produced_w=0.0,
        consumed_w=2200.0,
        net_w=-2200.0,
        storage_capacity_wh=60_000.0,
        storage_charge_wh=30_000.0,
        devices_by_kind={"electric_vehicle": 1, "appliance": 2},
        load_w=1200.0,
        storage_charge_w=1000.0,
        grid_import_w=2200.0,
    )
    return now


def test_staff_see_the_fleet_totals_of_the_last_fleet_tick(gql, alice, bob, staff, kolkata):
    now = snapshots(alice, bob)
    households = Household.objects.count()
    fleet_totals_refresh()

    body = gql.execute(FLEET, token=staff.token)

    assert "errors" not in body, body
    fleet = body["data"]["fleetSummary"]
    assert fleet == {
        "households": households,
        "staleHouseholds": households - 1,  # bob's snapshot is old, Priya's home never ticked
        "devices": 8,
        # Every registry kind, in registry order; the kinds nobody has count 0.
        "devicesByKind": [
            {
                "kind": kind.name,
                "count": {"solar_panel": 1, "battery": 1, "electric_vehicle": 1, "appliance": 5}.get(
                    kind.value, 0
                ),
            }
            for kind in KINDS
        ],
        "producedW": 4000.0,
        "consumedW": 3700.0,
        "netW": 300.0,
        "storageCapacityWh": 73_500.0,
        "storageChargeWh": 36_750.0,
        "storageChargePercent": 50.0,
        "at": now.isoformat(),
        "solarW": 4000.0,
        "loadW": 2200.0,
        "storageChargeW": 1500.0,
        "storageDischargeW": 0.0,
        # Per household: Alice's export does not cancel Bob's import (the net is 300 W).
        "gridImportW": 2200.0,
        "gridExportW": 2500.0,
    }


def test_before_any_fleet_tick_every_home_counts_stale_with_zeros_and_nothing_is_written(gql, staff, alice):
    FleetTotals.objects.all().delete()  # as on a new installation (rolled back with the test)

    fleet = gql.execute(FLEET, token=staff.token)["data"]["fleetSummary"]

    households = Household.objects.count()
    assert (fleet["households"], fleet["staleHouseholds"]) == (households, households)
    assert (fleet["devices"], fleet["producedW"], fleet["storageChargePercent"], fleet["at"]) == (
        0,
        0.0,
        0.0,
        None,
    )
    assert not FleetTotals.objects.exists()


def _snapshot_at(household, at):
    HouseholdSnapshot.objects.update_or_create(household=household, defaults={"at": at})


def test_stale_means_no_tick_for_three_intervals(alice, bob, settings):
    settings.TELEMETRY_TICK_SECONDS = 60
    tick = timezone.now().replace(microsecond=0)
    _snapshot_at(alice.household, tick - timedelta(seconds=120))  # missed two ticks: live
    _snapshot_at(bob.household, tick - timedelta(seconds=180))  # missed three: stale
    households = Household.objects.count()  # the others never ticked: stale

    fleet = fleet_totals_refresh(at=tick)

    assert (fleet.households, fleet.stale_households) == (households, households - 1)
    assert fleet_totals(now=tick).stale_households == households - 1


def test_when_the_fleet_stops_ticking_every_home_turns_stale_without_a_write(alice, settings):
    settings.TELEMETRY_TICK_SECONDS = 60
    tick = timezone.now().replace(microsecond=0)
    _snapshot_at(alice.household, tick)
    fleet_totals_refresh(at=tick)
    households = Household.objects.count()

    assert fleet_totals(now=tick + timedelta(seconds=179)).stale_households == households - 1
    with CaptureQueriesContext(connection) as queries:
        later = fleet_totals(now=tick + timedelta(seconds=180))
    assert later.stale_households == households
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in statements(queries))


def test_homeowners_get_a_permission_error(gql, alice):
    body = gql.execute(FLEET, token=alice.token)

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_anonymous_callers_must_authenticate(gql):
    body = gql.execute(FLEET)

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_the_fleet_totals_are_one_public_aggregate_per_tick(alice, bob, kolkata):
    snapshots(alice, bob)

    with CaptureQueriesContext(connection) as queries:
        fleet_totals_refresh()

    # The snapshots are telemetry's table; no reading, rollup or tenant table is scanned.
    aggregate = statements(queries)[0].replace("telemetry_householdsnapshot", "snapshot")
    assert "telemetry_" not in aggregate and "devices_" not in aggregate
    assert fleet_totals().households == Household.objects.count()


def test_reading_the_fleet_is_one_primary_key_lookup(alice, bob, kolkata):
    snapshots(alice, bob)
    fleet_totals_refresh()

    with CaptureQueriesContext(connection) as queries:
        fleet = fleet_totals()

    [sql] = statements(queries)
    assert "reporting_fleettotals" in sql and "households_household" not in sql
    assert fleet.produced_w == 4000.0


def test_totals_move_only_when_the_fleet_tick_refreshes_them(alice, bob, kolkata):
    snapshots(alice, bob)
    fleet_totals_refresh()
    HouseholdSnapshot.objects.filter(household=alice.household).update(produced_w=9000.0)

    before = fleet_totals().produced_w
    fleet_totals_refresh()

    assert (before, fleet_totals().produced_w) == (4000.0, 9000.0)
