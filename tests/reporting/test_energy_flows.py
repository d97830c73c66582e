"""What went where: flows, solar/load/storage totals and storage reasons in the summary and history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from graphql_relay import to_global_id

from devices.models import DeviceKind, StorageMode
from telemetry.flows import FLOW_COLUMNS, NodePowers, allocate
from telemetry.models import DeviceHour, HouseholdHour
from tests.reporting.conftest import make_device, utc

SUMMARY = """
{
  energySummary {
    producedW consumedW gridImportW gridExportW solarW loadW storageChargeW storageDischargeW
    flows { source sink powerW }
    reasons { reason device { id name } }
  }
}
"""
HISTORY = """
query History($start: DateTime!, $end: DateTime!, $interval: Interval!, $deviceId: ID) {
  energyHistory(start: $start, end: $end, interval: $interval, deviceId: $deviceId) {
    start producedWh consumedWh importedWh exportedWh solarWh loadWh storageChargeWh storageDischargeWh
    selfSufficiencyPercent selfConsumptionPercent
    flows { source sink energyWh }
    reasons { reason device { name } }
  }
}
"""


def query(gql, token, text, variables=None) -> dict:
    body = gql.execute(text, variables, token=token)
    assert "errors" not in body, body
    return body["data"]


def test_the_summary_says_what_goes_where_now(gql, alice):
    make_device(alice.household, DeviceKind.SOLAR_PANEL, power_w=3000.0)
    make_device(alice.household, DeviceKind.BATTERY, name="Powerwall", power_w=1000.0)
    empty = make_device(alice.household, DeviceKind.BATTERY, name="Old battery", power_w=0.0, charge_wh=0.0)
    make_device(alice.household, DeviceKind.ELECTRIC_VEHICLE, power_w=-2000.0)
    make_device(alice.household, DeviceKind.APPLIANCE, power_w=-4500.0)

    result = query(gql, alice.token, SUMMARY)["energySummary"]

    assert (result["solarW"], result["loadW"], result["storageChargeW"], result["storageDischargeW"]) == (
        3000.0,
        4500.0,
        2000.0,
        1000.0,
    )
    # The contract's identities.
    assert result["producedW"] == result["solarW"] + result["storageDischargeW"]
    assert result["consumedW"] == result["loadW"] + result["storageChargeW"]
    assert result["flows"] == [
        {"source": "SOLAR", "sink": "HOME", "powerW": 3000.0},
        {"source": "BATTERY", "sink": "HOME", "powerW": 1000.0},
        {"source": "GRID", "sink": "HOME", "powerW": 500.0},
        {"source": "GRID", "sink": "ELECTRIC_VEHICLE", "powerW": 2000.0},
    ]
    grid_out = sum(flow["powerW"] for flow in result["flows"] if flow["source"] == "GRID")
    assert (grid_out, result["gridImportW"], result["gridExportW"]) == (2500.0, 2500.0, 0.0)
    # The home imports while the old battery sits empty; the Powerwall helps, so it has no reason.
    assert result["reasons"] == [
        {"reason": "EMPTY", "device": {"id": to_global_id("Device", str(empty.uid)), "name": "Old battery"}}
    ]


def test_an_exporting_home_sends_its_surplus_solar_to_the_grid(gql, bob):
    make_device(bob.household, DeviceKind.SOLAR_PANEL, power_w=4200.0)
    make_device(bob.household, DeviceKind.BATTERY, name="Full", power_w=0.0, charge_wh=13_500.0)
    make_device(bob.household, DeviceKind.APPLIANCE, power_w=-200.0)

    result = query(gql, bob.token, SUMMARY)["energySummary"]

    assert result["flows"] == [
        {"source": "SOLAR", "sink": "HOME", "powerW": 200.0},
        {"source": "SOLAR", "sink": "GRID", "powerW": 4000.0},
    ]
    assert result["reasons"] == [{"reason": "FULL", "device": result["reasons"][0]["device"]}]
    assert result["reasons"][0]["device"]["name"] == "Full"


def test_an_idle_home_has_no_flows(gql, bob):
    result = query(gql, bob.token, SUMMARY)["energySummary"]

    assert (result["flows"], result["reasons"], result["solarW"], result["loadW"]) == ([], [], 0.0, 0.0)


def hour_row(hour, powers: NodePowers) -> HouseholdHour:
    """A fully covered hour in which these powers (W) held throughout: energies in Wh are equal."""
    flow_wh = allocate(powers)
    net = powers.net_w
    return HouseholdHour(
        hour_start=hour,
        produced_wh=powers.solar_w + powers.storage_discharge_w,
        consumed_wh=powers.load_w + powers.storage_charge_w,
        imported_wh=max(-net, 0.0),
        exported_wh=max(net, 0.0),
        ticks=60,
        covered_seconds=3600,
        **{column: flow_wh[flow] for flow, column in FLOW_COLUMNS.items()},
    )


@pytest.fixture
def day_of_flows(alice):
    """Berlin, 2026-06-01: a sunny noon filling the battery, an evening it covers, a night it is empty."""
    battery = make_device(alice.household, DeviceKind.BATTERY, name="Powerwall", mode=StorageMode.AUTO)
    with schema_context(alice.household.schema_name):
        HouseholdHour.objects.bulk_create(
            [
                hour_row(utc(2026, 6, 1, 10), NodePowers(solar_w=4000, load_w=1000, battery_charge_w=2000)),
                hour_row(utc(2026, 6, 1, 18), NodePowers(load_w=1500, battery_discharge_w=1000)),
                hour_row(utc(2026, 6, 1, 21), NodePowers(load_w=800)),
            ]
        )
        DeviceHour.objects.bulk_create(
            [
                DeviceHour(device=battery, hour_start=utc(2026, 6, 1, 10), consumed_wh=2000, ticks=60,
                           covered_seconds=3600),
                DeviceHour(device=battery, hour_start=utc(2026, 6, 1, 18), produced_wh=1000, ticks=60,
                           covered_seconds=3600, empty_seconds=600),
                DeviceHour(device=battery, hour_start=utc(2026, 6, 1, 21), ticks=60, covered_seconds=3600,
                           empty_seconds=3600),
            ]
        )  # fmt: skip
    return battery


def history(gql, member, start, end, interval, device_id=None) -> list[dict]:
    variables = {"start": start, "end": end, "interval": interval, "deviceId": device_id}
    return query(gql, member.token, HISTORY, variables)["energyHistory"]


def test_a_day_bucket_says_what_went_where(gql, alice, day_of_flows):
    [day] = history(gql, alice, "2026-06-01T00:00:00+02:00", "2026-06-02T00:00:00+02:00", "DAY")

    assert (day["solarWh"], day["loadWh"], day["storageChargeWh"], day["storageDischargeWh"]) == (
        4000.0,
        3300.0,
        2000.0,
        1000.0,
    )
    assert day["producedWh"] == day["solarWh"] + day["storageDischargeWh"]
    assert day["consumedWh"] == day["loadWh"] + day["storageChargeWh"]
    assert day["flows"] == [
        {"source": "SOLAR", "sink": "HOME", "energyWh": 1000.0},
        {"source": "SOLAR", "sink": "BATTERY", "energyWh": 2000.0},
        {"source": "SOLAR", "sink": "GRID", "energyWh": 1000.0},
        {"source": "BATTERY", "sink": "HOME", "energyWh": 1000.0},
        {"source": "GRID", "sink": "HOME", "energyWh": 1300.0},
    ]
    # On the home's load (3300 Wh, 1300 from the grid), not on everything consumed (5300 Wh).
    assert day["selfSufficiencyPercent"] == round(100 * (1 - 1300 / 3300), 1)  # answers are rounded to 0.1
    assert day["selfConsumptionPercent"] == pytest.approx(75.0)
    assert day["reasons"] == [{"reason": "EMPTY", "device": {"name": "Powerwall"}}]


def test_hour_buckets_carry_their_own_reason_and_none_without_one(gql, alice, day_of_flows):
    hours = history(gql, alice, "2026-06-01T12:00:00+02:00", "2026-06-02T00:00:00+02:00", "HOUR")

    by_hour = {hour["start"][11:13]: hour for hour in hours}
    assert by_hour["12"]["reasons"] == []
    assert by_hour["20"]["reasons"] == [{"reason": "EMPTY", "device": {"name": "Powerwall"}}]
    assert by_hour["23"]["selfSufficiencyPercent"] == 0.0
    assert by_hour["23"]["selfConsumptionPercent"] is None
    assert by_hour["13"]["flows"] == [] and by_hour["13"]["selfSufficiencyPercent"] is None


def test_a_store_with_a_reason_in_many_buckets_is_read_live_once(gql, alice, day_of_flows):
    with schema_context(alice.household.schema_name):
        DeviceHour.objects.bulk_create(
            DeviceHour(device=day_of_flows, hour_start=utc(2026, 6, 2, hour), ticks=60, covered_seconds=3600,
                       empty_seconds=3600)
            for hour in range(24)
        )  # fmt: skip

    with CaptureQueriesContext(connection) as queries:
        hours = history(gql, alice, "2026-06-02T00:00:00+00:00", "2026-06-03T00:00:00+00:00", "HOUR")

    # Every hour names the empty battery; its live state is read once for the answer, not per hour.
    empty = [{"reason": "EMPTY", "device": {"name": "Powerwall"}}]
    assert [hour["reasons"] for hour in hours] == [empty] * 24
    assert len([q for q in queries.captured_queries if "telemetry_devicelivestate" in q["sql"]]) == 1


def test_one_device_has_its_own_totals_but_no_flows(gql, alice, day_of_flows):
    device_id = to_global_id("Device", str(day_of_flows.uid))
    [day] = history(gql, alice, "2026-06-01T00:00:00+02:00", "2026-06-02T00:00:00+02:00", "DAY", device_id)

    assert (day["storageChargeWh"], day["storageDischargeWh"], day["solarWh"], day["loadWh"]) == (
        2000.0,
        1000.0,
        0.0,
        0.0,
    )
    assert (day["flows"], day["selfSufficiencyPercent"], day["selfConsumptionPercent"]) == ([], None, None)
    assert day["reasons"] == [{"reason": "EMPTY", "device": {"name": "Powerwall"}}]


def test_another_household_sees_none_of_these_flows(gql, bob, day_of_flows):
    [day] = history(gql, bob, "2026-06-01T00:00:00-04:00", "2026-06-02T00:00:00-04:00", "DAY")

    assert (day["flows"], day["reasons"], day["solarWh"]) == ([], [], 0.0)


def test_a_flow_that_rounds_to_zero_is_not_listed(gql, bob):
    make_device(bob.household, DeviceKind.SOLAR_PANEL, power_w=1000.02)
    make_device(bob.household, DeviceKind.APPLIANCE, power_w=-1000.0)

    result = query(gql, bob.token, SUMMARY)["energySummary"]

    assert result["flows"] == [{"source": "SOLAR", "sink": "HOME", "powerW": 1000.0}]
    assert result["gridExportW"] == 0.0


def test_an_ev_away_says_so(gql, bob):
    make_device(bob.household, DeviceKind.APPLIANCE, power_w=-800.0)
    make_device(bob.household, DeviceKind.ELECTRIC_VEHICLE, name="Car", power_w=0.0, plugged_in=False)

    result = query(gql, bob.token, SUMMARY)["energySummary"]

    assert result["reasons"] == [{"reason": "AWAY", "device": result["reasons"][0]["device"]}]
    assert result["reasons"][0]["device"]["name"] == "Car"
    assert result["flows"] == [{"source": "GRID", "sink": "HOME", "powerW": 800.0}]
