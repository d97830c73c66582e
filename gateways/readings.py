"""Validate the readings of one ingestion body (plain Python): each one accepted or rejected alone.

A reading names one of this home's REPORTED devices by its API id; any other id (unknown, malformed,
a simulated device, another home's) is UNKNOWN_DEVICE, the same code whatever the reason, so a key
learns nothing about ids outside its home. The first fault of a reading is its code.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from math import isfinite

from gateways.error_codes import ReadingCode
from telemetry.ingest import Sample


@dataclass(frozen=True, slots=True)
class DeviceLimits:
    """What a reported device can do: its power range (signed like powerW) and, for stores, capacity."""

    id: int
    min_power_w: float
    max_power_w: float
    capacity_wh: float | None = None


@dataclass
class Checked:
    samples: list[Sample] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)

    def reject(self, index: int, field_name: str | None, code: ReadingCode) -> None:
        self.rejected.append({"index": index, "field": field_name, "code": code.value})


def _number(value: object) -> float | None:
    """A JSON number as float; None for any other type (booleans included)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:  # an integer beyond any float (Python's JSON parser reads any length)
        return None


def _time(value: str, not_after: datetime, not_before: datetime) -> datetime | ReadingCode:
    """The instant an `at` string names, or why it is refused."""
    if len(value) > 64:
        return ReadingCode.INVALID_TIME
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return ReadingCode.INVALID_TIME
    if parsed.tzinfo is None:
        return ReadingCode.INVALID_TIME
    if parsed > not_after:
        return ReadingCode.IN_FUTURE
    if parsed < not_before:
        return ReadingCode.TOO_OLD
    return parsed


def readings_check(
    items: Sequence[object],
    *,
    devices: Mapping[str, DeviceLimits],
    not_after: datetime,
    not_before: datetime,
) -> Checked:
    """Each reading is a sample or a reject {index, field, code}; times in [not_before, not_after].

    One pass, no database: the devices' limits come resolved, and each distinct `at` string is
    parsed and bounded once (a gateway's readings of one instant share it, one per device).
    """
    checked = Checked()
    reject = checked.reject
    accept = checked.samples.append
    device_of = devices.get
    times: dict[str, datetime | ReadingCode] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            reject(index, None, ReadingCode.INVALID)
            continue
        raw_device = item.get("device")
        if raw_device is None:
            reject(index, "device", ReadingCode.REQUIRED)
            continue
        device = device_of(raw_device) if isinstance(raw_device, str) else None
        if device is None:
            reject(index, "device", ReadingCode.UNKNOWN_DEVICE)
            continue
        raw_at = item.get("at")
        if raw_at is None:
            reject(index, "at", ReadingCode.REQUIRED)
            continue
        if isinstance(raw_at, str):
            at = times.get(raw_at)
            if at is None:
                at = times[raw_at] = _time(raw_at, not_after, not_before)
        else:
            at = ReadingCode.INVALID_TIME
        if isinstance(at, ReadingCode):
            reject(index, "at", at)
            continue
        raw_power = item.get("powerW")
        if raw_power is None:
            reject(index, "powerW", ReadingCode.REQUIRED)
            continue
        power_w = raw_power if type(raw_power) is float else _number(raw_power)
        if power_w is None:
            reject(index, "powerW", ReadingCode.INVALID)
            continue
        if not isfinite(power_w):
            reject(index, "powerW", ReadingCode.NOT_FINITE)
            continue
        if not device.min_power_w <= power_w <= device.max_power_w:
            reject(index, "powerW", ReadingCode.POWER_OUT_OF_RANGE)
            continue
        raw_charge = item.get("chargeWh")
        if raw_charge is None:
            accept(Sample(device.id, at, power_w, None))
            continue
        if device.capacity_wh is None:
            reject(index, "chargeWh", ReadingCode.CHARGE_NOT_ALLOWED)
            continue
        charge_wh = _number(raw_charge)
        if charge_wh is None:
            reject(index, "chargeWh", ReadingCode.INVALID)
            continue
        if not isfinite(charge_wh):
            reject(index, "chargeWh", ReadingCode.NOT_FINITE)
            continue
        if not 0.0 <= charge_wh <= device.capacity_wh:
            reject(index, "chargeWh", ReadingCode.CHARGE_OUT_OF_RANGE)
            continue
        accept(Sample(device.id, at, power_w, charge_wh))
    return checked
