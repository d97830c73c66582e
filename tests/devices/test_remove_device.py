"""removeDevice: the device and its readings go; an unknown id removes nothing."""

from datetime import UTC, datetime

from django_tenants.utils import schema_context

from devices.models import DeviceKind
from telemetry import partitions
from telemetry.models import Reading
from tests.devices.conftest import device_rows, global_id, make_device

REMOVE_DEVICE = """
mutation RemoveDevice($id: ID!) {
  removeDevice(id: $id) { removed errors { field message code } }
}
"""
DEVICE = "query Device($id: ID!) { device(id: $id) { id } }"


def test_device_is_removed_with_its_readings(api, alice, bob):
    # given
    device = make_device(alice, DeviceKind.BATTERY)
    kept = make_device(alice, DeviceKind.SOLAR_PANEL)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    partitions.partitions_ensure([at.date()])
    with schema_context(alice.household.schema_name):
        Reading.objects.create(device=device, at=at, power_w=-100, energy_wh=-1.7)
    # Readings share one table: Bob's reading of his device with the same per-schema id stays.
    with schema_context(bob.household.schema_name):
        Reading.objects.create(device_id=device.pk, at=at, power_w=-100, energy_wh=-1.7)

    # when
    payload = api.data(REMOVE_DEVICE, {"id": global_id(device)}, alice.token)["removeDevice"]

    # then
    assert payload == {"removed": True, "errors": []}
    assert [row["uid"] for row in device_rows(alice)] == [kept.uid]
    with schema_context(alice.household.schema_name):
        assert not Reading.objects.exists()
    with schema_context(bob.household.schema_name):
        assert Reading.objects.filter(device_id=device.pk).exists()
    assert api.data(DEVICE, {"id": global_id(device)}, alice.token)["device"] is None


def test_removing_twice_is_not_found_the_second_time(api, alice):
    device = make_device(alice)
    api.data(REMOVE_DEVICE, {"id": global_id(device)}, alice.token)

    payload = api.data(REMOVE_DEVICE, {"id": global_id(device)}, alice.token)["removeDevice"]

    assert payload == {
        "removed": False,
        "errors": [{"field": "id", "message": "No such device.", "code": "not_found"}],
    }


def test_malformed_id_removes_nothing(api, alice):
    make_device(alice)
    before = device_rows(alice)

    payload = api.data(REMOVE_DEVICE, {"id": "%%%"}, alice.token)["removeDevice"]

    assert payload["removed"] is False
    assert payload["errors"][0]["code"] == "not_found"
    assert device_rows(alice) == before
