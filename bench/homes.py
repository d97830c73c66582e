"""Benchmark households: provisioned like sign-up (tenant DDL replayed), with a typical device mix."""

from dataclasses import fields

from django.db import transaction
from django_tenants.utils import schema_context

from devices.models import ApplianceCategory, Device, DeviceKind, StorageMode
from households.models import Household, new_schema_name
from households.provisioning import schema_create
from telemetry.physics import DeviceState

APPLIANCES = [
    (ApplianceCategory.FRIDGE, 150),
    (ApplianceCategory.AIR_CONDITIONER, 3000),
    (ApplianceCategory.DISHWASHER, 1800),
    (ApplianceCategory.LIGHTING, 300),
    (ApplianceCategory.WATER_HEATER, 4000),
    (ApplianceCategory.WASHER, 500),
    (ApplianceCategory.OVEN, 2400),
]


def household_create(*, name: str, timezone: str) -> Household:
    with transaction.atomic():
        household = Household.objects.create(schema_name=new_schema_name(), name=name, timezone=timezone)
        schema_create(schema_name=household.schema_name)
    return household


def home_devices(*, appliances: int) -> list[dict]:
    """The benchmark home's devices as their fields: a 6 kW panel, an AUTO battery, an idle EV, then
    the first `appliances` of APPLIANCES (off). One description for every benchmark's home."""
    return [
        {"name": "Roof", "kind": DeviceKind.SOLAR_PANEL, "rated_capacity_w": 6000.0},
        {
            "name": "Battery",
            "kind": DeviceKind.BATTERY,
            "capacity_wh": 13500.0,
            "charge_wh": 6000.0,
            "max_charge_rate_w": 5000.0,
            "max_discharge_rate_w": 5000.0,
            "mode": StorageMode.AUTO,
        },
        {
            "name": "Car",
            "kind": DeviceKind.ELECTRIC_VEHICLE,
            "capacity_wh": 60000.0,
            "charge_wh": 40000.0,
            "max_charge_rate_w": 7400.0,
            "max_discharge_rate_w": 5000.0,
            "mode": StorageMode.IDLE,
        },
        *(
            {
                "name": category.label,
                "kind": DeviceKind.APPLIANCE,
                "category": category,
                "average_power_w": float(watts),
                "is_on": False,
            }
            for category, watts in APPLIANCES[:appliances]
        ),
    ]


def home_device_states(*, first_id: int, appliances: int) -> list[DeviceState]:
    """The benchmark home as the simulation sees it, its devices numbered from `first_id`."""
    simulated = {field.name for field in fields(DeviceState)}
    return [
        DeviceState(id=first_id + index, **{k: v for k, v in device.items() if k in simulated})
        for index, device in enumerate(home_devices(appliances=appliances))
    ]


def devices_create(household: Household, *, appliances: int) -> int:
    """The benchmark home's devices in the household's schema; returns the device count."""
    with schema_context(household.schema_name):
        devices = [Device(**device) for device in home_devices(appliances=appliances)]
        Device.objects.bulk_create(devices)
    return len(devices)
