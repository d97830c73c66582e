"""The root GraphQL schema: composes the apps' queries and mutations; measurements rounded at the edge."""

import graphene

import accounts.schema
import devices.graphql.schema
import gateways.schema
import households.schema
import planning.schema
import reporting.schema
import tariffs.schema
from core.graphql.rounding import measurements_round


class Query(
    households.schema.Query,
    devices.graphql.schema.Query,
    reporting.schema.Query,
    tariffs.schema.Query,
    planning.schema.Query,
    gateways.schema.Query,
    graphene.ObjectType,
):
    pass


class Mutation(
    households.schema.Mutation,
    accounts.schema.Mutation,
    devices.graphql.schema.Mutation,
    tariffs.schema.Mutation,
    gateways.schema.Mutation,
    graphene.ObjectType,
):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation, types=devices.graphql.schema.types)
measurements_round(schema.graphql_schema)
