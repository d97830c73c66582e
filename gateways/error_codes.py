"""Why a gateway key mutation or an ingested reading was refused (plain Python)."""

from enum import StrEnum


class GatewayKeyErrorCode(StrEnum):
    BLANK = "blank"
    INVALID = "invalid"
    MAX_LENGTH = "max_length"
    NOT_FOUND = "not_found"
    TOO_MANY = "too_many"
    BROKER_UNAVAILABLE = "broker_unavailable"


class ReadingCode(StrEnum):
    """A rejected reading's `code` in the ingestion answer (docs/gateways.md lists them)."""

    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    UNKNOWN_DEVICE = "UNKNOWN_DEVICE"
    INVALID_TIME = "INVALID_TIME"
    IN_FUTURE = "IN_FUTURE"
    TOO_OLD = "TOO_OLD"
    NOT_FINITE = "NOT_FINITE"
    POWER_OUT_OF_RANGE = "POWER_OUT_OF_RANGE"
    CHARGE_OUT_OF_RANGE = "CHARGE_OUT_OF_RANGE"
    CHARGE_NOT_ALLOWED = "CHARGE_NOT_ALLOWED"


class BodyCode(StrEnum):
    """Why a whole request or message was refused (nothing of it was stored)."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    TOO_LARGE = "TOO_LARGE"
    TOO_MANY_READINGS = "TOO_MANY_READINGS"
    INVALID_JSON = "INVALID_JSON"
    INVALID_BODY = "INVALID_BODY"
    RATE_LIMITED = "RATE_LIMITED"
    UNAVAILABLE = "UNAVAILABLE"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
