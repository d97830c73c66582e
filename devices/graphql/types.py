"""The Device interface and its four types; opaque ids are base64 of "Device:<uid>"."""

from uuid import UUID

import graphene
from graphql_relay import from_global_id, to_global_id

from devices.graphql.enums import DeviceKindEnum, EvModeEnum, StorageModeEnum
from devices.kinds import KINDS
from devices.limits import DEFAULT_TILT_DEGREES
from devices.services import default_azimuth_degrees

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

    @staticmethod
    def resolve_id(device, info):
        return device_global_id(device.uid)

    @classmethod
    def resolve_type(cls, device, info):
        return TYPE_BY_KIND[device.kind]


class _StorageFields:
    """Fields batteries and electric vehicles share: one notion of energy storage."""

    max_charge_rate_w = graphene.Float(required=True, description="Fastest charging, W.")
    max_discharge_rate_w = graphene.Float(required=True, description="Fastest discharging, W.")
    charge_wh = graphene.Float(required=True, description="Energy stored now, Wh.")
    charge_percent = graphene.Float(required=True, description="Energy stored now, percent of capacity.")


class SolarPanel(graphene.ObjectType):
    class Meta:
        interfaces = (DeviceInterface,)
        description = "Produces power; output follows the sun and weather at the household's location."

    rated_capacity_w = graphene.Float(required=True, description="Peak output, W (the inverter clips there).")
    tilt_degrees = graphene.Float(required=True, description="Degrees from horizontal.")
    azimuth_degrees = graphene.Float(required=True, description="Degrees clockwise from north (180 = south).")

    @staticmethod
    def resolve_tilt_degrees(device, info):
        return DEFAULT_TILT_DEGREES if device.tilt_degrees is None else device.tilt_degrees

    @staticmethod
    def resolve_azimuth_degrees(device, info):
        return default_azimuth_degrees() if device.azimuth_degrees is None else device.azimuth_degrees


class Battery(_StorageFields, graphene.ObjectType):
    class Meta:
        interfaces = (DeviceInterface,)
        description = "A home battery; in AUTO mode it covers the home's deficit from its surplus."

    capacity_wh = graphene.Float(required=True, description="Usable capacity, Wh.")
    mode = graphene.Field(StorageModeEnum, required=True)


class ElectricVehicle(_StorageFields, graphene.ObjectType):
    class Meta:
        interfaces = (DeviceInterface,)
        description = "A car that charges from the home or supplies it (vehicle-to-home) while plugged in."

    battery_capacity_wh = graphene.Float(required=True, description="Usable capacity of its battery, Wh.")
    mode = graphene.Field(EvModeEnum, required=True)
    plugged_in = graphene.Boolean(required=True, description="False while the car is away (on a trip).")

    @staticmethod
    def resolve_battery_capacity_wh(device, info):
        return device.capacity_wh


class Appliance(graphene.ObjectType):
    class Meta:
        interfaces = (DeviceInterface,)
        description = "Consumes power while on; its category drives its on/off pattern."

    average_power_w = graphene.Float(required=True, description="Average draw while on, W.")
    category = graphene.String(required=True, description="One of `applianceCategories`, e.g. `fridge`.")
    is_on = graphene.Boolean(required=True)


_TYPES = {
    graphql_type._meta.name: graphql_type
    for graphql_type in (SolarPanel, Battery, ElectricVehicle, Appliance)
}
TYPE_BY_KIND = {kind.value: _TYPES[kind.graphql_type] for kind in KINDS}
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
