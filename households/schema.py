"""Household types and the owner's updateHousehold mutation (the household comes from the token)."""

import graphene
from django.core.exceptions import ValidationError

from config.graphql.errors import FieldError, field_errors
from config.graphql.permissions import PermissionDenied, household_required
from households.models import Membership
from households.services import household_update


class HouseholdType(graphene.ObjectType):
    class Meta:
        name = "Household"

    name = graphene.String(required=True)
    timezone = graphene.String(required=True, description="IANA time zone; buckets follow it.")
    latitude = graphene.Float(required=True, description="Degrees north; the sun and weather follow it.")
    longitude = graphene.Float(required=True, description="Degrees east.")


class UpdateHouseholdInput(graphene.InputObjectType):
    name = graphene.String()
    timezone = graphene.String(description="IANA time zone name.")
    latitude = graphene.Float(description="Degrees, -90 to 90.")
    longitude = graphene.Float(description="Degrees, -180 to 180.")


class UpdateHousehold(graphene.Mutation):
    """Rename, move or re-zone the caller's household (owners only)."""

    class Arguments:
        input = UpdateHouseholdInput(required=True)

    household = graphene.Field(HouseholdType)
    errors = graphene.List(graphene.NonNull(FieldError), required=True)

    @staticmethod
    @household_required
    def mutate(root, info, input):
        user = info.context.user
        if user.membership.role != Membership.Role.OWNER:
            raise PermissionDenied("Only the household's owner can change it.")
        try:
            household = household_update(
                household=info.context.household,
                name=input.name,
                timezone=input.timezone,
                latitude=input.latitude,
                longitude=input.longitude,
            )
        except ValidationError as error:
            return UpdateHousehold(errors=field_errors(error))
        return UpdateHousehold(household=household, errors=[])


class Mutation(graphene.ObjectType):
    update_household = UpdateHousehold.Field()
