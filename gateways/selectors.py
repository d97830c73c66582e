"""Gateway key reads."""

from django.db.models import QuerySet

from gateways.models import GatewayKey
from households.models import Household


def gateway_key_list(*, household: Household) -> QuerySet[GatewayKey]:
    return GatewayKey.objects.filter(household=household)


def gateway_key_by_id(key_id: str) -> GatewayKey | None:
    """The key named in an MQTT topic, with its household; None once revoked."""
    return GatewayKey.objects.select_related("household").filter(key_id=key_id).first()
