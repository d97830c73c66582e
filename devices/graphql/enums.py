"""GraphQL enums over the model's choices; their names and values are part of the API contract."""

import enum

import graphene

from devices.choices import StorageMode as Mode
from devices.kinds import BY_VALUE
from devices.models import DeviceKind, StorageMode, TelemetrySource

# The modes the registry allows an EV (no AUTO): it charges, charges from solar surplus,
# discharges to the home, or idles.
EvModeChoice = enum.StrEnum(  # type: ignore[misc]
    "EvModeChoice", [(Mode(mode).name, mode) for mode in BY_VALUE["electric_vehicle"].field("mode").choices]
)


DeviceKindEnum = graphene.Enum.from_enum(DeviceKind, name="DeviceKind", description="What a device is.")
StorageModeEnum = graphene.Enum.from_enum(
    StorageMode,
    name="StorageMode",
    description=(
        "What an energy store does. AUTO (batteries only, their default) charges from solar surplus "
        "and discharges to cover a deficit; CHARGING draws from the home, DISCHARGING supplies it; "
        "SOLAR (EVs only) charges from solar surplus only; OPTIMIZED (batteries only) follows the home's "
        "cost-optimal plan; SMART (EVs only, once they have a charge target) reaches the target by its "
        "time at the least cost, solar surplus first."
    ),
)
EvModeEnum = graphene.Enum.from_enum(
    EvModeChoice,
    name="EvMode",
    description="What an electric vehicle does while plugged in: CHARGING draws from the home, "
    "DISCHARGING supplies it (vehicle-to-home, after the home battery), SOLAR charges from solar surplus "
    "only, SMART reaches the charge target by its time at the least cost (solar surplus first), IDLE "
    "neither. New vehicles start IDLE.",
)
TelemetrySourceEnum = graphene.Enum.from_enum(
    TelemetrySource,
    name="TelemetrySource",
    description="SIMULATED: the platform simulates the device; REPORTED: its readings come from the "
    "home's gateway (POST /ingest/readings or MQTT) and it is never simulated.",
)
