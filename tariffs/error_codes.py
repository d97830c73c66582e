"""Why setTariff refused its input: the `code` of each payload error (plain Python, Saleor style)."""

from enum import StrEnum


class TariffErrorCode(StrEnum):
    CURRENCY_MISMATCH = "currency_mismatch"
    INVALID = "invalid"
    INVALID_CURRENCY = "invalid_currency"
    INVALID_TIME = "invalid_time"
    INVALID_WEEKDAY = "invalid_weekday"
    NOT_ALLOWED = "not_allowed"
    OUT_OF_RANGE = "out_of_range"
    OVERLAPPING_WINDOWS = "overlapping_windows"
    REQUIRED = "required"
    UNKNOWN_ZONE = "unknown_zone"
