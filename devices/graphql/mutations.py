"""registerDevice, updateDevice, setDeviceMode, removeDevice: thin wrappers over devices.services."""

from typing import Any
from uuid import UUID

import graphene

from core.graphql.errors import error_type
from core.graphql.mutations import BaseMutation
from core.graphql.permissions import household_required
from devices import limits, services
from devices.error_codes import DeviceErrorCode
from devices.graphql.enums import StorageModeEnum, TelemetrySourceEnum
from devices.graphql.types import FIELD_TYPES, DeviceInterface, device_uid
from devices.kinds import KINDS, FieldSpec, KindSpec

_NAME = f"Not blank, at most {limits.NAME_MAX_LENGTH} characters."
_UNCHANGED = "Omitted or null: unchanged."


def _bounds(field: FieldSpec) -> str:
    if field.check == "rating":
        return f"More than 0 {field.unit}, at most {field.maximum:,.0f} {field.unit}."
    if field.check in ("degrees", "range"):
        return f"{field.bounds[0]:g} to {field.bounds[1]:g}."
    if field.check == "percent":
        return f"{limits.CHARGE_PERCENT_MIN:g} to {limits.CHARGE_PERCENT_MAX:g}."
    return ""


def _default_note(field: FieldSpec) -> str:
    if field.register_note or field.default is None:
        return field.register_note
    default = field.default
    if isinstance(default, str):
        return f"Default {default.upper()}." if field.check == "mode" else f"Default `{default}`."
    return f"Default {default:g}."


def _input_type(kind: KindSpec, *, update: bool) -> type[graphene.InputObjectType]:
    """`<Type>Input` (registerDevice: the registry's required fields required) or `<Type>UpdateInput`."""
    fields = {}
    for field in kind.fields:
        if not field.is_input:
            continue
        notes = (_UNCHANGED, field.update_note) if update else (_default_note(field),)
        description = " ".join(part for part in (field.description, _bounds(field), *notes) if part)
        fields[field.name] = FIELD_TYPES[field.graphql_type](
            required=field.required and not update, description=description
        )
    suffix = "UpdateInput" if update else "Input"
    return type(f"{kind.graphql_type}{suffix}", (graphene.InputObjectType,), fields)


def _per_kind(*, update: bool) -> dict[str, graphene.InputObjectType]:
    """One nested input field per registry kind (devices.kinds), named after the kind's value."""
    return {kind.value: _input_type(kind, update=update)() for kind in KINDS}


RegisterDeviceInput = type(
    "RegisterDeviceInput",
    (graphene.InputObjectType,),
    {
        "name": graphene.String(required=True, description=_NAME),
        "source": TelemetrySourceEnum(description="Default SIMULATED; REPORTED: fed by a gateway."),
        **_per_kind(update=False),
        "Meta": type(
            "Meta",
            (),
            {"description": "Exactly one of the nested inputs; the device's kind follows from it."},
        ),
    },
)
UpdateDeviceInput = type(
    "UpdateDeviceInput",
    (graphene.InputObjectType,),
    {
        "name": graphene.String(description=f"{_NAME} {_UNCHANGED}"),
        "source": TelemetrySourceEnum(description=_UNCHANGED),
        **_per_kind(update=True),
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


def _source(data: graphene.InputObjectType) -> str | None:
    source = data.get("source")
    return None if source is None else getattr(source, "value", source)


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
        return {"device": services.device_register(name=input.name, source=_source(input), **_specs(input))}


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
        device = services.device_update(uid=_uid(id), name=input.name, source=_source(input), **_specs(input))
        return {"device": device}


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


class SetChargeTarget(BaseMutation):
    """An electric vehicle's daily charge target, which SMART reaches at the least cost."""

    class Arguments:
        id = graphene.ID(required=True)
        percent = graphene.Float(required=True, description="Percent of the battery's capacity, 0 to 100.")
        ready_by = graphene.String(required=True, description='Local time of day, "HH:MM" (00:00-23:59).')

    class Meta:
        error_type = DeviceError

    device = graphene.Field(DeviceInterface)

    @staticmethod
    @household_required
    def perform_mutation(root, info, id, percent, ready_by):
        device = services.device_set_charge_target(uid=_uid(id), percent=percent, ready_by=ready_by)
        return {"device": device}


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
