"""The devices part of the root schema: queries, mutations and the types behind the interface."""

import graphene

from core.graphql.permissions import household_required
from devices import selectors
from devices.graphql.enums import DeviceKindEnum
from devices.graphql.mutations import (
    RegisterDevice,
    RemoveDevice,
    SetChargeTarget,
    SetDeviceMode,
    UpdateDevice,
)
from devices.graphql.types import DEVICE_TYPES, ApplianceCategoryType, DeviceInterface, device_uid

types = DEVICE_TYPES


class Query(graphene.ObjectType):
    devices = graphene.List(
        graphene.NonNull(DeviceInterface),
        required=True,
        kind=DeviceKindEnum(description="Only devices of this kind."),
        description="The household's devices, oldest first.",
    )
    device = graphene.Field(
        DeviceInterface,
        id=graphene.ID(required=True),
        description="One of the household's devices; null for any other id.",
    )
    appliance_categories = graphene.List(
        graphene.NonNull(ApplianceCategoryType),
        required=True,
        description="Categories an appliance may have, with their typical draw.",
    )

    @staticmethod
    @household_required
    def resolve_devices(root, info, kind=None):
        return selectors.device_list(kind=kind)

    @staticmethod
    @household_required
    def resolve_device(root, info, id):
        uid = device_uid(id)
        return None if uid is None else selectors.device_get(uid=uid)

    @staticmethod
    @household_required
    def resolve_appliance_categories(root, info):
        return selectors.appliance_category_list()


class Mutation(graphene.ObjectType):
    register_device = RegisterDevice.Field()
    update_device = UpdateDevice.Field()
    set_device_mode = SetDeviceMode.Field()
    set_charge_target = SetChargeTarget.Field()
    remove_device = RemoveDevice.Field()
