"""energySummary: the household's balance now, from the devices' current state."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from devices.models import DeviceKind, StorageMode
from reporting.selectors import energy_summary
from tests.reporting.conftest import make_device, statements, utc

SUMMARY = """
{
  energySummary {
    at producedW consumedW netW gridImportW gridExportW
    storageCapacityWh storageChargeWh storageChargePercent
    storage { capacityWh chargeWh chargePercent device { id name kind ... on Battery { mode } } }
  }
}
"""


def summary(gql, token) -> dict:
    body = gql.execute(SUMMARY, token=token)
    assert "errors" not in body, body
    return body["data"]["energySummary"]


def test_an_importing_home_adds_up_supply_and_draw(gql, alice):
    at = utc(2026, 6, 1, 12, 0)
    make_device(alice.household, DeviceKind.SOLAR_PANEL, power_w=3000.0, last_reading_at=at)
    battery = make_device(
        alice.household, DeviceKind.BATTERY, name="Powerwall", power_w=1000.0, last_reading_at=at
    )
    car = make_device(
        alice.household, DeviceKind.ELECTRIC_VEHICLE, name="Car", power_w=-7400.0, last_reading_at=at
    )
    make_device(
        alice.household, DeviceKind.APPLIANCE, power_w=-1500.0, last_reading_at=utc(2026, 6, 1, 11, 59)
    )

    result = summary(gql, alice.token)

    assert result["at"] == "2026-06-01T12:00:00+00:00"
    assert (result["producedW"], result["consumedW"], result["netW"]) == (4000.0, 8900.0, -4900.0)
    assert (result["gridImportW"], result["gridExportW"]) == (4900.0, 0.0)
    assert (result["storageCapacityWh"], result["storageChargeWh"]) == (73_500.0, 21_750.0)
    assert result["storageChargePercent"] == round(100 * 21_750 / 73_500, 1)  # 29.6
    assert result["storage"] == [
        {
            "capacityWh": 13_500.0,
            "chargeWh": 6750.0,
            "chargePercent": 50.0,
            "device": {
                "id": to_global_id("Device", str(battery.uid)),
                "name": "Powerwall",
                "kind": "BATTERY",
                "mode": "AUTO",
            },
        },
        {
            "capacityWh": 60_000.0,
            "chargeWh": 15_000.0,
            "chargePercent": 25.0,
            "device": {"id": to_global_id("Device", str(car.uid)), "name": "Car", "kind": "ELECTRIC_VEHICLE"},
        },
    ]


def test_an_exporting_home_has_positive_net(gql, bob):
    make_device(bob.household, DeviceKind.SOLAR_PANEL, power_w=4200.0)
    make_device(bob.household, DeviceKind.BATTERY, power_w=-2000.0, mode=StorageMode.AUTO)
    make_device(bob.household, DeviceKind.APPLIANCE, power_w=-200.0)

    result = summary(gql, bob.token)

    assert (result["producedW"], result["consumedW"], result["netW"]) == (4200.0, 2200.0, 2000.0)
    assert (result["gridImportW"], result["gridExportW"]) == (0.0, 2000.0)


def test_a_balanced_home_neither_imports_nor_exports(gql, bob):
    make_device(bob.household, DeviceKind.SOLAR_PANEL, power_w=1500.0)
    make_device(bob.household, DeviceKind.APPLIANCE, power_w=-1500.0)

    response = gql.post(SUMMARY, token=bob.token)

    assert '"gridImportW":0.0' in response.content.decode().replace(" ", "")
    assert response.json()["data"]["energySummary"]["gridExportW"] == 0.0


def test_a_home_without_devices_is_all_zero(gql, bob):
    result = summary(gql, bob.token)

    assert {key: value for key, value in result.items() if key != "at"} == {
        "producedW": 0.0,
        "consumedW": 0.0,
        "netW": 0.0,
        "gridImportW": 0.0,
        "gridExportW": 0.0,
        "storageCapacityWh": 0.0,
        "storageChargeWh": 0.0,
        "storageChargePercent": 0.0,
        "storage": [],
    }
    assert result["at"]


def test_each_household_sees_only_its_own_devices(gql, alice, bob):
    make_device(alice.household, DeviceKind.SOLAR_PANEL, power_w=3000.0)

    assert summary(gql, bob.token)["producedW"] == 0.0
    assert summary(gql, alice.token)["producedW"] == 3000.0


def test_the_summary_is_three_queries_whatever_the_number_of_devices(alice):
    for _ in range(12):
        make_device(alice.household, DeviceKind.BATTERY, power_w=-100.0)

    with CaptureQueriesContext(connection) as queries:
        result = energy_summary(household=alice.household)

    sql = statements(queries)
    assert len(sql) == 3  # the devices, their live state, the tariff in force (prices now)
    # Readings are read at the newest tick's instant only (devices other than stores), never summed.
    reads = [statement for statement in sql if "telemetry_reading" in statement]
    assert all("r.at = (SELECT" in statement and "sum(" not in statement.lower() for statement in reads)
    assert (result.consumed_w, len(result.storage)) == (1200.0, 12)


def test_the_summary_needs_a_token(gql, alice):
    body = gql.execute(SUMMARY)

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_user_without_a_household_is_refused(gql, staff):
    body = gql.execute(SUMMARY, token=staff.token)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
