"""Storage modes and appliance categories, defined once in plain Python (no Django).

The model choices (devices.models), the GraphQL enums, the device-kind registry and the physics
(telemetry) all derive from these enums; each member's label is what the admin and
`applianceCategories` show.
"""

from enum import StrEnum


class StorageMode(StrEnum):
    AUTO = "auto"
    CHARGING = "charging"
    DISCHARGING = "discharging"
    IDLE = "idle"
    SOLAR = "solar"
    OPTIMIZED = "optimized"
    SMART = "smart"


MODE_LABELS = {
    StorageMode.AUTO: "Automatic (covers the home)",
    StorageMode.CHARGING: "Charging",
    StorageMode.DISCHARGING: "Discharging",
    StorageMode.IDLE: "Idle",
    StorageMode.SOLAR: "Solar surplus only (EVs)",
    StorageMode.OPTIMIZED: "Follows the home's cost-optimal plan (batteries)",
    StorageMode.SMART: "Reaches its charge target at the least cost (EVs)",
}

CHARGING_MODES = frozenset({StorageMode.AUTO, StorageMode.CHARGING, StorageMode.SOLAR})
"""Modes in which a store may take energy in."""
DISCHARGING_MODES = frozenset({StorageMode.AUTO, StorageMode.DISCHARGING})
"""Modes in which a store may give energy out."""
PLANNED_MODES = frozenset({StorageMode.OPTIMIZED, StorageMode.SMART})
"""Modes in which a store follows its home's plan (telemetry.plans, planning)."""


class ApplianceCategory(StrEnum):
    AIR_CONDITIONER = "air_conditioner"
    HEATING = "heating"
    DISHWASHER = "dishwasher"
    FRIDGE = "fridge"
    WASHER = "washer"
    DRYER = "dryer"
    OVEN = "oven"
    LIGHTING = "lighting"
    WATER_HEATER = "water_heater"
    POOL_PUMP = "pool_pump"
    OTHER = "other"


CATEGORY_LABELS = {
    ApplianceCategory.AIR_CONDITIONER: "Air conditioner",
    ApplianceCategory.HEATING: "Heat pump / electric heating",
    ApplianceCategory.DISHWASHER: "Dishwasher",
    ApplianceCategory.FRIDGE: "Fridge",
    ApplianceCategory.WASHER: "Washing machine",
    ApplianceCategory.DRYER: "Tumble dryer",
    ApplianceCategory.OVEN: "Oven",
    ApplianceCategory.LIGHTING: "Lighting",
    ApplianceCategory.WATER_HEATER: "Water heater",
    ApplianceCategory.POOL_PUMP: "Pool pump",
    ApplianceCategory.OTHER: "Other",
}
