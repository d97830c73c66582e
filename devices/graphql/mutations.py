"""registerDevice, updateDevice, setDeviceMode, removeDevice: thin wrappers over devices.services."""

from typing import Any
from uuid import UUID

import graphene

from config.graphql.errors import error_type
from config.graphql.mutations import BaseMutation
from config.graphql.permissions import household_required
from devices import limits, services
from devices.error_codes import DeviceErrorCode
from devices.graphql.enums import EvModeEnum, StorageModeEnum
from devices.graphql.types import DeviceInterface, device_uid
from devices.kinds import KINDS


def _bounds(maximum: float, unit: str) -> str:
    return f"More than 0 {unit}, at most {maximum:,.0f} {unit}."


_SOLAR = _bounds(limits.SOLAR_RATED_CAPACITY_MAX_W, "W")
_BATTERY_CAPACITY = _bounds(limits.BATTERY_CAPACITY_MAX_WH, "Wh")
_EV_CAPACITY = _bounds(limits.EV_BATTERY_CAPACITY_MAX_WH, "Wh")
_RATE = _bounds(limits.STORAGE_RATE_MAX_W, "W")
_APPLIANCE_POWER = _bounds(limits.APPLIANCE_AVERAGE_POWER_MAX_W, "W")
_PERCENT = "Charge as a percent of capacity, 0 to 100."
_CATEGORY = "One of `applianceCategories` (case-insensitive), e.g. `air_conditioner`, `fridge`."
_NAME = f"Not blank, at most {limits.NAME_MAX_LENGTH} characters."
_UNCHANGED = " Omitted or null: unchanged."


_TILT = "Degrees from horizontal, 0 to 90."
_AZIMUTH = "Degrees clockwise from north, 0 to 360 (180 = south)."


class SolarPanelInput(graphene.InputObjectType):
    rated_capacity_w = graphene.Float(required=True, description=f"Peak output, W. {_SOLAR}")
    tilt_degrees = graphene.Float(description=f"{_TILT} Default 30.")
    azimuth_degrees = graphene.Float(description=f"{_AZIMUTH} Default: facing the equator.")


class BatteryInput(graphene.InputObjectType):
    capacity_wh = graphene.Float(required=True, description=f"Usable capacity, Wh. {_BATTERY_CAPACITY}")
    max_charge_rate_w = graphene.Float(required=True, description=f"Fastest charging, W. {_RATE}")
    max_discharge_rate_w = graphene.Float(required=True, description=f"Fastest discharging, W. {_RATE}")
    charge_percent = graphene.Float(description=f"{_PERCENT} Default {limits.DEFAULT_CHARGE_PERCENT:g}.")
    mode = StorageModeEnum(description="Default AUTO.")


class ElectricVehicleInput(graphene.InputObjectType):
    battery_capacity_wh = graphene.Float(required=True, description=f"Usable capacity, Wh. {_EV_CAPACITY}")
    max_charge_rate_w = graphene.Float(required=True, description=f"Fastest charging, W. {_RATE}")
    max_discharge_rate_w = graphene.Float(
        required=True, description=f"Fastest discharging to the home, W. {_RATE}"
    )
    charge_percent = graphene.Float(description=f"{_PERCENT} Default {limits.DEFAULT_CHARGE_PERCENT:g}.")
    mode = EvModeEnum(description="Default IDLE.")


class ApplianceInput(graphene.InputObjectType):
    average_power_w = graphene.Float(
        description=f"Average draw while on, W. {_APPLIANCE_POWER} Omitted: the category's typical draw."
    )
    category = graphene.String(description=f"{_CATEGORY} Default `other`.")


def _per_kind(suffix: str, *inputs: type[graphene.InputObjectType]) -> dict[str, graphene.InputObjectType]:
    """One nested input field per registry kind (devices.kinds), named after the kind's value."""
    by_name = {input_type._meta.name: input_type for input_type in inputs}
    return {kind.value: by_name[f"{kind.graphql_type}{suffix}"]() for kind in KINDS}


RegisterDeviceInput = type(
    "RegisterDeviceInput",
    (graphene.InputObjectType,),
    {
        "name": graphene.String(required=True, description=_NAME),
        **_per_kind("Input", SolarPanelInput, BatteryInput, ElectricVehicleInput, ApplianceInput),
        "Meta": type(
            "Meta",
            (),
            {"description": "Exactly one of the nested inputs; the device's kind follows from it."},
        ),
    },
)


class SolarPanelUpdateInput(graphene.InputObjectType):
    rated_capacity_w = graphene.Float(description=f"Peak output, W. {_SOLAR}{_UNCHANGED}")
    tilt_degrees = graphene.Float(description=f"{_TILT}{_UNCHANGED}")
    azimuth_degrees = graphene.Float(description=f"{_AZIMUTH}{_UNCHANGED}")


class BatteryUpdateInput(graphene.InputObjectType):
    capacity_wh = graphene.Float(
        description=f"Usable capacity, Wh. {_BATTERY_CAPACITY}{_UNCHANGED} A charge above it is cut to it."
    )
    max_charge_rate_w = graphene.Float(description=f"Fastest charging, W. {_RATE}{_UNCHANGED}")
    max_discharge_rate_w = graphene.Float(description=f"Fastest discharging, W. {_RATE}{_UNCHANGED}")
    charge_percent = graphene.Float(description=f"{_PERCENT}{_UNCHANGED}")
    mode = StorageModeEnum(description=_UNCHANGED.strip())


class ElectricVehicleUpdateInput(graphene.InputObjectType):
    battery_capacity_wh = graphene.Float(
        description=f"Usable capacity, Wh. {_EV_CAPACITY}{_UNCHANGED} A charge above it is cut to it."
    )
    max_charge_rate_w = graphene.Float(description=f"Fastest charging, W. {_RATE}{_UNCHANGED}")
    max_discharge_rate_w = graphene.Float(description=f"Fastest discharging, W. {_RATE}{_UNCHANGED}")
    charge_percent = graphene.Float(description=f"{_PERCENT}{_UNCHANGED}")
    mode = EvModeEnum(description=_UNCHANGED.strip())


class ApplianceUpdateInput(graphene.InputObjectType):
    average_power_w = graphene.Float(description=f"Average draw while on, W. {_APPLIANCE_POWER}{_UNCHANGED}")
    category = graphene.String(description=f"{_CATEGORY}{_UNCHANGED} The draw stays as it was.")


UpdateDeviceInput = type(
    "UpdateDeviceInput",
    (graphene.InputObjectType,),
    {
        "name": graphene.String(description=f"{_NAME}{_UNCHANGED}"),
        **_per_kind(
            "UpdateInput",
            SolarPanelUpdateInput,
            BatteryUpdateInput,
            ElectricVehicleUpdateInput,
            ApplianceUpdateInput,
        ),
        "Meta": type(
            "Meta",
            (),
            {"description": "Only the fields given change; a nested input must match the device's kind."},
        ),
    },
)


def _specs(data: graphene.InputObjectType) -> dict[str, dict[str, Any] | None]:
    """The nested inputs as plain dicts holding only the fields the client sent."""
    return {
        field: None if data.get(field) is None else dict(data[field])
        for field in (kind.value for kind in KINDS)
    }


def _uid(global_id: str) -> UUID:
    """Malformed ids are answered exactly like unknown ones."""
    uid = device_uid(global_id)
    if uid is None:
        raise services.device_not_found()
    return uid


DeviceError = error_type("DeviceError", DeviceErrorCode, "device change")


class RegisterDevice(BaseMutation):
    """Add a device to the caller's household."""

    class Arguments:
        input = RegisterDeviceInput(required=True)

    class Meta:
        error_type = DeviceError

    device = graphene.Field(DeviceInterface)

    @staticmethod
    @household_required
    def perform_mutation(root, info, input):
        return {"device": services.device_register(name=input.name, **_specs(input))}


class UpdateDevice(BaseMutation):
    """Change a device's name or its kind's properties; the kind itself never changes."""

    class Arguments:
        id = graphene.ID(required=True)
        input = UpdateDeviceInput(required=True)

    class Meta:
        error_type = DeviceError

    device = graphene.Field(DeviceInterface)

    @staticmethod
    @household_required
    def perform_mutation(root, info, id, input):
        return {"device": services.device_update(uid=_uid(id), name=input.name, **_specs(input))}


class SetDeviceMode(BaseMutation):
    """Switch a battery or an electric vehicle; AUTO is for batteries only."""

    class Arguments:
        id = graphene.ID(required=True)
        mode = StorageModeEnum(required=True)

    class Meta:
        error_type = DeviceError

    device = graphene.Field(DeviceInterface)

    @staticmethod
    @household_required
    def perform_mutation(root, info, id, mode):
        return {"device": services.device_set_mode(uid=_uid(id), mode=mode)}


class RemoveDevice(BaseMutation):
    """Delete a device and its readings; `removed` is false (with an error) for an unknown id."""

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        error_type = DeviceError

    removed = graphene.Boolean(required=True)
    error_fields = {"removed": False}

    @staticmethod
    @household_required
    def perform_mutation(root, info, id):
        services.device_remove(uid=_uid(id))
        return {"removed": True}
