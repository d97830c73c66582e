"""Planning tests: a home with a panel, appliances, a battery and a commuter EV, and prices given."""

from datetime import time

import numpy as np
import pytest
from django_tenants.utils import schema_context
from model_bakery import baker

from devices.models import ApplianceCategory, Device, DeviceKind, StorageMode
from planning.homeplan import Prices


def two_price_levels(cheap_steps: int = 16, cheap: float = 0.10, dear: float = 0.40):
    """A price source: the first `cheap_steps` steps cheap, the rest dear; feed-in 0.05."""

    def prices(household, start, steps, now) -> Prices:
        imports = np.full(steps, dear)
        imports[:cheap_steps] = cheap
        return Prices(imports, np.full(steps, 0.05), "EUR")

    return prices


def planned_home(
    member, *, battery_mode=StorageMode.OPTIMIZED, ev_mode=StorageMode.SMART
) -> dict[str, Device]:
    with schema_context(member.household.schema_name):
        devices = {
            "panel": baker.make(Device, kind=DeviceKind.SOLAR_PANEL, name="Roof", rated_capacity_w=5000.0),
            "fridge": baker.make(
                Device,
                kind=DeviceKind.APPLIANCE,
                name="Fridge",
                average_power_w=150.0,
                category=ApplianceCategory.FRIDGE,
                is_on=False,
            ),
            "other": baker.make(
                Device,
                kind=DeviceKind.APPLIANCE,
                name="Base",
                average_power_w=400.0,
                category=ApplianceCategory.OTHER,
                is_on=False,
            ),
            "battery": baker.make(
                Device,
                kind=DeviceKind.BATTERY,
                name="Battery",
                capacity_wh=10_000.0,
                charge_wh=5_000.0,
                max_charge_rate_w=5_000.0,
                max_discharge_rate_w=5_000.0,
                mode=battery_mode,
            ),
            "car": baker.make(
                Device,
                kind=DeviceKind.ELECTRIC_VEHICLE,
                name="Car",
                capacity_wh=60_000.0,
                charge_wh=20_000.0,
                max_charge_rate_w=11_000.0,
                max_discharge_rate_w=5_000.0,
                mode=ev_mode,
                charge_target_percent=80.0 if ev_mode == StorageMode.SMART else None,
                ready_by=time(7, 0) if ev_mode == StorageMode.SMART else None,
            ),
        }
    return devices


@pytest.fixture
def prices():
    return two_price_levels()
