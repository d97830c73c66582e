"""Why signUp or updateHousehold refused its input: the `code` of each payload error (Saleor style).

Besides the service's own codes, Django's email and password validators answer with theirs.
"""

from enum import StrEnum


class HouseholdErrorCode(StrEnum):
    INVALID = "invalid"
    INVALID_TIMEZONE = "invalid_timezone"
    MAX_LENGTH = "max_length"
    OUT_OF_RANGE = "out_of_range"
    PASSWORD_ENTIRELY_NUMERIC = "password_entirely_numeric"
    PASSWORD_TOO_COMMON = "password_too_common"
    PASSWORD_TOO_SHORT = "password_too_short"
    PASSWORD_TOO_SIMILAR = "password_too_similar"
    REQUIRED = "required"
    TAKEN = "taken"
