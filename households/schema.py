"""Household types for GraphQL (the household itself always comes from the caller's token)."""

import graphene


class HouseholdType(graphene.ObjectType):
    class Meta:
        name = "Household"

    name = graphene.String(required=True)
    timezone = graphene.String(required=True, description="IANA time zone; buckets follow it.")
