"""Access-token checks, kept thin over django-graphql-jwt (HS256 only, expiry always verified)."""

from graphql_jwt.exceptions import JSONWebTokenError
from graphql_jwt.utils import get_payload, get_user_by_payload

from accounts.models import User

ACCEPTED_PREFIXES = ("bearer", "jwt")


class InvalidToken(Exception):
    """The Authorization header was present but does not identify an active user."""


def bearer_token(authorization_header: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` (or `JWT <token>`) header, else None."""
    parts = authorization_header.split()
    if len(parts) == 2 and parts[0].lower() in ACCEPTED_PREFIXES:
        return parts[1]
    if parts:
        raise InvalidToken("Authorization header must be 'Bearer <token>'.")
    return None


def user_from_token(token: str) -> User:
    try:
        payload = get_payload(token)
        user = get_user_by_payload(payload)
    except JSONWebTokenError as error:
        raise InvalidToken(str(error)) from error
    except (ValueError, TypeError) as error:
        raise InvalidToken("Error decoding signature") from error
    if user is None or not user.is_active:
        raise InvalidToken("User is disabled or does not exist.")
    return user
