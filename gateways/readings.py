"""Validate the readings of one ingestion body (plain Python): each one accepted or rejected alone.

A reading names one of this home's REPORTED devices by its API id; any other id (unknown, malformed,
a simulated device, another home's) is UNKNOWN_DEVICE, the same code whatever the reason, so a key
learns nothing about ids outside its home. The first fault of a reading is its code.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

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
    return float(value)


def _time(value: object) -> datetime | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def readings_check(
    items: Sequence[object],
    *,
    devices: Mapping[str, DeviceLimits],
    not_after: datetime,
    not_before: datetime,
) -> Checked:
    """Each reading is a sample or a reject {index, field, code}; times in [not_before, not_after]."""
    checked = Checked()
    reject = checked.reject
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            reject(index, None, ReadingCode.INVALID)
            continue
        raw_device = item.get("device")
        device = devices.get(raw_device) if isinstance(raw_device, str) else None
        if raw_device is None:
            reject(index, "device", ReadingCode.REQUIRED)
            continue
        if device is None:
            reject(index, "device", ReadingCode.UNKNOWN_DEVICE)
            continue
        if item.get("at") is None:
            reject(index, "at", ReadingCode.REQUIRED)
            continue
        at = _time(item["at"])
        if at is None:
            reject(index, "at", ReadingCode.INVALID_TIME)
            continue
        if at > not_after:
            reject(index, "at", ReadingCode.IN_FUTURE)
            continue
        if at < not_before:
            reject(index, "at", ReadingCode.TOO_OLD)
            continue
        if item.get("powerW") is None:
            reject(index, "powerW", ReadingCode.REQUIRED)
            continue
        power_w = _number(item["powerW"])
        if power_w is None:
            reject(index, "powerW", ReadingCode.INVALID)
            continue
        if not math.isfinite(power_w):
            reject(index, "powerW", ReadingCode.NOT_FINITE)
            continue
        if not device.min_power_w <= power_w <= device.max_power_w:
            reject(index, "powerW", ReadingCode.POWER_OUT_OF_RANGE)
            continue
        charge_wh = None
        if item.get("chargeWh") is not None:
            if device.capacity_wh is None:
                reject(index, "chargeWh", ReadingCode.CHARGE_NOT_ALLOWED)
                continue
            charge_wh = _number(item["chargeWh"])
            if charge_wh is None:
                reject(index, "chargeWh", ReadingCode.INVALID)
                continue
            if not math.isfinite(charge_wh):
                reject(index, "chargeWh", ReadingCode.NOT_FINITE)
                continue
            if not 0.0 <= charge_wh <= device.capacity_wh:
                reject(index, "chargeWh", ReadingCode.CHARGE_OUT_OF_RANGE)
                continue
        checked.samples.append(Sample(device.id, at, power_w, charge_wh))
    return checked
