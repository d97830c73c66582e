"""Accounts in GraphQL: tokenAuth, refreshToken, verifyToken, revokeToken."""

import graphene
import graphql_jwt
from django.conf import settings
from graphene.types.generic import GenericScalar
from graphql_jwt.exceptions import JSONWebTokenError

from accounts import services
from accounts.emails import canonical_email
from accounts.error_codes import AccountErrorCode
from accounts.models import EMAIL_MAX_LENGTH
from accounts.tokens import InvalidToken, user_from_token
from core.graphql.errors import Refusal
from core.graphql.mutations import BaseMutation
from core.graphql.permissions import login_required
from core.text import is_storable


class TokenAuth(graphql_jwt.ObtainJSONWebToken):
    """Log in with email and password; repeated failures lock the account for a while."""

    @classmethod
    def mutate(cls, root, info, **kwargs):
        email, password = kwargs.get("email") or "", kwargs.get("password") or ""
        # django-axes stores the email of each failed attempt in a 255-character column.
        storable = is_storable(email) and is_storable(password)
        if not storable or len(canonical_email(email)) > EMAIL_MAX_LENGTH:
            raise Refusal(AccountErrorCode.INVALID_CREDENTIALS, "Please enter valid credentials")
        try:
            return super().mutate(root, info, **kwargs)
        except JSONWebTokenError as error:
            request = info.context
            if getattr(request, "axes_locked_out", False) or getattr(request, "login_throttled", False):
                minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
                message = f"Too many failed login attempts: try again in {minutes} minutes."
                raise Refusal(AccountErrorCode.LOCKED_OUT, message) from error
            raise Refusal(AccountErrorCode.INVALID_CREDENTIALS, str(error)) from error


class RefreshToken(BaseMutation):
    """Trade a refresh token for a new access token and a new refresh token (the old one dies)."""

    class Meta:
        error_codes = AccountErrorCode

    class Arguments:
        refresh_token = graphene.String(required=True)

    token = graphene.String(required=True)
    refresh_token = graphene.String(required=True)
    payload = GenericScalar(required=True)

    @classmethod
    def perform_mutation(cls, root, info, refresh_token):
        try:
            tokens = services.refresh_token_rotate(refresh_token=refresh_token)
        except services.RefreshRefused as error:
            raise Refusal(AccountErrorCode.INVALID_REFRESH_TOKEN, str(error)) from error
        return {"token": tokens.token, "refresh_token": tokens.refresh_token, "payload": tokens.payload}


class VerifyToken(graphql_jwt.Verify):
    """Check an access token's signature, expiry, user and generation; returns its payload."""

    @classmethod
    def mutate(cls, root, info, token=None, **kwargs):
        if token is not None and not is_storable(token):
            raise JSONWebTokenError("Error decoding signature")
        try:
            user_from_token(token)
        except InvalidToken as error:
            raise JSONWebTokenError(str(error)) from error
        return super().mutate(root, info, token=token, **kwargs)


class RevokeToken(BaseMutation):
    """Revoke a refresh token (log out); `revoked` is false when it was unknown or already revoked."""

    class Meta:
        error_codes = AccountErrorCode

    class Arguments:
        refresh_token = graphene.String(required=True)

    revoked = graphene.Boolean(required=True)

    @classmethod
    def perform_mutation(cls, root, info, refresh_token):
        return {"revoked": services.refresh_token_revoke(refresh_token=refresh_token)}


class SignOutEverywhere(graphene.Mutation):
    """End every session of the caller: all refresh tokens revoked, all access tokens refused
    (this one included). A password change or deactivation does the same."""

    revoked_refresh_tokens = graphene.Int(required=True)

    @staticmethod
    @login_required
    def mutate(root, info):
        revoked = services.user_sessions_end(user=info.context.token_user)
        return SignOutEverywhere(revoked_refresh_tokens=revoked)


class Mutation(graphene.ObjectType):
    token_auth = TokenAuth.Field()
    refresh_token = RefreshToken.Field()
    verify_token = VerifyToken.Field()
    revoke_token = RevokeToken.Field()
    sign_out_everywhere = SignOutEverywhere.Field()
