"""Gateway key writes: create (the key shown once), revoke (at once, HTTP and MQTT), authenticate."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gateways import broker, keys
from gateways.error_codes import GatewayKeyErrorCode
from gateways.models import NAME_MAX_LENGTH, GatewayKey
from households.models import Household

logger = logging.getLogger(__name__)
LAST_USED_RESOLUTION = timedelta(minutes=1)
"""lastUsedAt moves at most once a minute: a busy gateway does not write its key row per request."""


@dataclass(frozen=True)
class CreatedKey:
    gateway_key: GatewayKey
    key: str


def _error(field: str, message: str, code: GatewayKeyErrorCode) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def gateway_key_create(*, household: Household, name: str) -> CreatedKey:
    """A new key for the household (at most GATEWAY_KEYS_PER_HOUSEHOLD_MAX); with a broker
    configured, its MQTT client too, or nothing at all."""
    clean = (name or "").strip()
    if not clean:
        raise _error("name", "Give the key a name.", GatewayKeyErrorCode.BLANK)
    if len(clean) > NAME_MAX_LENGTH:
        raise _error("name", f"At most {NAME_MAX_LENGTH} characters.", GatewayKeyErrorCode.MAX_LENGTH)
    cap = settings.GATEWAY_KEYS_PER_HOUSEHOLD_MAX
    key_id, key = keys.key_generate()
    with transaction.atomic():
        # The household row serialises concurrent creations, so the cap holds under races.
        Household.objects.select_for_update().filter(pk=household.pk).first()
        if GatewayKey.objects.filter(household=household).count() >= cap:
            raise _error(
                "name", f"A household holds at most {cap} gateway keys.", GatewayKeyErrorCode.TOO_MANY
            )
        created = GatewayKey.objects.create(
            key_id=key_id, household=household, name=clean, secret_sha256=keys.secret_hash(key.split(".")[1])
        )
        if broker.enabled():
            try:
                broker.gateway_client_create(key_id=key_id, key=key)
            except broker.BrokerUnavailable as error:
                logger.warning("gateway key not created, broker refused: %s", error)
                raise _error(
                    "name",
                    "The MQTT broker is unavailable; try again.",
                    GatewayKeyErrorCode.BROKER_UNAVAILABLE,
                ) from error
    return CreatedKey(created, key)


def gateway_key_revoke(*, household: Household, key_id: str) -> None:
    """Delete the key (requests with it are refused from now on) and its broker client."""
    deleted, _ = GatewayKey.objects.filter(household=household, key_id=key_id).delete()
    if not deleted:
        raise _error("id", "No such gateway key.", GatewayKeyErrorCode.NOT_FOUND)
    if broker.enabled():
        try:
            broker.gateway_client_delete(key_id=key_id)
        except broker.BrokerUnavailable as error:
            # The bridge ingests nothing for a key that no longer exists, so the key is dead anyway.
            logger.error("revoked gateway key %s still has a broker client: %s", key_id, error)


def gateway_key_authenticate(key: str) -> GatewayKey | None:
    """The key's row (with its household) when the key is valid; None for anything else."""
    parts = keys.key_split(key)
    if parts is None:
        return None
    key_id, secret = parts
    found = GatewayKey.objects.select_related("household").filter(key_id=key_id).first()
    if found is None or not keys.secret_matches(secret, found.secret_sha256):
        return None
    gateway_key_used(found)
    return found


def gateway_key_used(gateway_key: GatewayKey) -> None:
    now = timezone.now()
    if gateway_key.last_used_at is None or gateway_key.last_used_at < now - LAST_USED_RESOLUTION:
        GatewayKey.objects.filter(pk=gateway_key.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        gateway_key.last_used_at = now
