"""Token writes: refresh tokens are single-use, rotated in families, and bounded by their login.

Refresh-token rotation with reuse detection (OAuth 2.0 Security BCP, section 4.14.2): presenting
a refresh token that was already rotated means two parties hold the chain, so the whole family
is revoked and both must log in again. Ending a user's sessions (password change, deactivation,
sign out everywhere) revokes every refresh token and raises the user's token generation, which
every access token carries: tokens issued before stop working at once, not at their expiry.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from graphql_jwt.settings import jwt_settings

from accounts.models import RefreshToken, User, refresh_token_digest
from core.text import is_storable


class RefreshRefused(Exception):
    """The refresh token is unknown, revoked or expired."""


REFUSED = "Invalid or expired refresh token."


@dataclass(frozen=True)
class IssuedTokens:
    token: str
    refresh_token: str
    payload: dict


def access_token_issue(*, user: User) -> tuple[str, dict]:
    payload = jwt_settings.JWT_PAYLOAD_HANDLER(user)
    return jwt_settings.JWT_ENCODE_HANDLER(payload), payload


def tokens_issue(*, user: User) -> IssuedTokens:
    token, payload = access_token_issue(user=user)
    refresh = RefreshToken.objects.create(user=user)
    return IssuedTokens(token=token, refresh_token=refresh.get_token(), payload=payload)


def refresh_token_rotate(*, refresh_token: str) -> IssuedTokens:
    """Trade a refresh token for a new pair in the same family; replaying a rotated one revokes
    the family (the refusal commits, so the thief's chain dies too)."""
    if not is_storable(refresh_token):
        raise RefreshRefused(REFUSED)
    with transaction.atomic():
        old = (
            RefreshToken.objects.select_for_update()
            .select_related("user")
            .filter(token_hash=refresh_token_digest(refresh_token))
            .first()
        )
        if old is not None and old.revoked is not None:
            _family_revoke(family=old.family)
        if old is None or old.revoked is not None or old.is_expired() or not old.user.is_active:
            refused = True
        else:
            refused = False
            old.revoked = timezone.now()
            old.save(update_fields=["revoked"])
            new = RefreshToken.objects.create(
                user=old.user, family=old.family, session_started_at=old.session_started_at
            )
    if refused or old is None:
        raise RefreshRefused(REFUSED)
    token, payload = access_token_issue(user=old.user)
    return IssuedTokens(token=token, refresh_token=new.get_token(), payload=payload)


def _family_revoke(*, family) -> None:
    RefreshToken.objects.filter(family=family, revoked__isnull=True).update(revoked=timezone.now())


def refresh_token_revoke(*, refresh_token: str) -> bool:
    if not is_storable(refresh_token):
        return False
    digest = refresh_token_digest(refresh_token)
    live = RefreshToken.objects.filter(token_hash=digest, revoked__isnull=True)
    return bool(live.update(revoked=timezone.now()))


def user_sessions_end(*, user: User) -> int:
    with transaction.atomic():
        return user.sessions_end()


def refresh_tokens_purge() -> int:
    """Delete refresh tokens no family still needs: a family is kept, revoked members included
    (reuse detection looks them up), while any member may still be used."""
    now = timezone.now()
    live = RefreshToken.objects.filter(
        family=OuterRef("family"),
        revoked__isnull=True,
        created__gte=now - jwt_settings.JWT_REFRESH_EXPIRATION_DELTA,
        session_started_at__gte=now - settings.JWT_REFRESH_SESSION_MAX_AGE,
    )
    deleted, _ = RefreshToken.objects.filter(~Exists(live)).delete()
    return deleted
