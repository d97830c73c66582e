"""Reads of the current household's devices: one table, so any list is one query."""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import QuerySet

from devices import limits
from devices.models import ApplianceCategory, Device


def device_list(*, kind: str | None = None) -> QuerySet[Device]:
    devices = Device.objects.all()
    if kind is not None:
        devices = devices.filter(kind=kind)
    return devices


def device_get(*, uid: UUID) -> Device | None:
    return Device.objects.filter(uid=uid).first()


@dataclass(frozen=True)
class ApplianceCategoryInfo:
    category: str
    label: str
    default_average_power_w: float


def appliance_category_list() -> list[ApplianceCategoryInfo]:
    """The categories a client may send, with the draw used when it sends none."""
    return [
        ApplianceCategoryInfo(category.value, category.label, limits.APPLIANCE_DEFAULT_POWER_W[category])
        for category in ApplianceCategory
    ]
