"""gatewayKeys, createGatewayKey, revokeGatewayKey: thin wrappers over gateways.services."""

import graphene

from core.graphql.errors import error_type
from core.graphql.mutations import BaseMutation
from core.graphql.permissions import household_required
from gateways import selectors, services
from gateways.error_codes import GatewayKeyErrorCode


class GatewayKeyType(graphene.ObjectType):
    class Meta:
        name = "GatewayKey"
        description = "A key the home's gateway sends readings with (HTTP and MQTT); never shown again."

    id = graphene.ID(required=True, description="The key id: also the gateway's MQTT username.")
    name = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    last_used_at = graphene.DateTime(description="Last accepted use, to the minute; null before any.")

    @staticmethod
    def resolve_id(gateway_key, info):
        return gateway_key.key_id


GatewayKeyError = error_type("GatewayKeyError", GatewayKeyErrorCode, "gateway key change")


class CreateGatewayKey(BaseMutation):
    """A new gateway key; `key` is shown this once (only its hash is kept)."""

    class Arguments:
        name = graphene.String(required=True)

    class Meta:
        error_type = GatewayKeyError

    key = graphene.String(description="Send as `Authorization: Gateway <key>`; the MQTT password.")
    gateway_key = graphene.Field(GatewayKeyType)

    @staticmethod
    @household_required
    def perform_mutation(root, info, name):
        created = services.gateway_key_create(household=info.context.household, name=name)
        return {"key": created.key, "gateway_key": created.gateway_key}


class RevokeGatewayKey(BaseMutation):
    """Revoke a key at once: HTTP requests with it get 401, its MQTT client is removed and disconnected."""

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        error_type = GatewayKeyError

    revoked = graphene.Boolean(required=True)
    error_fields = {"revoked": False}

    @staticmethod
    @household_required
    def perform_mutation(root, info, id):
        services.gateway_key_revoke(household=info.context.household, key_id=str(id))
        return {"revoked": True}


class Query(graphene.ObjectType):
    gateway_keys = graphene.List(
        graphene.NonNull(GatewayKeyType),
        required=True,
        description="The household's gateway keys, oldest first.",
    )

    @staticmethod
    @household_required
    def resolve_gateway_keys(root, info):
        return selectors.gateway_key_list(household=info.context.household)


class Mutation(graphene.ObjectType):
    create_gateway_key = CreateGatewayKey.Field()
    revoke_gateway_key = RevokeGatewayKey.Field()
