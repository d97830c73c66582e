"""Every change to a household's devices, validated here so nothing invalid reaches the table.

Callers run inside the household's schema. Errors are one ValidationError keyed by snake_case
dotted paths ("battery.capacity_wh", "name", "input", "id") with stable codes; nothing is written
unless every value is valid. Omitted nested fields in an update (absent or None) stay as they are.
"""

import math
import re
from collections.abc import Mapping
from datetime import time
from typing import Any, cast
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper

from core.text import is_name
from devices import limits
from devices.error_codes import DeviceErrorCode
from devices.kinds import BY_VALUE, KINDS, FieldSpec, KindSpec
from devices.models import ApplianceCategory, Device, DeviceKind, StorageMode, TelemetrySource
from devices.signals import plan_inputs_changed
from households.models import Household


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
    elif not is_name(name):
        message = "The name cannot contain control characters or text-direction overrides."
        errors.add("name", message, DeviceErrorCode.INVALID)
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


def _rating(errors: _Errors, path: str, value: Any, *, maximum: float, unit: str) -> float | None:
    """A capacity, rate or power: more than 0 and at most `maximum`."""
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
    category = value.strip().lower() if isinstance(value, str) else None
    if category not in ApplianceCategory.values:
        names = ", ".join(ApplianceCategory.values)
        errors.add(path, f"Unknown category; use one of {names}.", DeviceErrorCode.INVALID_CHOICE)
        return None
    return category


def _charge_wh(capacity_wh: float, percent: float) -> float:
    # Clamped: capacity x 100 / 100 can land one rounding step above capacity.
    return min(capacity_wh, max(0.0, capacity_wh * percent / 100.0))


def _within(errors: _Errors, path: str, value: Any, bounds: tuple[float, float], unit: str) -> float | None:
    number = _finite(errors, path, value)
    if number is not None and not bounds[0] <= number <= bounds[1]:
        unit = f" {unit}" if unit else ""
        errors.add(
            path, f"Must be between {bounds[0]:g} and {bounds[1]:g}{unit}.", DeviceErrorCode.OUT_OF_RANGE
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


def _checked(errors: _Errors, path: str, value: Any, field: FieldSpec, kind: KindSpec) -> Any:
    """A value sent for `field` (not None), cleaned by its registry check; None when refused."""
    if field.check == "rating":
        return _rating(errors, path, value, maximum=field.maximum, unit=field.unit)
    if field.check == "degrees":
        return _within(errors, path, value, field.bounds, "degrees")
    if field.check == "range":
        return _within(errors, path, value, field.bounds, field.unit)
    if field.check == "percent":
        return _percent(errors, path, value)
    if field.check == "mode":
        return _mode(errors, path, value, allowed=frozenset(field.choices), kind_label=kind.plural)
    if field.check == "category":
        return _category(errors, path, value)
    raise ValueError(f"unknown check {field.check!r} of {kind.value}.{field.name}")


def field_default(field: FieldSpec, device: Device | None, columns: Mapping[str, Any] | None = None) -> Any:
    """What a registry field holds when not given (or stored NULL): its default or computed rule."""
    columns = columns or {}
    if field.default_rule == "equator":
        return default_azimuth_degrees()
    if field.default_rule == "category_power":
        category = columns.get("category", device.category if device else None)
        return limits.APPLIANCE_DEFAULT_POWER_W[category]
    return field.default


def _columns(errors: _Errors, kind: KindSpec, spec: Mapping[str, Any], device: Device | None) -> dict:
    """The columns a kind's nested input sets, validated field by field as the registry describes.

    A new device (`device` None) gets each omitted field's default; so does a stored NULL (a
    panel registered before orientation existed). A percent of charge is stored as `charge_wh`.
    """
    columns: dict[str, Any] = {}
    percent = None
    for field in kind.fields:
        if not field.is_input:
            continue
        path = f"{kind.value}.{field.name}"
        value = spec.get(field.name)
        if value is None:
            if field.required and device is None:
                errors.add(path, "This field is required.", DeviceErrorCode.REQUIRED)
            continue
        clean = _checked(errors, path, value, field, kind)
        if clean is None:
            continue
        if field.check == "percent":
            percent = clean
        else:
            columns[field.column_name] = clean
    # Literal defaults before computed ones, which may read them (the category's typical draw).
    for field in sorted(kind.fields, key=lambda field: bool(field.default_rule)):
        if field.check == "percent" or (field.default is None and not field.default_rule):
            continue
        column = field.column_name
        if column not in columns and (device is None or getattr(device, column) is None):
            columns[column] = field_default(field, device, columns)
    if any(field.check == "percent" for field in kind.fields):
        _charge(columns, percent, device, kind.field("charge_percent").default)
    if columns.get("mode") == StorageMode.SMART:
        _target_required(errors, f"{kind.value}.mode", device)
    return columns


def _target_required(errors: _Errors, path: str, device: Device | None) -> None:
    """SMART charges to a target: the vehicle must have one (setChargeTarget) before it is SMART."""
    if device is None or device.charge_target_percent is None:
        errors.add(
            path,
            "SMART needs a charge target: set one with setChargeTarget first.",
            DeviceErrorCode.TARGET_REQUIRED,
        )


def _charge(columns: dict[str, Any], percent: float | None, device: Device | None, default: Any) -> None:
    capacity_wh = columns.get("capacity_wh", device.capacity_wh if device else None)
    if capacity_wh is None:
        return
    if percent is not None:
        columns["charge_wh"] = _charge_wh(capacity_wh, percent)
        if device is not None:
            # The owner's charge supersedes the live state the tick carries
            # (telemetry.selectors.devices_with_live_state).
            columns["charge_revision"] = device.charge_revision + 1
    elif device is None:
        columns["charge_wh"] = _charge_wh(capacity_wh, default)
    elif device.charge_wh is not None and device.charge_wh > capacity_wh:
        # A smaller capacity cannot hold the old charge: the store is now full.
        columns["charge_wh"] = capacity_wh


def _kind_names() -> str:
    return ", ".join(kind.label.lower() for kind in KINDS[:-1]) + f" or {KINDS[-1].label.lower()}"


def _storage_names() -> str:
    return " and ".join(kind.plural.lower() for kind in KINDS if kind.storage)


def _given(specs: Mapping[str, Mapping[str, Any] | None]) -> dict[str, Mapping[str, Any]]:
    unknown = set(specs) - set(BY_VALUE)
    if unknown:
        raise TypeError(f"no device kind {', '.join(sorted(unknown))}")
    return {field: spec for field, spec in specs.items() if spec is not None}


def _source(errors: _Errors, value: Any) -> str | None:
    """SIMULATED or REPORTED; None (omitted) leaves the default or the current value."""
    if value is None:
        return None
    if value not in TelemetrySource.values:
        errors.add("source", "Unknown telemetry source.", DeviceErrorCode.INVALID_CHOICE)
        return None
    return str(value)


def device_register(*, name: str, source: str | None = None, **specs: Mapping[str, Any] | None) -> Device:
    """Add a device; exactly one spec, keyed by a registry kind's value (`battery={...}`), says what it is.

    The cap is counted and the device inserted under a lock on the household's row, so concurrent
    requests (each with aliased calls) take turns and cannot overshoot it together.
    """
    with transaction.atomic():
        _lock_household()
        return _device_insert(name=name, source=source, specs=specs)


def _lock_household() -> None:
    schema_name = cast(TenantDatabaseWrapper, connection).schema_name
    Household.objects.select_for_update().filter(schema_name=schema_name).values_list("pk").first()


def _device_insert(*, name: str, source: str | None, specs: Mapping[str, Mapping[str, Any] | None]) -> Device:
    errors = _Errors()
    if Device.objects.count() >= limits.DEVICES_PER_HOUSEHOLD_MAX:
        errors.add(
            "input",
            f"A household holds at most {limits.DEVICES_PER_HOUSEHOLD_MAX} devices.",
            DeviceErrorCode.TOO_MANY,
        )
        errors.raise_if_any()
    clean_name = _name(errors, name, required=True)
    given = _given(specs)
    if len(given) != 1:
        errors.add(
            "input",
            f"Give exactly one device kind: {_kind_names()}.",
            DeviceErrorCode.EXACTLY_ONE,
        )
        errors.raise_if_any()
    [(field, spec)] = given.items()
    kind = BY_VALUE[field]
    columns = _columns(errors, kind, spec, None)
    clean_source = _source(errors, source)
    errors.raise_if_any()
    assert clean_name is not None  # _name reported a missing or invalid one: raised above
    if clean_source is not None:
        columns["source"] = clean_source
    device = Device.objects.create(name=clean_name, kind=kind.value, **columns)
    _plan_inputs_changed()
    return device


def _device_for_update(uid: UUID) -> Device:
    device = Device.objects.select_for_update().filter(uid=uid).first()
    if device is None:
        raise device_not_found()
    return device


def device_update(
    *, uid: UUID, name: str | None = None, source: str | None = None, **specs: Mapping[str, Any] | None
) -> Device:
    """Change what is given; a spec for another kind than the device's is refused (kind_mismatch)."""
    with transaction.atomic():
        device = _device_for_update(uid)
        errors = _Errors()
        changes = {}
        clean_name = _name(errors, name, required=False)
        if clean_name is not None:
            changes["name"] = clean_name
        clean_source = _source(errors, source)
        if clean_source is not None:
            changes["source"] = clean_source
        for field, spec in _given(specs).items():
            kind = BY_VALUE[field]
            if kind.value != device.kind:
                errors.add(
                    field,
                    f"This device's kind is {device.get_kind_display().lower()}, not {kind.label.lower()}.",
                    DeviceErrorCode.KIND_MISMATCH,
                )
                continue
            changes.update(_columns(errors, kind, spec, device))
        errors.raise_if_any()
        if changes:
            for column, value in changes.items():
                setattr(device, column, value)
            device.save(update_fields=list(changes))
            _plan_inputs_changed()
    return device


def device_set_mode(*, uid: UUID, mode: str) -> Device:
    """Switch a battery (AUTO, CHARGING, DISCHARGING, IDLE) or an EV (no AUTO); the simulation follows."""
    with transaction.atomic():
        device = _device_for_update(uid)
        if not device.is_storage:
            raise ValidationError(
                {
                    "id": ValidationError(
                        f"Only {_storage_names()} have a mode.",
                        code=DeviceErrorCode.KIND_MISMATCH,
                    )
                }
            )
        kind = BY_VALUE[device.kind]
        errors = _Errors()
        allowed = frozenset(kind.field("mode").choices)
        clean_mode = _mode(errors, "mode", mode, allowed=allowed, kind_label=kind.plural)
        if clean_mode is None and not errors.by_field:
            errors.add("mode", "A mode is required.", DeviceErrorCode.REQUIRED)
        if clean_mode == StorageMode.SMART:
            _target_required(errors, "mode", device)
        errors.raise_if_any()
        device.mode = clean_mode
        device.save(update_fields=["mode"])
        _plan_inputs_changed()
    return device


READY_BY = re.compile(r"(?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d)")
"""A local time of day as "HH:MM", 00:00 to 23:59."""


def device_set_charge_target(*, uid: UUID, percent: Any, ready_by: Any) -> Device:
    """An EV's daily charge target: `percent` of its capacity by `ready_by`, local "HH:MM"."""
    with transaction.atomic():
        device = _device_for_update(uid)
        if device.kind != DeviceKind.ELECTRIC_VEHICLE:
            raise ValidationError(
                {
                    "id": ValidationError(
                        "Only electric vehicles have a charge target.", code=DeviceErrorCode.KIND_MISMATCH
                    )
                }
            )
        errors = _Errors()
        clean_percent = _percent(errors, "percent", percent)
        match = READY_BY.fullmatch(ready_by) if isinstance(ready_by, str) else None
        if match is None:
            errors.add("ready_by", 'A local time of day as "HH:MM", 00:00 to 23:59.', DeviceErrorCode.INVALID)
        errors.raise_if_any()
        assert match is not None
        device.charge_target_percent = clean_percent
        device.ready_by = time(int(match["hour"]), int(match["minute"]))
        device.save(update_fields=["charge_target_percent", "ready_by"])
        _plan_inputs_changed()
    return device


def _plan_inputs_changed() -> None:
    """Tell the planner, once the change is committed, that the household's plan is out of date."""
    schema_name = cast(TenantDatabaseWrapper, connection).schema_name
    transaction.on_commit(lambda: plan_inputs_changed.send(sender=Device, schema_name=schema_name))


def device_remove(*, uid: UUID) -> None:
    """Delete the device with its readings; the household's own hourly totals keep its history."""
    deleted, _ = Device.objects.filter(uid=uid).delete()
    if not deleted:
        raise device_not_found()
    _plan_inputs_changed()
