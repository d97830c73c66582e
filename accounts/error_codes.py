"""Why a token mutation refused the request: the `extensions.code` of its top-level GraphQL error.

Token refusals concern the whole request (wrong credentials, a dead refresh token), not an input
field, so they stay top-level errors (the contract's shape) rather than payload errors; the codes
keep the uppercase spelling clients have always received.
"""

from enum import StrEnum


class AccountErrorCode(StrEnum):
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    LOCKED_OUT = "LOCKED_OUT"
    INVALID_REFRESH_TOKEN = "INVALID_REFRESH_TOKEN"
