"""Forecasts and plans in GraphQL: energyForecast(hours) and energyPlan (the household's own only).

Resolvers check access and arguments and call planning.selectors.
"""

import graphene
from graphql import GraphQLError

from core.graphql.permissions import household_required
from devices.graphql.types import DeviceInterface
from planning import selectors
from planning.optimiser import Reason
from tariffs.schema import Money


class ForecastInterval(graphene.ObjectType):
    class Meta:
        description = (
            "Fifteen minutes of the home's forecast, made only from what is known now: solar from the panel "
            "model under a forecast sky, load from the home's expected profile, prices from its tariff and "
            "the published market (a day-ahead market's unpublished hours repeat the day before)."
        )

    start = graphene.DateTime(required=True)
    end = graphene.DateTime(required=True)
    solar_wh = graphene.Float(required=True, description="Expected solar energy, Wh.")
    load_wh = graphene.Float(required=True, description="Expected appliance energy, Wh.")
    import_price_per_kwh = graphene.Decimal(required=True)
    export_price_per_kwh = graphene.Decimal(required=True)


class PlanStep(graphene.ObjectType):
    class Meta:
        description = "A store's planned power over fifteen minutes."

    start = graphene.DateTime(required=True)
    end = graphene.DateTime(required=True)
    device = graphene.Field(DeviceInterface, required=True)
    power_w = graphene.Float(required=True, description="Planned, signed like a device's powerW.")


PlanReasonEnum = graphene.Enum.from_enum(
    Reason,
    name="PlanReason",
    description="Why a store's plan is not the cheapest one: target_unreachable = its charge target "
    "cannot be met by its time, so it charges at full rate while plugged in.",
)


class PlanNote(graphene.ObjectType):
    class Meta:
        description = "Something the owner should know about a store's plan."

    device = graphene.Field(DeviceInterface, required=True)
    code = graphene.Field(PlanReasonEnum, required=True)


class EnergyPlan(graphene.ObjectType):
    class Meta:
        description = (
            "The cost-optimal plan of the home's OPTIMIZED batteries and SMART EVs, "
            "remade as the future arrives."
        )

    created_at = graphene.DateTime(required=True)
    steps = graphene.List(graphene.NonNull(PlanStep), required=True, description="From now to the horizon.")
    expected_cost = graphene.Field(
        Money, required=True, description="The home's net cost over the plan's horizon."
    )
    expected_cost_without_plan = graphene.Field(
        Money,
        required=True,
        description="The same horizon with the batteries in AUTO and the EVs charging on arrival.",
    )
    notes = graphene.List(graphene.NonNull(PlanNote), required=True)

    @staticmethod
    def resolve_expected_cost(plan, info):
        return {"amount": plan.expected_cost, "currency": plan.currency}

    @staticmethod
    def resolve_expected_cost_without_plan(plan, info):
        return {"amount": plan.expected_cost_without_plan, "currency": plan.currency}


class Query(graphene.ObjectType):
    energy_forecast = graphene.List(
        graphene.NonNull(ForecastInterval),
        required=True,
        hours=graphene.Int(default_value=24, description=f"1 to {selectors.FORECAST_HOURS_MAX}."),
        description="The home's forecast in 15-minute intervals from now.",
    )
    energy_plan = graphene.Field(EnergyPlan, description="Null when no store follows a plan.")

    @staticmethod
    @household_required
    def resolve_energy_forecast(root, info, hours=24):
        if not 1 <= hours <= selectors.FORECAST_HOURS_MAX:
            raise GraphQLError(
                f"hours must be between 1 and {selectors.FORECAST_HOURS_MAX}.",
                extensions={"code": "BAD_REQUEST"},
            )
        return selectors.energy_forecast(household=info.context.household, hours=hours)

    @staticmethod
    @household_required
    def resolve_energy_plan(root, info):
        return selectors.energy_plan()
