"""Token writes: refresh tokens are single-use, rotated, and bounded by the login they came from."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from graphql_jwt.settings import jwt_settings

from accounts.models import RefreshToken, User
from config.text import is_storable


class RefreshRefused(Exception):
    """The refresh token is unknown, revoked or expired."""


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
    """Trade a refresh token for a new pair; the old one is revoked, so a replay is refused."""
    if not is_storable(refresh_token):
        raise RefreshRefused("Invalid or expired refresh token.")
    with transaction.atomic():
        old = (
            RefreshToken.objects.select_for_update()
            .select_related("user")
            .filter(token=refresh_token, revoked__isnull=True)
            .first()
        )
        if old is None or old.is_expired() or not old.user.is_active:
            raise RefreshRefused("Invalid or expired refresh token.")
        old.revoked = timezone.now()
        old.save(update_fields=["revoked"])
        new = RefreshToken.objects.create(user=old.user, session_started_at=old.session_started_at)
    token, payload = access_token_issue(user=old.user)
    return IssuedTokens(token=token, refresh_token=new.get_token(), payload=payload)


def refresh_token_revoke(*, refresh_token: str) -> bool:
    if not is_storable(refresh_token):
        return False
    return bool(
        RefreshToken.objects.filter(token=refresh_token, revoked__isnull=True).update(revoked=timezone.now())
    )


def refresh_tokens_purge() -> int:
    """Delete refresh tokens that can no longer be used (revoked or expired)."""
    expired_before = timezone.now() - jwt_settings.JWT_REFRESH_EXPIRATION_DELTA
    deleted, _ = RefreshToken.objects.filter(
        Q(revoked__isnull=False) | Q(created__lt=expired_before)
    ).delete()
    return deleted
