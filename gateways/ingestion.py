"""One ingestion body, whether it came over HTTP or MQTT: bounded, throttled, parsed, validated, stored.

Limits come before parsing: the body's size (INGEST_MAX_BYTES), the key's request budget; then the
readings' count (INGEST_MAX_READINGS) and the key's readings budget, before any reading is looked at.
"""

import json
from dataclasses import dataclass
from datetime import timedelta

import orjson
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django_tenants.utils import schema_context

from devices.graphql.types import device_global_id
from devices.kinds import BY_VALUE
from devices.limits import APPLIANCE_AVERAGE_POWER_MAX_W
from devices.models import Device, TelemetrySource
from gateways import throttle
from gateways.error_codes import BodyCode
from gateways.models import GatewayKey
from gateways.readings import DeviceLimits, readings_check
from telemetry import ingest, partitions
from telemetry.services import HouseholdRef


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict


def refused(status: int, code: BodyCode, message: str) -> Answer:
    return Answer(status, {"error": {"code": code.value, "message": message}})


def _limits(device: Device) -> DeviceLimits:
    handler = BY_VALUE[device.kind].physics
    if handler == "solar":
        return DeviceLimits(device.pk, 0.0, device.rated_capacity_w or 0.0)
    if handler == "appliance":
        return DeviceLimits(device.pk, -APPLIANCE_AVERAGE_POWER_MAX_W, 0.0)
    return DeviceLimits(
        device.pk, -(device.max_charge_rate_w or 0.0), device.max_discharge_rate_w or 0.0, device.capacity_wh
    )


def reported_devices(schema_name: str) -> dict[str, DeviceLimits]:
    """The home's REPORTED devices by their API id."""
    with schema_context(schema_name):
        devices = list(Device.objects.filter(source=TelemetrySource.REPORTED))
    return {device_global_id(device.uid): _limits(device) for device in devices}


def _parse(payload: bytes) -> object:
    """orjson first (fast); a body it refuses may still be JSON with NaN or Infinity, which Python's
    parser reads, so those readings get NOT_FINITE rather than the whole body INVALID_JSON."""
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError:
        return json.loads(payload)


def readings_ingest(*, gateway_key: GatewayKey, payload: bytes) -> Answer:
    if len(payload) > settings.INGEST_MAX_BYTES:
        return refused(413, BodyCode.TOO_LARGE, f"At most {settings.INGEST_MAX_BYTES} bytes.")
    try:
        if not throttle.within(
            key_id=gateway_key.key_id, what="requests", amount=1, rate=settings.GATEWAY_REQUESTS_PER_KEY
        ):
            return refused(429, BodyCode.RATE_LIMITED, "Too many requests with this key; retry later.")
        try:
            body = _parse(payload)
        except (ValueError, RecursionError):
            return refused(400, BodyCode.INVALID_JSON, "The body is not JSON.")
        items = body.get("readings") if isinstance(body, dict) else None
        if not isinstance(items, list):
            return refused(400, BodyCode.INVALID_BODY, 'Send {"readings": [...]}.')
        if len(items) > settings.INGEST_MAX_READINGS:
            return refused(
                413, BodyCode.TOO_MANY_READINGS, f"At most {settings.INGEST_MAX_READINGS} readings."
            )
        if not throttle.within(
            key_id=gateway_key.key_id,
            what="readings",
            amount=len(items),
            rate=settings.GATEWAY_READINGS_PER_KEY,
        ):
            return refused(429, BodyCode.RATE_LIMITED, "Too many readings with this key; retry later.")
    except throttle.ThrottleUnavailable:
        return refused(503, BodyCode.UNAVAILABLE, "Ingestion is unavailable; retry later.")
    household = gateway_key.household
    now = timezone.now()
    horizon = partitions.horizon()
    oldest = now - timedelta(days=settings.TELEMETRY_RETENTION_DAYS - 1)
    checked = readings_check(
        items,
        devices=reported_devices(household.schema_name),
        not_after=now + timedelta(seconds=settings.INGEST_MAX_SKEW_SECONDS),
        not_before=max(oldest, horizon) if horizon else oldest,
    )
    try:
        stored = ingest.samples_ingest(household=HouseholdRef.of(household), samples=checked.samples, now=now)
    except DatabaseError:
        return refused(503, BodyCode.UNAVAILABLE, "Ingestion is unavailable; retry later.")
    return Answer(
        200, {"accepted": stored.accepted, "duplicates": stored.duplicates, "rejected": checked.rejected}
    )
