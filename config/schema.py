"""The root GraphQL schema: composes the apps' queries and mutations; measurements rounded at the edge.

Composition is also where the devices API meets telemetry: devices sits below telemetry and never
reads its tables, so every field that returns devices (queries and mutation payloads alike) is
wrapped here to answer with their live state (telemetry.selectors.devices_with_live_state).
"""

from functools import wraps

import graphene
from django.db.models import Model
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, default_field_resolver

import accounts.schema
import devices.graphql.schema
import gateways.schema
import households.schema
import planning.schema
import reporting.schema
import tariffs.schema
from core.graphql.rounding import measurements_round
from telemetry.selectors import devices_with_live_state


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


def _with_live_state(resolve):
    @wraps(resolve)
    def resolver(root, info, **arguments):
        result = resolve(root, info, **arguments)
        if isinstance(result, Model):
            return devices_with_live_state([result])[0]
        return None if result is None else devices_with_live_state(result)

    return resolver


def devices_live_compose(graphql_schema: GraphQLSchema) -> GraphQLSchema:
    """Wrap the resolver of every object field whose type is a device (or a list of devices)."""
    device_types = {devices.graphql.schema.DeviceInterface._meta.name}
    device_types |= {device_type._meta.name for device_type in devices.graphql.schema.types}
    for graphql_type in graphql_schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for field in graphql_type.fields.values():
            field_type = field.type
            while isinstance(field_type, GraphQLNonNull | GraphQLList):
                field_type = field_type.of_type
            if getattr(field_type, "name", None) in device_types:
                field.resolve = _with_live_state(field.resolve or default_field_resolver)
    return graphql_schema


schema = graphene.Schema(query=Query, mutation=Mutation, types=devices.graphql.schema.types)
devices_live_compose(schema.graphql_schema)
measurements_round(schema.graphql_schema)
