"""The device kinds, described once: plain Python (no Django), so every layer can derive from it.

Model choices (`devices.models.DeviceKind`), the GraphQL `DeviceKind` enum, the nested inputs
of registerDevice/updateDevice, the concrete GraphQL types, the physics handler and the
per-kind counts of the fleet snapshots all follow this tuple; tests/devices/test_kinds.py
proves each kind is wired end to end. docs/adding-a-device-kind.md walks through a new one.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KindSpec:
    name: str
    """Enum member and GraphQL enum value, e.g. `SOLAR_PANEL`."""
    value: str
    """Stored in `Device.kind`, and the nested input's field name, e.g. `solar_panel`."""
    label: str
    graphql_type: str
    """The concrete GraphQL type implementing the `Device` interface, e.g. `SolarPanel`."""
    count_column: str
    """Column counting this kind in the public snapshot and fleet totals, e.g. `solar_panels`."""
    storage: bool
    """Stores energy (capacity, charge, rates, mode): counted in the storage totals."""
    physics: str
    """The handler `telemetry.physics.simulate_household` runs for it: `solar`, `appliance`,
    `battery` or `vehicle` (`telemetry.physics.Handler`)."""


KINDS: tuple[KindSpec, ...] = (
    KindSpec(
        "SOLAR_PANEL",
        "solar_panel",
        "Solar panel",
        "SolarPanel",
        "solar_panels",
        storage=False,
        physics="solar",
    ),
    KindSpec("BATTERY", "battery", "Battery", "Battery", "batteries", storage=True, physics="battery"),
    KindSpec(
        "ELECTRIC_VEHICLE",
        "electric_vehicle",
        "Electric vehicle",
        "ElectricVehicle",
        "electric_vehicles",
        storage=True,
        physics="vehicle",
    ),
    KindSpec(
        "APPLIANCE", "appliance", "Appliance", "Appliance", "appliances", storage=False, physics="appliance"
    ),
)

BY_VALUE = {kind.value: kind for kind in KINDS}
STORAGE_VALUES = frozenset(kind.value for kind in KINDS if kind.storage)
