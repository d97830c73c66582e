"""Typical device mixes for telemetry tests, written in the current household schema."""

from model_bakery import baker

from devices.models import ApplianceCategory, Device, DeviceKind, StorageMode
from telemetry import selectors


def live_device(**lookup) -> Device:
    """A device of the current household as the API shows it: with its live state."""
    return selectors.devices_with_live_state([Device.objects.get(**lookup)])[0]


def typical_home_devices() -> list[Device]:
    return [
        baker.make(Device, name="Roof", kind=DeviceKind.SOLAR_PANEL, rated_capacity_w=5000),
        baker.make(
            Device,
            name="Powerwall",
            kind=DeviceKind.BATTERY,
            capacity_wh=13500,
            charge_wh=6750,
            max_charge_rate_w=5000,
            max_discharge_rate_w=7000,
            mode=StorageMode.AUTO,
        ),
        baker.make(
            Device,
            name="Car",
            kind=DeviceKind.ELECTRIC_VEHICLE,
            capacity_wh=60000,
            charge_wh=30000,
            max_charge_rate_w=7400,
            max_discharge_rate_w=5000,
            mode=StorageMode.CHARGING,
        ),
        *(
            baker.make(
                Device,
                name=category.label,
                kind=DeviceKind.APPLIANCE,
                category=category,
                average_power_w=watts,
                is_on=False,
            )
            for category, watts in [
                (ApplianceCategory.FRIDGE, 150),
                (ApplianceCategory.AIR_CONDITIONER, 3000),
                (ApplianceCategory.DISHWASHER, 1800),
                (ApplianceCategory.LIGHTING, 300),
            ]
        ),
    ]
