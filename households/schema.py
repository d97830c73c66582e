"""Households in GraphQL: signUp (an account and its household), me (the caller and their home) and
updateHousehold (the owner renames, moves or re-zones it).

The household itself always comes from the caller's token, never from an argument.
"""

import graphene
from graphql import GraphQLError

from accounts import services, throttle
from core.graphql.errors import error_type
from core.graphql.mutations import BaseMutation
from core.graphql.permissions import PermissionDenied, household_required, login_required
from households.error_codes import HouseholdErrorCode
from households.models import Membership
from households.services import household_sign_up, household_update


class HouseholdType(graphene.ObjectType):
    class Meta:
        name = "Household"

    name = graphene.String(required=True)
    timezone = graphene.String(required=True, description="IANA time zone; buckets follow it.")
    latitude = graphene.Float(required=True, description="Degrees north; the sun and weather follow it.")
    longitude = graphene.Float(required=True, description="Degrees east.")


class UserType(graphene.ObjectType):
    email = graphene.String(required=True)
    is_staff = graphene.Boolean(required=True)
    household = graphene.Field(HouseholdType)

    @staticmethod
    def resolve_household(user, info):
        membership = getattr(user, "membership", None)
        return membership.household if membership else None


class SignUpInput(graphene.InputObjectType):
    email = graphene.String(required=True)
    password = graphene.String(required=True)
    household_name = graphene.String(required=True)
    timezone = graphene.String(description='IANA time zone name; default "UTC".')
    latitude = graphene.Float(description="Degrees; default: the time zone's point in tzdata's zone1970.tab.")
    longitude = graphene.Float(description="Degrees; give it with latitude.")


HouseholdError = error_type("HouseholdError", HouseholdErrorCode, "household change")


class SignUp(BaseMutation):
    """Create an account and its household; returns tokens so the new owner is signed in.

    Throttled per client IP (SIGN_UP_RATE_PER_IP): over it, a RATE_LIMITED error.
    """

    class Arguments:
        input = SignUpInput(required=True)

    class Meta:
        error_type = HouseholdError

    user = graphene.Field(UserType)
    household = graphene.Field(HouseholdType)
    token = graphene.String()
    refresh_token = graphene.String()

    @staticmethod
    def perform_mutation(root, info, input):
        try:
            allowed = throttle.sign_up_allowed(info.context)
        except throttle.ThrottleUnavailable as error:
            raise GraphQLError(
                "Sign-up is unavailable for a moment: try again later.",
                extensions={"code": "SERVICE_UNAVAILABLE"},
            ) from error
        if not allowed:
            raise GraphQLError(
                "Too many sign-ups from this address: try again later.", extensions={"code": "RATE_LIMITED"}
            )
        result = household_sign_up(
            email=input.email,
            password=input.password,
            household_name=input.household_name,
            timezone=input.timezone or "UTC",
            latitude=input.latitude,
            longitude=input.longitude,
        )
        tokens = services.tokens_issue(user=result.user)
        return {
            "user": result.user,
            "household": result.household,
            "token": tokens.token,
            "refresh_token": tokens.refresh_token,
        }


class UpdateHouseholdInput(graphene.InputObjectType):
    name = graphene.String()
    timezone = graphene.String(description="IANA time zone name.")
    latitude = graphene.Float(description="Degrees, -90 to 90.")
    longitude = graphene.Float(description="Degrees, -180 to 180.")


class UpdateHousehold(BaseMutation):
    """Rename, move or re-zone the caller's household (owners only)."""

    class Arguments:
        input = UpdateHouseholdInput(required=True)

    class Meta:
        error_type = HouseholdError

    household = graphene.Field(HouseholdType)

    @staticmethod
    @household_required
    def perform_mutation(root, info, input):
        if info.context.token_user.membership.role != Membership.Role.OWNER:
            raise PermissionDenied("Only the household's owner can change it.")
        household = household_update(
            household=info.context.household,
            name=input.name,
            timezone=input.timezone,
            latitude=input.latitude,
            longitude=input.longitude,
        )
        return {"household": household}


class Query(graphene.ObjectType):
    me = graphene.Field(UserType, required=True)

    @staticmethod
    @login_required
    def resolve_me(root, info):
        return info.context.token_user


class Mutation(graphene.ObjectType):
    sign_up = SignUp.Field()
    update_household = UpdateHousehold.Field()
