"""The Device interface and one type per registry kind (devices.kinds); ids are base64 "Device:<uid>"."""

from typing import Any
from uuid import UUID

import graphene
from graphql_relay import from_global_id, to_global_id

from devices.graphql.enums import DeviceKindEnum, EvModeEnum, StorageModeEnum, TelemetrySourceEnum
from devices.kinds import KINDS, FieldSpec, KindSpec
from devices.services import field_default

DEVICE_ID_TYPE = "Device"


def device_global_id(uid: UUID) -> str:
    return to_global_id(DEVICE_ID_TYPE, str(uid))


def device_uid(global_id: str) -> UUID | None:
    """The uid inside an opaque id, or None when the id cannot name a device."""
    type_name, raw_uid = from_global_id(global_id)
    if type_name != DEVICE_ID_TYPE:
        return None
    try:
        return UUID(raw_uid)
    except ValueError:
        return None


class DeviceInterface(graphene.Interface):
    class Meta:
        name = "Device"
        description = "Anything in the home that supplies or draws power."

    id = graphene.ID(required=True, description="Opaque id; only the owning household can use it.")
    name = graphene.String(required=True)
    kind = graphene.Field(DeviceKindEnum, required=True)
    created_at = graphene.DateTime(required=True)
    power_w = graphene.Float(
        required=True,
        description="Power now, W, from the home's side: + supplies the home, - draws from it.",
    )
    last_reading_at = graphene.DateTime(description="Time of the latest simulated reading; null before any.")
    source = graphene.Field(
        TelemetrySourceEnum,
        required=True,
        description="REPORTED: fed by a gateway, never simulated.",
    )
    last_reported_at = graphene.DateTime(
        description="REPORTED devices: time of the newest reading the gateway sent; null before any."
    )
    stale = graphene.Boolean(
        required=True,
        description="REPORTED devices: no reading within the last 5 minutes, so the device counts as 0 W.",
    )

    @staticmethod
    def resolve_last_reported_at(device, info):
        return getattr(device, "last_reported_at", None)

    @staticmethod
    def resolve_stale(device, info):
        return bool(getattr(device, "stale", False))

    @staticmethod
    def resolve_id(device, info):
        return device_global_id(device.uid)

    @classmethod
    def resolve_type(cls, device, info):
        return TYPE_BY_KIND[device.kind]


# A registry field's `graphql_type`, for the generated types and inputs.
FIELD_TYPES = {
    "Float": graphene.Float,
    "String": graphene.String,
    "Boolean": graphene.Boolean,
    "StorageMode": StorageModeEnum,
    "EvMode": EvModeEnum,
}


def _resolver(field: FieldSpec):
    """The stored column; while it is NULL, what the field defaults to (a panel's orientation)."""
    column = field.column_name

    def resolve(device, info):
        value = getattr(device, column)
        return field_default(field, device) if value is None else value

    return resolve


class ChargeTarget(graphene.ObjectType):
    class Meta:
        description = "An electric vehicle's daily target: this charge by this local time."

    percent = graphene.Float(required=True, description="Percent of the battery's capacity.")
    ready_by = graphene.String(required=True, description='Local time of day, "HH:MM".')


def _charge_target(device, info):
    if device.charge_target_percent is None or device.ready_by is None:
        return None
    return ChargeTarget(percent=device.charge_target_percent, ready_by=device.ready_by.strftime("%H:%M"))


# Fields a kind's type has beyond its registry fields: (field, resolver) by name.
_EXTRA_FIELDS: dict[str, dict[str, tuple[graphene.Field, Any]]] = {
    "electric_vehicle": {
        "charge_target": (
            graphene.Field(ChargeTarget, description="Set with setChargeTarget; null until then."),
            _charge_target,
        )
    }
}


def _object_type(kind: KindSpec) -> type[graphene.ObjectType]:
    """The kind's GraphQL type: one required field per registry field, and its extra fields."""
    attributes: dict[str, Any] = {
        "Meta": type("Meta", (), {"interfaces": (DeviceInterface,), "description": kind.description})
    }
    for name, (field, resolver) in _EXTRA_FIELDS.get(kind.value, {}).items():
        attributes[name] = field
        attributes[f"resolve_{name}"] = staticmethod(resolver)
    for field in kind.fields:
        attributes[field.name] = graphene.Field(
            FIELD_TYPES[field.graphql_type], required=True, description=field.description
        )
        attributes[f"resolve_{field.name}"] = staticmethod(_resolver(field))
    return type(kind.graphql_type, (graphene.ObjectType,), attributes)


TYPE_BY_KIND = {kind.value: _object_type(kind) for kind in KINDS}
# The concrete types are reachable only through the interface, so the schema must list them.
DEVICE_TYPES = list(TYPE_BY_KIND.values())


class ApplianceCategoryType(graphene.ObjectType):
    class Meta:
        name = "ApplianceCategory"
        description = "A value `ApplianceInput.category` accepts."

    category = graphene.String(required=True, description="What to send, e.g. `air_conditioner`.")
    label = graphene.String(required=True)
    default_average_power_w = graphene.Float(
        required=True, description="Draw used when `averagePowerW` is omitted, W."
    )
