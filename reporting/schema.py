"""Reporting in GraphQL: energySummary, energyHistory and (staff only) fleetSummary.

Resolvers only check access, translate arguments and call reporting.selectors.
"""

import graphene
from graphql import GraphQLError

from core.graphql.budget import register_cost
from core.graphql.permissions import household_required, staff_required
from core.graphql.rounding import measurement_round
from devices.graphql.enums import DeviceKindEnum
from devices.graphql.types import DeviceInterface, device_uid
from devices.models import DeviceKind
from reporting import buckets, selectors
from reporting.costs import HISTORY_COST, HISTORY_FIELD
from tariffs.schema import Money
from tariffs.terms import price_shown
from telemetry import flows
from telemetry.physics import STORAGE_EFFICIENCY


class BadRequest(GraphQLError):
    def __init__(self, message: str):
        super().__init__(message, extensions={"code": "BAD_REQUEST"})


class StorageState(graphene.ObjectType):
    class Meta:
        description = "One battery or electric vehicle: how much it can hold and holds now."

    device = graphene.Field(DeviceInterface)
    capacity_wh = graphene.Float(required=True, description="Usable capacity, Wh.")
    charge_wh = graphene.Float(required=True, description="Energy stored now, Wh.")
    charge_percent = graphene.Float(required=True, description="chargeWh as a percent of capacityWh.")


FlowNode = graphene.Enum.from_enum(
    flows.Node,
    name="FlowNode",
    description="Where energy comes from or goes: HOME is the appliances (the home's load).",
)
StorageReasonEnum = graphene.Enum.from_enum(
    flows.StorageReason,
    name="StorageReason",
    description="Why a battery or EV did not help the home more: "
    + "; ".join(f"{code.value} = {text}" for code, text in flows.REASON_DESCRIPTIONS.items())
    + ".",
)


def _flow_type(name: str, value_field: str, description: str) -> type[graphene.ObjectType]:
    """EnergyFlow (powerW) and EnergyFlowTotal (energyWh): a source, a sink and one value."""
    unit = "W" if value_field == "power_w" else "Wh"
    return type(
        name,
        (graphene.ObjectType,),
        {
            "Meta": type("Meta", (), {"description": description}),
            "source": graphene.Field(FlowNode, required=True),
            "sink": graphene.Field(FlowNode, required=True),
            value_field: graphene.Float(
                required=True, description=f"{unit}, > 0 (only non-zero flows are listed)."
            ),
            f"resolve_{value_field}": staticmethod(lambda flow, info: flow.value),
        },
    )


EnergyFlow = _flow_type(
    "EnergyFlow",
    "power_w",
    "Power from one node to another now, by the allocation rule: solar serves the home first, then "
    "storage, then the grid; storage discharge serves the home; the grid covers the rest.",
)
EnergyFlowTotal = _flow_type(
    "EnergyFlowTotal", "energy_wh", "Energy from one node to another over a bucket, summed from every tick."
)


class StoreReason(graphene.ObjectType):
    class Meta:
        description = "A battery or EV and the one reason it did not help more (the one held longest)."

    device = graphene.Field(DeviceInterface)
    reason = graphene.Field(StorageReasonEnum, required=True)


def _resolve_flows(result, info) -> list:
    """Only the flows still above zero once the API rounds them to 0.1 (core.graphql.rounding)."""
    return [flow for flow in result.flows if measurement_round(flow.value)]


def _reasons_field() -> graphene.List:
    return graphene.List(
        graphene.NonNull(StoreReason),
        required=True,
        description="Stores that did not help as much as they could, with why; at most one code per store.",
    )


class EnergySummary(graphene.ObjectType):
    class Meta:
        description = (
            "The household's power balance now, from every device's current state. "
            "netW = producedW - consumedW: > 0 exporting to the grid, < 0 importing."
        )

    at = graphene.DateTime(required=True, description="Time of the newest reading (now before any).")
    produced_w = graphene.Float(
        required=True, description="Everything supplying the home: solar, battery and EV discharge, W."
    )
    consumed_w = graphene.Float(
        required=True, description="Everything drawing power: appliances, battery and EV charging, W."
    )
    net_w = graphene.Float(required=True, description="producedW - consumedW; > 0 exporting, < 0 importing.")
    grid_import_w = graphene.Float(required=True, description="Drawn from the grid, W; never negative.")
    grid_export_w = graphene.Float(
        required=True, description="Sent to the grid, W; never negative. One of import/export is 0."
    )
    storage = graphene.List(
        graphene.NonNull(StorageState), required=True, description="Each battery and electric vehicle."
    )
    storage_capacity_wh = graphene.Float(required=True, description="Total capacity of all storage, Wh.")
    storage_charge_wh = graphene.Float(required=True, description="Total energy stored now, Wh.")
    storage_charge_percent = graphene.Float(
        required=True, description="storageChargeWh as a percent of storageCapacityWh; 0 without storage."
    )
    solar_w = graphene.Float(required=True, description="What the panels make now, W.")
    load_w = graphene.Float(required=True, description="What the appliances draw now, W.")
    storage_charge_w = graphene.Float(required=True, description="Into batteries and EVs now, W; >= 0.")
    storage_discharge_w = graphene.Float(required=True, description="Out of batteries and EVs now, W; >= 0.")
    flows = graphene.List(
        graphene.NonNull(EnergyFlow),
        required=True,
        description="What goes where now (only non-zero flows). Out of SOLAR sums to solarW, into HOME "
        "to loadW, out of GRID to gridImportW, into GRID to gridExportW.",
    )
    reasons = _reasons_field()
    resolve_flows = staticmethod(_resolve_flows)
    import_price_per_kwh = graphene.Decimal(
        required=True, description="What a kWh from the grid costs now, in the tariff's currency."
    )
    export_price_per_kwh = graphene.Decimal(
        required=True, description="What a kWh sent to the grid earns now."
    )

    @staticmethod
    def resolve_import_price_per_kwh(summary, info):
        return price_shown(summary.import_price_per_kwh)

    @staticmethod
    def resolve_export_price_per_kwh(summary, info):
        return price_shown(summary.export_price_per_kwh)


def _money(field: str, description: str) -> graphene.Field:
    """A Money field of a bucket, from the result's Decimal attribute of the same name."""
    return graphene.Field(
        Money,
        required=True,
        description=description,
        resolver=lambda bucket, info: {"amount": getattr(bucket, field), "currency": bucket.currency},
    )


Interval = graphene.Enum.from_enum(
    buckets.Interval,
    name="Interval",
    description=(
        "Bucket size, in the household's time zone: HOUR; DAY (local midnight to midnight, 23 or 25 "
        "hours on daylight-saving days); WEEK (ISO weeks, from Monday); MONTH (calendar months)."
    ),
)


class EnergyBucket(graphene.ObjectType):
    class Meta:
        description = (
            "Energy over [start, end), summed from hourly rollups. The requested range is widened to "
            "whole local hours (the rollups' resolution), then the first and last buckets are clipped "
            "to it: their start/end show exactly the span counted, which may be shorter than the interval."
        )

    start = graphene.DateTime(required=True, description="Local bucket start, with the household's offset.")
    end = graphene.DateTime(required=True, description="Local bucket end (exclusive), with its offset.")
    produced_wh = graphene.Float(required=True, description="Energy supplied to the home, Wh.")
    consumed_wh = graphene.Float(required=True, description="Energy drawn by the home, Wh.")
    imported_wh = graphene.Float(
        required=True, description="Energy from the grid, Wh; always 0 for a single device (deviceId)."
    )
    exported_wh = graphene.Float(
        required=True, description="Energy to the grid, Wh; always 0 for a single device (deviceId)."
    )
    net_wh = graphene.Float(required=True, description="producedWh - consumedWh.")
    self_sufficiency_percent = graphene.Float(
        description=(
            "100 x (1 - GRID->HOME / loadWh): the share of the home's load (appliances) not bought from "
            "the grid; storage charging does not count (before energy flows it was 1 - importedWh / "
            "consumedWh). Null when loadWh is 0, and for a single device (deviceId)."
        )
    )
    self_consumption_percent = graphene.Float(
        description=(
            "100 x (1 - SOLAR->GRID / solarWh): the share of the solar output used at home or stored. "
            "Null when solarWh is 0, and for a single device (deviceId)."
        )
    )
    solar_wh = graphene.Float(required=True, description="What the panels made, Wh.")
    load_wh = graphene.Float(required=True, description="What the appliances drew, Wh.")
    storage_charge_wh = graphene.Float(required=True, description="Into batteries and EVs, Wh.")
    storage_discharge_wh = graphene.Float(required=True, description="Out of batteries and EVs, Wh.")
    driven_wh = graphene.Float(
        description=(
            "An electric vehicle's bucket (deviceId) only: energy its battery spent driving, Wh; null "
            "otherwise."
        )
    )
    charged_away_wh = graphene.Float(
        description=(
            "An electric vehicle's bucket (deviceId) only: energy charged into its battery away from home "
            "(what the home did not supply for its trips), Wh; null otherwise. drivenWh = storageChargeWh x "
            f"{STORAGE_EFFICIENCY:g} (charging efficiency) - storageDischargeWh / {STORAGE_EFFICIENCY:g} + "
            "chargedAwayWh - the change in charge."
        )
    )
    flows = graphene.List(
        graphene.NonNull(EnergyFlowTotal),
        required=True,
        description="What went where (only non-zero flows); empty for a single device (deviceId).",
    )
    reasons = _reasons_field()
    resolve_flows = staticmethod(_resolve_flows)
    complete = graphene.Boolean(
        required=True,
        description="False while ticks are missing in the bucket or it reaches into the future.",
    )
    import_cost = _money("import_cost", "The grid import, each tick at its price (negative prices earn).")
    export_revenue = _money("export_revenue", "The export, each tick at its export price.")
    net_cost = _money("net_cost", "importCost - exportRevenue.")
    cost_without_devices = _money(
        "cost_without_devices", "The same home load (loadWh) bought from the grid: no solar, no storage."
    )
    savings = _money("savings", "costWithoutDevices - netCost: what the panels and storage saved.")


class DeviceKindCount(graphene.ObjectType):
    kind = graphene.Field(DeviceKindEnum, required=True)
    count = graphene.Int(required=True)


class CurrencyCosts(graphene.ObjectType):
    class Meta:
        description = "The fleet's money today so far in one currency (decimal strings)."

    currency = graphene.String(required=True)
    import_cost = graphene.Decimal(required=True)
    export_revenue = graphene.Decimal(required=True)
    cost_without_devices = graphene.Decimal(required=True)


def _fleet_money(fleet: selectors.FleetTotalsResult, position: int) -> dict | None:
    if len(fleet.costs_today) != 1:
        return None
    ((currency, amounts),) = fleet.costs_today.items()
    return {"amount": amounts[position], "currency": currency}


class FleetSummary(graphene.ObjectType):
    class Meta:
        description = (
            "Every household at once, from the latest snapshot each one's telemetry tick writes; "
            "households that never ticked count with zero power and no devices."
        )

    households = graphene.Int(required=True)
    stale_households = graphene.Int(
        required=True, description="Households whose last tick is missing or several intervals old."
    )
    devices = graphene.Int(required=True)
    devices_by_kind = graphene.List(graphene.NonNull(DeviceKindCount), required=True)
    produced_w = graphene.Float(required=True)
    consumed_w = graphene.Float(required=True)
    net_w = graphene.Float(required=True, description="producedW - consumedW; > 0 exporting.")
    storage_capacity_wh = graphene.Float(required=True)
    storage_charge_wh = graphene.Float(required=True)
    storage_charge_percent = graphene.Float(required=True, description="0 without storage.")
    solar_w = graphene.Float(required=True, description="What every panel makes, W.")
    load_w = graphene.Float(required=True, description="What every home's appliances draw, W.")
    storage_charge_w = graphene.Float(required=True, description="Into every battery and EV, W.")
    storage_discharge_w = graphene.Float(required=True, description="Out of every battery and EV, W.")
    grid_import_w = graphene.Float(
        required=True, description="Sum of each home's import, W (homes exporting do not offset it)."
    )
    grid_export_w = graphene.Float(required=True, description="Sum of each home's export, W.")
    at = graphene.DateTime(description="Time of the newest snapshot; null before any tick.")
    import_cost = graphene.Field(
        Money,
        description="Today's grid import cost so far (each home's local day); null unless one currency.",
    )
    export_revenue = graphene.Field(
        Money, description="Today's export revenue so far; null unless one currency."
    )
    costs_today = graphene.List(
        graphene.NonNull(CurrencyCosts), required=True, description="Today's totals so far, per currency."
    )

    @staticmethod
    def resolve_import_cost(fleet: selectors.FleetTotalsResult, info):
        return _fleet_money(fleet, 0)

    @staticmethod
    def resolve_export_revenue(fleet: selectors.FleetTotalsResult, info):
        return _fleet_money(fleet, 1)

    @staticmethod
    def resolve_costs_today(fleet: selectors.FleetTotalsResult, info):
        return [
            {"currency": currency, "import_cost": a, "export_revenue": b, "cost_without_devices": c}
            for currency, (a, b, c) in sorted(fleet.costs_today.items())
        ]

    @staticmethod
    def resolve_devices_by_kind(fleet: selectors.FleetTotalsResult, info):
        # The enum holds the kinds registered when the schema was built (docs/adding-a-device-kind.md).
        return [
            DeviceKindCount(kind=kind, count=count)
            for kind, count in fleet.devices_by_kind.items()
            if kind in DeviceKind.values
        ]


class Query(graphene.ObjectType):
    energy_summary = graphene.Field(
        EnergySummary, required=True, description="The household's power balance and storage now."
    )
    energy_history = graphene.List(
        graphene.NonNull(EnergyBucket),
        required=True,
        start=graphene.DateTime(required=True, description="Range start; must carry a UTC offset."),
        end=graphene.DateTime(required=True, description="Range end (exclusive), after start; with offset."),
        interval=Interval(required=True),
        device_id=graphene.ID(
            description="Only this device; an id of no device in the household gives an empty list."
        ),
        description=(
            f"Energy per local bucket over [start, end), oldest first; at most {buckets.MAX_BUCKETS:,} "
            "buckets. Times without an offset, start >= end or too many buckets: BAD_REQUEST."
        ),
    )
    fleet_summary = graphene.Field(
        FleetSummary,
        required=True,
        description="Staff only. Totals as of the last fleet tick (refreshed after every tick).",
    )

    @staticmethod
    @household_required
    def resolve_energy_summary(root, info):
        return selectors.energy_summary(household=info.context.household)

    @staticmethod
    @household_required
    def resolve_energy_history(root, info, start, end, interval, device_id=None):
        uid = None
        if device_id is not None:
            uid = device_uid(device_id)
            if uid is None:
                raise BadRequest("deviceId is not a device id.")
        try:
            return selectors.energy_history(
                household=info.context.household,
                start=start,
                end=end,
                interval=buckets.Interval(interval),
                device_uid=uid,
            )
        except buckets.BucketError as error:
            raise BadRequest(str(error)) from error

    @staticmethod
    @staff_required
    def resolve_fleet_summary(root, info):
        return selectors.fleet_totals()


# The field and its cost come from one import: wherever a schema has the field, the budget charges it.
register_cost(HISTORY_FIELD, HISTORY_COST)
