"""devices.services called directly: values no GraphQL variable can carry still never reach the table."""

import math
import uuid

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from devices import limits, services
from devices.models import ApplianceCategory, Device, DeviceKind, StorageMode
from tests.devices.conftest import make_device

BATTERY = {"capacity_wh": 13500.0, "max_charge_rate_w": 5000.0, "max_discharge_rate_w": 7000.0}
EV = {"battery_capacity_wh": 60000.0, "max_charge_rate_w": 7400.0, "max_discharge_rate_w": 5000.0}


@pytest.fixture
def in_alice(alice):
    with schema_context(alice.household.schema_name):
        yield alice


def _codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def _refused(**kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        services.device_register(**kwargs)
    assert not Device.objects.exists()
    return _codes(caught.value)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 10**400])
@pytest.mark.parametrize(
    ("kind", "spec", "key"),
    [
        ("solar_panel", {}, "rated_capacity_w"),
        ("battery", BATTERY, "capacity_wh"),
        ("battery", BATTERY, "charge_percent"),
        ("electric_vehicle", EV, "max_discharge_rate_w"),
        ("appliance", {}, "average_power_w"),
    ],
)
def test_non_finite_numbers_are_refused(in_alice, kind, spec, key, value):
    codes = _refused(name="X", **{kind: {**spec, key: value}})

    assert codes[f"{kind}.{key}"] in (["not_finite"], ["out_of_range"])
    if isinstance(value, float):
        assert codes[f"{kind}.{key}"] == ["not_finite"]


@pytest.mark.parametrize("value", [True, "5000", [5000], {"w": 5000}])
def test_values_that_are_not_numbers_are_invalid(in_alice, value):
    assert _refused(name="X", solar_panel={"rated_capacity_w": value}) == {
        "solar_panel.rated_capacity_w": ["invalid"]
    }


def test_electric_vehicle_has_no_auto_mode(in_alice):
    assert _refused(name="Car", electric_vehicle={**EV, "mode": StorageMode.AUTO}) == {
        "electric_vehicle.mode": ["invalid_mode"]
    }


def test_unknown_mode_is_an_invalid_choice(in_alice):
    assert _refused(name="Wall", battery={**BATTERY, "mode": "turbo"}) == {"battery.mode": ["invalid_choice"]}


@pytest.mark.parametrize("category", [7, "jacuzzi", "fridge\x00"])
def test_unknown_category_is_an_invalid_choice(in_alice, category):
    assert _refused(name="A", appliance={"category": category}) == {"appliance.category": ["invalid_choice"]}


@pytest.mark.parametrize("name", [None, 42, "", " \t ", "x" * 101, "a\x00b", "a\x7fb"])
def test_bad_names_are_refused(in_alice, name):
    assert list(_refused(name=name, solar_panel={"rated_capacity_w": 1.0})) == ["name"]


def test_missing_required_ratings_are_reported_each(in_alice):
    assert _refused(name="Wall", battery={}) == {
        "battery.capacity_wh": ["required"],
        "battery.max_charge_rate_w": ["required"],
        "battery.max_discharge_rate_w": ["required"],
    }


@pytest.mark.parametrize("capacity_wh", [89077.99342376622, 99162.95246412874, 117800.86259425235])
def test_full_charge_never_exceeds_capacity_after_rounding(in_alice, capacity_wh):
    """capacity x 100 / 100 is one rounding step above these capacities; the check constraint would fail."""
    battery = {**BATTERY, "capacity_wh": capacity_wh, "charge_percent": 100.0}

    device = services.device_register(name="Wall", battery=battery)

    device.refresh_from_db()
    assert device.charge_wh == device.capacity_wh == capacity_wh


def test_smallest_positive_float_is_a_valid_rating(in_alice):
    device = services.device_register(name="Tiny", battery={**BATTERY, "capacity_wh": 5e-324})

    device.refresh_from_db()
    assert 0 <= device.charge_wh <= device.capacity_wh == 5e-324


def test_shrinking_a_capacity_below_the_charge_leaves_the_store_full(in_alice):
    device = make_device(in_alice, DeviceKind.BATTERY, capacity_wh=13500.0, charge_wh=12000.0)

    services.device_update(uid=device.uid, battery={"capacity_wh": 10000.0})

    device.refresh_from_db()
    assert (device.capacity_wh, device.charge_wh) == (10000.0, 10000.0)


def test_growing_a_capacity_keeps_the_stored_energy(in_alice):
    device = make_device(in_alice, DeviceKind.ELECTRIC_VEHICLE, capacity_wh=60000.0, charge_wh=30000.0)

    services.device_update(uid=device.uid, electric_vehicle={"battery_capacity_wh": 75000.0})

    device.refresh_from_db()
    assert (device.capacity_wh, device.charge_wh) == (75000.0, 30000.0)


def test_unknown_uid_is_not_found_for_every_write(in_alice):
    uid = uuid.uuid4()

    for call in (
        lambda: services.device_update(uid=uid, name="X"),
        lambda: services.device_set_mode(uid=uid, mode=StorageMode.IDLE),
        lambda: services.device_remove(uid=uid),
    ):
        with pytest.raises(ValidationError) as caught:
            call()
        assert _codes(caught.value) == {"id": ["not_found"]}


def test_category_default_draws_cover_every_category():
    assert set(limits.APPLIANCE_DEFAULT_POWER_W) == set(ApplianceCategory)
    assert all(
        0 < watts <= limits.APPLIANCE_AVERAGE_POWER_MAX_W
        for watts in limits.APPLIANCE_DEFAULT_POWER_W.values()
    )
