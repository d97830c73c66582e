"""Benchmark households: provisioned like sign-up (tenant DDL replayed), with a typical device mix."""

from django.db import transaction
from django_tenants.utils import schema_context

from devices.models import ApplianceCategory, Device, DeviceKind, StorageMode
from households.models import Household, new_schema_name
from households.provisioning import schema_create

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


def devices_create(household: Household, *, appliances: int) -> int:
    """Solar + battery + EV + `appliances` appliances; returns the device count."""
    with schema_context(household.schema_name):
        devices = [
            Device(name="Roof", kind=DeviceKind.SOLAR_PANEL, rated_capacity_w=6000),
            Device(
                name="Battery",
                kind=DeviceKind.BATTERY,
                capacity_wh=13500,
                charge_wh=6000,
                max_charge_rate_w=5000,
                max_discharge_rate_w=5000,
                mode=StorageMode.AUTO,
            ),
            Device(
                name="Car",
                kind=DeviceKind.ELECTRIC_VEHICLE,
                capacity_wh=60000,
                charge_wh=40000,
                max_charge_rate_w=7400,
                max_discharge_rate_w=5000,
                mode=StorageMode.IDLE,
            ),
        ]
        devices += [
            Device(
                name=category.label,
                kind=DeviceKind.APPLIANCE,
                category=category,
                average_power_w=watts,
                is_on=False,
            )
            for category, watts in APPLIANCES[:appliances]
        ]
        Device.objects.bulk_create(devices)
    return len(devices)
