"""Access tokens, kept thin over django-graphql-jwt: HS256 only, and every claim required and typed.

An access token names its user three ways, all checked: `uid` (the immutable primary key, so a
deleted account's token never works for a new account with the same email), `email`, and `gen`,
the user's token generation (raised when their sessions end). `exp` is required: a token without
it would never expire.
"""

import jwt
from graphql_jwt.exceptions import JSONWebTokenError
from graphql_jwt.settings import jwt_settings
from graphql_jwt.utils import get_payload, jwt_payload

from accounts.emails import canonical_email
from accounts.models import User

ACCEPTED_PREFIXES = ("bearer", "jwt")
REQUIRED_CLAIMS = ("exp", "uid", "gen", "email")


class InvalidToken(Exception):
    """The Authorization header was present but does not identify an active user."""


def access_payload(user: User, context=None) -> dict:
    """JWT_PAYLOAD_HANDLER: django-graphql-jwt's claims (email, exp, origIat) plus uid and gen."""
    return {**jwt_payload(user, context), "uid": user.pk, "gen": user.token_generation}


def access_decode(token: str, context=None) -> dict:
    """JWT_DECODE_HANDLER: django-graphql-jwt's checks, with the claims required."""
    return jwt.decode(
        token,
        jwt_settings.JWT_SECRET_KEY,
        algorithms=[jwt_settings.JWT_ALGORITHM],
        options={"require": list(REQUIRED_CLAIMS), "verify_exp": True},
        leeway=jwt_settings.JWT_LEEWAY,
    )


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
    except JSONWebTokenError as error:
        raise InvalidToken(str(error)) from error
    except (ValueError, TypeError) as error:
        raise InvalidToken("Error decoding signature") from error
    uid, generation, email = payload["uid"], payload["gen"], payload["email"]
    if not (_is_int(uid) and _is_int(generation) and isinstance(email, str)):
        raise InvalidToken("Invalid token claims.")
    user = User.objects.filter(pk=uid).first()
    if user is None or not user.is_active or user.email != canonical_email(email):
        raise InvalidToken("User is disabled or does not exist.")
    if user.token_generation != generation:
        raise InvalidToken("This token was revoked: log in again.")
    return user


def _is_int(value) -> bool:
    # bool is an int in Python; and a value past PostgreSQL's bigint is no primary key.
    return type(value) is int and 0 <= value < 2**63
