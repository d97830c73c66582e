"""Every change to a household's devices, validated here so nothing invalid reaches the table.

Callers run inside the household's schema. Errors are one ValidationError keyed by snake_case
dotted paths ("battery.capacity_wh", "name", "input", "id") with stable codes; nothing is written
unless every value is valid. Omitted nested fields in an update (absent or None) stay as they are.
"""

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict, cast
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper

from devices import limits
from devices.error_codes import DeviceErrorCode
from devices.kinds import KINDS
from devices.models import (
    BATTERY_MODES,
    EV_MODES,
    STORAGE_KINDS,
    ApplianceCategory,
    Device,
    DeviceKind,
    StorageMode,
)
from households.models import Household


class SolarPanelSpec(TypedDict, total=False):
    rated_capacity_w: float
    tilt_degrees: float
    azimuth_degrees: float


class BatterySpec(TypedDict, total=False):
    capacity_wh: float
    max_charge_rate_w: float
    max_discharge_rate_w: float
    charge_percent: float | None
    mode: str | None


class ElectricVehicleSpec(TypedDict, total=False):
    battery_capacity_wh: float
    max_charge_rate_w: float
    max_discharge_rate_w: float
    charge_percent: float | None
    mode: str | None


class ApplianceSpec(TypedDict, total=False):
    average_power_w: float | None
    category: str | None


def device_not_found() -> ValidationError:
    """One answer for unknown, malformed and other households' ids, so none can be told apart."""
    return ValidationError({"id": ValidationError("No such device.", code=DeviceErrorCode.NOT_FOUND)})


class _Errors:
    """Collects every problem of one call, so a client sees them all at once."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: DeviceErrorCode) -> None:
        self.by_field.setdefault(field, []).append(ValidationError(message, code=code))

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _name(errors: _Errors, value: Any, *, required: bool) -> str | None:
    if value is None:
        if required:
            errors.add("name", "A name is required.", DeviceErrorCode.REQUIRED)
        return None
    if not isinstance(value, str):
        errors.add("name", "The name must be text.", DeviceErrorCode.INVALID)
        return None
    name = value.strip()
    if not name:
        errors.add("name", "The name cannot be blank.", DeviceErrorCode.BLANK)
    elif len(name) > limits.NAME_MAX_LENGTH:
        errors.add("name", f"At most {limits.NAME_MAX_LENGTH} characters.", DeviceErrorCode.MAX_LENGTH)
    # PostgreSQL refuses NUL and lone surrogates outright; no control character belongs in a name.
    elif any(unicodedata.category(char) in ("Cc", "Cs") for char in name):
        errors.add("name", "The name cannot contain control characters.", DeviceErrorCode.INVALID)
    else:
        return name
    return None


def _finite(errors: _Errors, path: str, value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors.add(path, "Must be a number.", DeviceErrorCode.INVALID)
        return None
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        errors.add(path, "Must be a finite number.", DeviceErrorCode.NOT_FINITE)
        return None
    return number


def _rating(
    errors: _Errors, path: str, value: Any, *, maximum: float, unit: str, required: bool
) -> float | None:
    """A capacity, rate or power: more than 0 and at most `maximum`."""
    if value is None:
        if required:
            errors.add(path, "This field is required.", DeviceErrorCode.REQUIRED)
        return None
    number = _finite(errors, path, value)
    if number is not None and not 0 < number <= maximum:
        errors.add(
            path,
            f"Must be more than 0 {unit} and at most {maximum:,.0f} {unit}.",
            DeviceErrorCode.OUT_OF_RANGE,
        )
        return None
    return number


def _percent(errors: _Errors, path: str, value: Any) -> float | None:
    if value is None:
        return None
    number = _finite(errors, path, value)
    if number is not None and not limits.CHARGE_PERCENT_MIN <= number <= limits.CHARGE_PERCENT_MAX:
        errors.add(path, "Must be between 0 and 100 (percent of capacity).", DeviceErrorCode.OUT_OF_RANGE)
        return None
    return number


def _mode(errors: _Errors, path: str, value: Any, *, allowed: frozenset[str], kind_label: str) -> str | None:
    if value is None:
        return None
    try:
        mode = StorageMode(value)
    except ValueError:
        mode = None
    names = ", ".join(choice.name for choice in StorageMode if choice in allowed)
    if mode is None:
        errors.add(path, f"Unknown mode; use one of {names}.", DeviceErrorCode.INVALID_CHOICE)
    elif mode not in allowed:
        errors.add(
            path, f"{kind_label} have no {mode.name} mode; use one of {names}.", DeviceErrorCode.INVALID_MODE
        )
    else:
        return mode
    return None


def _category(errors: _Errors, path: str, value: Any) -> str | None:
    if value is None:
        return None
    category = value.strip().lower() if isinstance(value, str) else None
    if category not in ApplianceCategory.values:
        names = ", ".join(ApplianceCategory.values)
        errors.add(path, f"Unknown category; use one of {names}.", DeviceErrorCode.INVALID_CHOICE)
        return None
    return category


def _charge_wh(capacity_wh: float, percent: float) -> float:
    # Clamped: capacity x 100 / 100 can land one rounding step above capacity.
    return min(capacity_wh, max(0.0, capacity_wh * percent / 100.0))


def _degrees(errors: _Errors, path: str, value: Any, bounds: tuple[float, float]) -> float | None:
    if value is None:
        return None
    number = _finite(errors, path, value)
    if number is not None and not bounds[0] <= number <= bounds[1]:
        errors.add(
            path, f"Must be between {bounds[0]:g} and {bounds[1]:g} degrees.", DeviceErrorCode.OUT_OF_RANGE
        )
        return None
    return number


def default_azimuth_degrees() -> float:
    """Facing the equator from the active household's latitude: 180 (south) or 0 (north)."""
    tenant_connection = cast(TenantDatabaseWrapper, connection)
    latitude = getattr(tenant_connection.tenant, "latitude", None)
    if latitude is None:  # schema_context() activates a bare schema, not the Household row
        home = Household.objects.filter(schema_name=tenant_connection.schema_name)
        latitude = next(iter(home.values_list("latitude", flat=True)), 0.0)
    return 180.0 if latitude >= 0.0 else 0.0


def _solar_panel_columns(errors: _Errors, spec: Mapping[str, Any], device: Device | None) -> dict:
    rated = _rating(
        errors,
        "solar_panel.rated_capacity_w",
        spec.get("rated_capacity_w"),
        maximum=limits.SOLAR_RATED_CAPACITY_MAX_W,
        unit="W",
        required=device is None,
    )
    columns = {} if rated is None else {"rated_capacity_w": rated}
    tilt = _degrees(errors, "solar_panel.tilt_degrees", spec.get("tilt_degrees"), limits.TILT_DEGREES_RANGE)
    azimuth = _degrees(
        errors, "solar_panel.azimuth_degrees", spec.get("azimuth_degrees"), limits.AZIMUTH_DEGREES_RANGE
    )
    if device is None or tilt is not None or azimuth is not None:
        # Both are stored together; what is not given keeps its value or the default.
        current_tilt = device.tilt_degrees if device else None
        current_azimuth = device.azimuth_degrees if device else None
        columns["tilt_degrees"] = next(
            v for v in (tilt, current_tilt, limits.DEFAULT_TILT_DEGREES) if v is not None
        )
        columns["azimuth_degrees"] = next(
            v for v in (azimuth, current_azimuth, default_azimuth_degrees()) if v is not None
        )
    return columns


@dataclass(frozen=True)
class _Storage:
    """What differs between the two kinds of energy storage; the rules are written once."""

    field: str
    capacity_key: str
    capacity_max_wh: float
    modes: frozenset[str]
    default_mode: StorageMode
    label: str


_BATTERY = _Storage(
    "battery", "capacity_wh", limits.BATTERY_CAPACITY_MAX_WH, BATTERY_MODES, StorageMode.AUTO, "Batteries"
)
_ELECTRIC_VEHICLE = _Storage(
    "electric_vehicle",
    "battery_capacity_wh",
    limits.EV_BATTERY_CAPACITY_MAX_WH,
    EV_MODES,
    StorageMode.IDLE,
    "Electric vehicles",
)


def _storage_columns(
    errors: _Errors, spec: Mapping[str, Any], device: Device | None, storage: _Storage
) -> dict:
    required = device is None
    columns: dict[str, Any] = {}
    for key, column, maximum, unit in (
        (storage.capacity_key, "capacity_wh", storage.capacity_max_wh, "Wh"),
        ("max_charge_rate_w", "max_charge_rate_w", limits.STORAGE_RATE_MAX_W, "W"),
        ("max_discharge_rate_w", "max_discharge_rate_w", limits.STORAGE_RATE_MAX_W, "W"),
    ):
        path = f"{storage.field}.{key}"
        value = _rating(errors, path, spec.get(key), maximum=maximum, unit=unit, required=required)
        if value is not None:
            columns[column] = value
    percent = _percent(errors, f"{storage.field}.charge_percent", spec.get("charge_percent"))
    mode = _mode(
        errors, f"{storage.field}.mode", spec.get("mode"), allowed=storage.modes, kind_label=storage.label
    )
    if mode is not None:
        columns["mode"] = mode
    elif device is None:
        columns["mode"] = storage.default_mode

    capacity_wh = columns.get("capacity_wh", device.capacity_wh if device else None)
    if capacity_wh is None:
        return columns
    if percent is not None:
        columns["charge_wh"] = _charge_wh(capacity_wh, percent)
    elif device is None:
        columns["charge_wh"] = _charge_wh(capacity_wh, limits.DEFAULT_CHARGE_PERCENT)
    elif device.charge_wh is not None and device.charge_wh > capacity_wh:
        # A smaller capacity cannot hold the old charge: the store is now full.
        columns["charge_wh"] = capacity_wh
    return columns


def _battery_columns(errors: _Errors, spec: Mapping[str, Any], device: Device | None) -> dict:
    return _storage_columns(errors, spec, device, _BATTERY)


def _electric_vehicle_columns(errors: _Errors, spec: Mapping[str, Any], device: Device | None) -> dict:
    return _storage_columns(errors, spec, device, _ELECTRIC_VEHICLE)


def _appliance_columns(errors: _Errors, spec: Mapping[str, Any], device: Device | None) -> dict:
    """A new appliance without a draw gets its category's typical one; an update keeps the old draw."""
    columns: dict[str, Any] = {}
    category = _category(errors, "appliance.category", spec.get("category"))
    if category is not None:
        columns["category"] = category
    elif device is None:
        columns["category"] = limits.DEFAULT_APPLIANCE_CATEGORY
    power = _rating(
        errors,
        "appliance.average_power_w",
        spec.get("average_power_w"),
        maximum=limits.APPLIANCE_AVERAGE_POWER_MAX_W,
        unit="W",
        required=False,
    )
    if power is not None:
        columns["average_power_w"] = power
    elif device is None:
        columns["average_power_w"] = limits.APPLIANCE_DEFAULT_POWER_W[columns["category"]]
    if device is None:
        columns["is_on"] = False
    return columns


# Each registry kind's columns from its nested input (devices.kinds; tests/devices/test_kinds.py).
_COLUMNS = {
    "solar_panel": _solar_panel_columns,
    "battery": _battery_columns,
    "electric_vehicle": _electric_vehicle_columns,
    "appliance": _appliance_columns,
}
_KINDS = {kind.value: (DeviceKind(kind.value), _COLUMNS[kind.value]) for kind in KINDS}
_KIND_NAMES = ", ".join(kind.label.lower() for kind in KINDS[:-1]) + f" or {KINDS[-1].label.lower()}"


def _given(**specs: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    return {field: spec for field, spec in specs.items() if spec is not None}


def device_register(
    *,
    name: str,
    solar_panel: SolarPanelSpec | None = None,
    battery: BatterySpec | None = None,
    electric_vehicle: ElectricVehicleSpec | None = None,
    appliance: ApplianceSpec | None = None,
) -> Device:
    """Add a device; exactly one of the per-kind specs says what it is."""
    errors = _Errors()
    if Device.objects.count() >= limits.DEVICES_PER_HOUSEHOLD_MAX:
        errors.add(
            "input",
            f"A household holds at most {limits.DEVICES_PER_HOUSEHOLD_MAX} devices.",
            DeviceErrorCode.TOO_MANY,
        )
        errors.raise_if_any()
    clean_name = _name(errors, name, required=True)
    given = _given(
        solar_panel=solar_panel, battery=battery, electric_vehicle=electric_vehicle, appliance=appliance
    )
    if len(given) != 1:
        errors.add(
            "input",
            f"Give exactly one device kind: {_KIND_NAMES}.",
            DeviceErrorCode.EXACTLY_ONE,
        )
        errors.raise_if_any()
    [(field, spec)] = given.items()
    kind, columns_for = _KINDS[field]
    columns = columns_for(errors, spec, None)
    errors.raise_if_any()
    assert clean_name is not None  # _name reported a missing or invalid one: raised above
    return Device.objects.create(name=clean_name, kind=kind, **columns)


def _device_for_update(uid: UUID) -> Device:
    device = Device.objects.select_for_update().filter(uid=uid).first()
    if device is None:
        raise device_not_found()
    return device


def device_update(
    *,
    uid: UUID,
    name: str | None = None,
    solar_panel: SolarPanelSpec | None = None,
    battery: BatterySpec | None = None,
    electric_vehicle: ElectricVehicleSpec | None = None,
    appliance: ApplianceSpec | None = None,
) -> Device:
    """Change what is given; a spec for another kind than the device's is refused (kind_mismatch)."""
    with transaction.atomic():
        device = _device_for_update(uid)
        errors = _Errors()
        changes = {}
        clean_name = _name(errors, name, required=False)
        if clean_name is not None:
            changes["name"] = clean_name
        given = _given(
            solar_panel=solar_panel, battery=battery, electric_vehicle=electric_vehicle, appliance=appliance
        )
        for field, spec in given.items():
            kind, columns_for = _KINDS[field]
            if kind != device.kind:
                errors.add(
                    field,
                    f"This device's kind is {device.get_kind_display().lower()}, not {kind.label.lower()}.",
                    DeviceErrorCode.KIND_MISMATCH,
                )
                continue
            changes.update(columns_for(errors, spec, device))
        errors.raise_if_any()
        if changes:
            for column, value in changes.items():
                setattr(device, column, value)
            device.save(update_fields=list(changes))
    return device


def device_set_mode(*, uid: UUID, mode: str) -> Device:
    """Switch a battery (AUTO, CHARGING, DISCHARGING, IDLE) or an EV (no AUTO); the simulation follows."""
    with transaction.atomic():
        device = _device_for_update(uid)
        if device.kind not in STORAGE_KINDS:
            raise ValidationError(
                {
                    "id": ValidationError(
                        "Only batteries and electric vehicles have a mode.",
                        code=DeviceErrorCode.KIND_MISMATCH,
                    )
                }
            )
        storage = _BATTERY if device.kind == DeviceKind.BATTERY else _ELECTRIC_VEHICLE
        errors = _Errors()
        clean_mode = _mode(errors, "mode", mode, allowed=storage.modes, kind_label=storage.label)
        if clean_mode is None and not errors.by_field:
            errors.add("mode", "A mode is required.", DeviceErrorCode.REQUIRED)
        errors.raise_if_any()
        device.mode = clean_mode
        device.save(update_fields=["mode"])
    return device


def device_remove(*, uid: UUID) -> None:
    """Delete the device with its readings; the household's own hourly totals keep its history."""
    deleted, _ = Device.objects.filter(uid=uid).delete()
    if not deleted:
        raise device_not_found()
