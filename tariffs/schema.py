"""Tariffs in GraphQL: Household.tariff, setTariff (owners only) and prices(start, end).

Resolvers check access, translate arguments and call tariffs.services / tariffs.selectors. Money
travels as the Decimal scalar (a string such as "0.3120"), never as a float.
"""

import dataclasses
from datetime import timedelta
from decimal import Decimal

import graphene
from graphql import GraphQLError

from core.graphql.errors import error_type
from core.graphql.mutations import BaseMutation
from core.graphql.permissions import PermissionDenied, household_required
from households.models import Membership
from households.schema import HouseholdType
from tariffs import selectors, services
from tariffs.error_codes import TariffErrorCode
from tariffs.terms import TariffKind, price_shown

PRICES_MAX_RANGE = timedelta(days=31)

TariffKindEnum = graphene.Enum.from_enum(
    TariffKind,
    name="TariffKind",
    description="FIXED: one price; TIME_OF_USE: prices by local time windows; DYNAMIC: the day-ahead market "
    "price plus importPricePerKwh.",
)


class Money(graphene.ObjectType):
    class Meta:
        description = "An amount of money: a decimal string and its ISO 4217 currency."

    amount = graphene.Decimal(required=True)
    currency = graphene.String(required=True)

    @staticmethod
    def resolve_amount(money, info):
        """Plain notation: a zero sum of 9-decimal costs is "0.000000000", never "0E-9"."""
        return Decimal(format(money["amount"], "f"))


class TariffWindow(graphene.ObjectType):
    class Meta:
        description = "A TIME_OF_USE price for some weekdays and local hours (end exclusive)."

    days = graphene.List(graphene.NonNull(graphene.Int), required=True, description="ISO weekdays 1-7.")
    start_local = graphene.String(required=True, description='"HH:MM" in the home\'s time zone.')
    end_local = graphene.String(required=True, description='"HH:MM", exclusive; "24:00" allowed.')
    import_price_per_kwh = graphene.Decimal(required=True)


class Tariff(graphene.ObjectType):
    class Meta:
        description = "What the home pays and earns per kWh (a documented default until the owner sets one)."

    kind = graphene.Field(TariffKindEnum, required=True)
    currency = graphene.String(required=True, description="ISO 4217.")
    import_price_per_kwh = graphene.Decimal(
        required=True,
        description="FIXED: the price; TIME_OF_USE: outside the windows; DYNAMIC: added to the market price.",
    )
    export_price_per_kwh = graphene.Decimal(required=True, description="Feed-in compensation per kWh.")
    windows = graphene.List(graphene.NonNull(TariffWindow), required=True)
    market_zone = graphene.String(description='DYNAMIC only: the day-ahead market zone, e.g. "DE-LU".')

    @staticmethod
    def resolve_kind(terms, info):
        return terms.kind

    @staticmethod
    def resolve_import_price_per_kwh(terms, info):
        return price_shown(terms.import_per_kwh)

    @staticmethod
    def resolve_export_price_per_kwh(terms, info):
        return price_shown(terms.export_per_kwh)

    @staticmethod
    def resolve_windows(terms, info):
        return [
            {
                "days": list(w.days),
                "start_local": w.start_local,
                "end_local": w.end_local,
                "import_price_per_kwh": price_shown(w.import_per_kwh),
            }
            for w in terms.windows
        ]


# Household.tariff: households sits below tariffs in the layers, so the field joins its type from
# here, before the schema is built (the way core's BaseMutation adds `errors` to a payload).
HouseholdType._meta.fields["tariff"] = graphene.Field(
    Tariff,
    required=True,
    description="The tariff in force now: the owner's (setTariff) or the country's default.",
    resolver=lambda household, info: selectors.tariff_current(household).terms,
)


class TariffWindowInput(graphene.InputObjectType):
    days = graphene.List(graphene.NonNull(graphene.Int), required=True)
    start_local = graphene.String(required=True)
    end_local = graphene.String(required=True)
    import_price_per_kwh = graphene.Decimal(required=True)


class SetTariffInput(graphene.InputObjectType):
    kind = graphene.Field(TariffKindEnum, required=True)
    currency = graphene.String(required=True, description="ISO 4217, e.g. EUR.")
    import_price_per_kwh = graphene.Decimal(required=True, description="Per kWh, -1 to 10.")
    export_price_per_kwh = graphene.Decimal(required=True, description="Per kWh, -1 to 10.")
    windows = graphene.List(graphene.NonNull(TariffWindowInput), description="TIME_OF_USE only.")
    market_zone = graphene.String(description="DYNAMIC only.")


TariffError = error_type("TariffError", TariffErrorCode, "tariff change")


class SetTariff(BaseMutation):
    """Set the home's tariff (owners only): it prices every tick from now on; stored costs stay."""

    class Arguments:
        input = SetTariffInput(required=True)

    class Meta:
        error_type = TariffError

    tariff = graphene.Field(Tariff)

    @staticmethod
    @household_required
    def perform_mutation(root, info, input):
        if info.context.token_user.membership.role != Membership.Role.OWNER:
            raise PermissionDenied("Only the household's owner can change its tariff.")
        tariff = services.tariff_set(
            household=info.context.household,
            kind=input.kind.value if hasattr(input.kind, "value") else input.kind,
            currency=input.currency,
            import_price_per_kwh=input.import_price_per_kwh,
            export_price_per_kwh=input.export_price_per_kwh,
            windows=[dict(window) for window in input.windows or []],
            market_zone=input.market_zone,
        )
        return {"tariff": tariff.terms}


class PriceInterval(graphene.ObjectType):
    class Meta:
        description = "What the home pays (import) and earns (export) per kWh over one interval."

    start = graphene.DateTime(required=True)
    end = graphene.DateTime(required=True)
    import_price_per_kwh = graphene.Decimal(required=True)
    export_price_per_kwh = graphene.Decimal(required=True)

    @staticmethod
    def resolve_import_price_per_kwh(interval, info):
        return price_shown(interval.import_price_per_kwh)

    @staticmethod
    def resolve_export_price_per_kwh(interval, info):
        return price_shown(interval.export_price_per_kwh)


class Query(graphene.ObjectType):
    prices = graphene.List(
        graphene.NonNull(PriceInterval),
        required=True,
        start=graphene.DateTime(required=True),
        end=graphene.DateTime(required=True),
        description="The home's own prices in 15-minute intervals (at most 31 days; times in its offset), "
        "past ones as they were charged; DYNAMIC ones exist up to the end of tomorrow once the market "
        "has published.",
    )

    @staticmethod
    @household_required
    def resolve_prices(root, info, start, end):
        if start.tzinfo is None or end.tzinfo is None:
            raise GraphQLError("Give start and end with a UTC offset.", extensions={"code": "BAD_REQUEST"})
        if not start < end <= start + PRICES_MAX_RANGE:
            raise GraphQLError(
                "end must be after start, at most 31 days later.", extensions={"code": "BAD_REQUEST"}
            )
        household = info.context.household
        zone = household.zoneinfo
        return [
            dataclasses.replace(
                interval, start=interval.start.astimezone(zone), end=interval.end.astimezone(zone)
            )
            for interval in selectors.prices_for(household=household, start=start, end=end)
        ]


class Mutation(graphene.ObjectType):
    set_tariff = SetTariff.Field()
