"""The device kinds, described once: plain Python (no Django), so every layer can derive from it.

Each kind names its fields (with units, bounds, defaults and which are required), its GraphQL type
and the physics handler that simulates it. From this list follow: the model choices
(`devices.models`), the GraphQL `DeviceKind` enum, the concrete GraphQL types and the nested inputs
of registerDevice/updateDevice (devices.graphql), their validation (devices.services), the devices'
shape constraint (devices.models), the tick's dispatch (telemetry.physics) and the per-kind counts
of the fleet snapshots. Consumers other than the GraphQL schema read `KINDS` and `BY_VALUE` when
used, or keep an index the registry rebuilds (`indexed`), so a kind `register`ed later counts
everywhere but in a schema built before it. tests/devices/test_kinds.py proves each kind is wired
end to end; tests/devices/test_throwaway_kind.py registers one at run time;
docs/adding-a-device-kind.md walks through a new one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devices import limits
from devices.choices import StorageMode


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One property of a kind: a nested-input field, a field of its GraphQL type, or both."""

    name: str
    """GraphQL field (camelCased there) and nested-input key, with its unit, e.g. `capacity_wh`."""
    description: str
    check: str = ""
    """How devices.services validates a value sent for it: `rating` (more than 0, at most
    `maximum`), `degrees` or `range` (within `bounds`, in `unit`), `percent` (0 to 100 of the
    capacity, stored as `charge_wh`), `mode` (one of `choices`) or `category` (an appliance
    category). Empty: not an input, only shown."""
    graphql_type: str = "Float"
    """`Float`, `String`, `Boolean` or a mode enum (`StorageMode`, `EvMode`)."""
    unit: str = ""
    maximum: float = 0.0
    bounds: tuple[float, float] = (0.0, 0.0)
    choices: tuple[str, ...] = ()
    required: bool = False
    """registerDevice refuses the kind without it."""
    default: float | str | bool | None = None
    """What a new device stores when it is omitted; also shown while the column is NULL."""
    default_rule: str = ""
    """A default devices.services computes instead: `equator` (azimuth facing the equator from
    the household's latitude) or `category_power` (the category's typical draw)."""
    column: str = ""
    """The Device column, when it differs from `name`."""
    register_note: str = ""
    update_note: str = ""
    """Appended to the field's description in RegisterDeviceInput / UpdateDeviceInput."""

    @property
    def is_input(self) -> bool:
        return bool(self.check)

    @property
    def column_name(self) -> str:
        return self.column or self.name


@dataclass(frozen=True, slots=True)
class KindSpec:
    name: str
    """Enum member and GraphQL enum value, e.g. `SOLAR_PANEL`."""
    value: str
    """Stored in `Device.kind`, and the nested input's field name, e.g. `solar_panel`."""
    label: str
    graphql_type: str
    """The concrete GraphQL type implementing the `Device` interface, e.g. `SolarPanel`; its
    inputs are `<graphql_type>Input` and `<graphql_type>UpdateInput`."""
    description: str
    plural: str
    """E.g. `Batteries`, in messages and the admin's fleet totals."""
    storage: bool
    """Stores energy (capacity, charge, rates, mode): counted in the storage totals."""
    physics: str
    """The handler `telemetry.physics.simulate_household` runs for it: `solar`, `appliance`,
    `battery` or `vehicle` (`telemetry.physics.Handler`)."""
    fields: tuple[FieldSpec, ...]

    def field(self, name: str) -> FieldSpec:
        return next(field for field in self.fields if field.name == name)


def _rating(name: str, description: str, maximum: float, unit: str, **options: Any) -> FieldSpec:
    return FieldSpec(name, description, check="rating", unit=unit, maximum=maximum, **options)


def _storage_fields(
    capacity: FieldSpec, modes: tuple[str, ...], mode_type: str, default_mode: str
) -> tuple[FieldSpec, ...]:
    """What batteries and electric vehicles share: one notion of energy storage."""
    return (
        capacity,
        _rating("max_charge_rate_w", "Fastest charging, W.", limits.STORAGE_RATE_MAX_W, "W", required=True),
        _rating(
            "max_discharge_rate_w", "Fastest discharging, W.", limits.STORAGE_RATE_MAX_W, "W", required=True
        ),
        FieldSpec(
            "charge_percent",
            "Energy stored now, percent of capacity.",
            check="percent",
            default=limits.DEFAULT_CHARGE_PERCENT,
        ),
        FieldSpec("charge_wh", "Energy stored now, Wh."),
        FieldSpec(
            "mode",
            "What it does now.",
            check="mode",
            graphql_type=mode_type,
            choices=modes,
            default=default_mode,
        ),
    )


_CAPACITY_UPDATE = "A charge above it is cut to it."

_BUILT_IN = (
    KindSpec(
        "SOLAR_PANEL",
        "solar_panel",
        "Solar panel",
        "SolarPanel",
        "Produces power; output follows the sun and weather at the household's location.",
        "Solar panels",
        storage=False,
        physics="solar",
        fields=(
            _rating(
                "rated_capacity_w",
                "The panels' DC peak rating, W (kWp x 1000); the inverter is smaller by dcAcRatio.",
                limits.SOLAR_RATED_CAPACITY_MAX_W,
                "W",
                required=True,
            ),
            FieldSpec(
                "tilt_degrees",
                "Degrees from horizontal.",
                check="degrees",
                bounds=limits.TILT_DEGREES_RANGE,
                default=limits.DEFAULT_TILT_DEGREES,
            ),
            FieldSpec(
                "azimuth_degrees",
                "Degrees clockwise from north (180 = south).",
                check="degrees",
                bounds=limits.AZIMUTH_DEGREES_RANGE,
                default_rule="equator",
                register_note="Default: facing the equator.",
            ),
            FieldSpec(
                "dc_ac_ratio",
                "The panels' DC rating over the inverter's AC rating: above 1, sunny cool hours clip at "
                "ratedCapacityW / dcAcRatio.",
                check="range",
                bounds=limits.DC_AC_RATIO_RANGE,
                default=limits.DEFAULT_DC_AC_RATIO,
            ),
        ),
    ),
    KindSpec(
        "BATTERY",
        "battery",
        "Battery",
        "Battery",
        "A home battery; in AUTO mode it covers the home's deficit from its surplus.",
        "Batteries",
        storage=True,
        physics="battery",
        fields=(
            *_storage_fields(
                _rating(
                    "capacity_wh",
                    "Usable capacity, Wh.",
                    limits.BATTERY_CAPACITY_MAX_WH,
                    "Wh",
                    required=True,
                    update_note=_CAPACITY_UPDATE,
                ),
                modes=(
                    StorageMode.AUTO,
                    StorageMode.CHARGING,
                    StorageMode.DISCHARGING,
                    StorageMode.IDLE,
                    StorageMode.OPTIMIZED,
                ),
                mode_type="StorageMode",
                default_mode=StorageMode.AUTO,
            ),
            FieldSpec(
                "reserve_percent",
                "Charge AUTO keeps for backup, percent of capacity: it never discharges below it.",
                check="range",
                unit="percent",
                bounds=limits.RESERVE_PERCENT_RANGE,
                default=limits.DEFAULT_BATTERY_RESERVE_PERCENT,
            ),
        ),
    ),
    KindSpec(
        "ELECTRIC_VEHICLE",
        "electric_vehicle",
        "Electric vehicle",
        "ElectricVehicle",
        "A car that charges from the home or supplies it (vehicle-to-home) while plugged in.",
        "Electric vehicles",
        storage=True,
        physics="vehicle",
        fields=(
            *_storage_fields(
                _rating(
                    "battery_capacity_wh",
                    "Usable capacity of its battery, Wh.",
                    limits.EV_BATTERY_CAPACITY_MAX_WH,
                    "Wh",
                    required=True,
                    column="capacity_wh",
                    update_note=_CAPACITY_UPDATE,
                ),
                modes=(
                    StorageMode.CHARGING,
                    StorageMode.DISCHARGING,
                    StorageMode.IDLE,
                    StorageMode.SOLAR,
                    StorageMode.SMART,
                ),
                mode_type="EvMode",
                default_mode=StorageMode.IDLE,
            ),
            FieldSpec("plugged_in", "False while the car is away (on a trip).", graphql_type="Boolean"),
        ),
    ),
    KindSpec(
        "APPLIANCE",
        "appliance",
        "Appliance",
        "Appliance",
        "Consumes power while on; its category drives its on/off pattern.",
        "Appliances",
        storage=False,
        physics="appliance",
        fields=(
            _rating(
                "average_power_w",
                "Average draw while on, W.",
                limits.APPLIANCE_AVERAGE_POWER_MAX_W,
                "W",
                default_rule="category_power",
                register_note="Omitted: the category's typical draw.",
            ),
            FieldSpec(
                "category",
                "One of `applianceCategories` (case-insensitive), e.g. `fridge`.",
                check="category",
                graphql_type="String",
                default=limits.DEFAULT_APPLIANCE_CATEGORY,
                update_note="The draw stays as it was.",
            ),
            FieldSpec("is_on", "Whether it draws now.", graphql_type="Boolean", default=False),
        ),
    ),
)

KINDS: list[KindSpec] = []
"""Every registered kind, in registration order (the order of lists and counts)."""
BY_VALUE: dict[str, KindSpec] = {}
_indexes: list[Callable[[], None]] = []


def indexed(rebuild: Callable[[], None]) -> None:
    """Run `rebuild` now and after every change of the registry: the hot paths of other layers keep
    their own index of the kinds (e.g. telemetry.physics.HANDLERS) as a plain dict."""
    _indexes.append(rebuild)
    rebuild()


def _reindex() -> None:
    for rebuild in _indexes:
        rebuild()


def register(kind: KindSpec) -> None:
    """Add a kind: from now on it is validated, constrained, ticked and counted like the others.

    An index that refuses it (a physics handler that does not exist: ValueError) undoes it."""
    if kind.value in BY_VALUE:
        raise ValueError(f"kind {kind.value!r} is already registered")
    KINDS.append(kind)
    BY_VALUE[kind.value] = kind
    try:
        _reindex()
    except Exception:
        unregister(kind.value)
        raise


def unregister(value: str) -> None:
    """Remove a kind registered at run time (a test's throwaway kind)."""
    KINDS.remove(BY_VALUE.pop(value))
    _reindex()


def storage_values() -> frozenset[str]:
    return frozenset(kind.value for kind in KINDS if kind.storage)


for _kind in _BUILT_IN:
    register(_kind)
