"""Why a device mutation was refused: the `code` of each payload error (plain Python, Saleor style)."""

from enum import StrEnum


class DeviceErrorCode(StrEnum):
    BLANK = "blank"
    EXACTLY_ONE = "exactly_one"
    INVALID = "invalid"
    INVALID_CHOICE = "invalid_choice"
    INVALID_MODE = "invalid_mode"
    KIND_MISMATCH = "kind_mismatch"
    MAX_LENGTH = "max_length"
    NOT_FINITE = "not_finite"
    NOT_FOUND = "not_found"
    OUT_OF_RANGE = "out_of_range"
    REQUIRED = "required"
    TARGET_REQUIRED = "target_required"
    TOO_MANY = "too_many"
