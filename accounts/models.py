"""Users log in with their email address; refresh tokens remember when their login began.

Emails are stored in their canonical form (accounts.emails): the plain unique constraint on the
column is then the same rule as every lookup, which compares canonical forms exactly.
"""

import hashlib
import secrets
import uuid
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import F
from django.utils import timezone

from accounts.emails import canonical_email

# Saving a change to one of these ends the user's sessions (User.sessions_end).
SESSION_FIELDS = frozenset({"password", "is_active"})
EMAIL_MAX_LENGTH = 254


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=canonical_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username: str | None):
        return self.get(email=canonical_email(username or ""))


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", max_length=EMAIL_MAX_LENGTH, unique=True)
    is_staff = models.BooleanField(
        default=False, help_text="Staff can use the admin site and see fleet data."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    token_generation = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Carried in access tokens (`gen`); raising it ends every token issued before.",
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.email

    def clean(self):
        super().clean()
        self.email = canonical_email(self.email)

    def save(self, *args, **kwargs):
        self.email = canonical_email(self.email)
        ends_sessions = self._ends_sessions(kwargs.get("update_fields"))
        super().save(*args, **kwargs)
        if ends_sessions:
            self.sessions_end()

    def _ends_sessions(self, update_fields) -> bool:
        """A new password or a deactivation ends every session (whoever saves: admin, shell, API)."""
        if self._state.adding or (update_fields is not None and not SESSION_FIELDS & set(update_fields)):
            return False
        stored = type(self).objects.filter(pk=self.pk).values_list("password", "is_active").first()
        return stored is not None and (stored[0] != self.password or (stored[1] and not self.is_active))

    def sessions_end(self) -> int:
        """Sign out everywhere: every refresh token revoked, every access token issued so far refused
        (they carry the old generation). Returns how many refresh tokens were revoked."""
        type(self).objects.filter(pk=self.pk).update(token_generation=F("token_generation") + 1)
        self.refresh_from_db(fields=["token_generation"])
        return self.refresh_tokens.filter(revoked__isnull=True).update(revoked=timezone.now())


def refresh_token_digest(token: str) -> str:
    """What is stored of a refresh token: its SHA-256 (the token has 256 random bits, so no salt
    or slow hash is needed; a stolen table signs nobody in)."""
    return hashlib.sha256(token.encode()).hexdigest()


class RefreshToken(models.Model):
    """A long-running, revocable refresh token (the model django-graphql-jwt issues and reads).

    Only its digest is stored; the token itself exists in the answer that issued it. Rotation
    copies `family` and `session_started_at`: a chain of refreshes is one family, which reuse of
    any rotated member revokes whole (theft detection), and which cannot outlive its login by
    more than JWT_REFRESH_SESSION_MAX_AGE (django-graphql-jwt #333).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="refresh_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    family = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    revoked = models.DateTimeField(null=True, blank=True)
    session_started_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"refresh token of {self.user} from {self.created:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self.token_hash:
            self.token = secrets.token_hex(32)
            self.token_hash = refresh_token_digest(self.token)
        super().save(*args, **kwargs)

    def get_token(self) -> str:
        """The token, only on the instance that created it (the database never had it)."""
        return self.token

    def is_expired(self, request=None) -> bool:
        now = timezone.now()
        lifetime = settings.GRAPHQL_JWT["JWT_REFRESH_EXPIRATION_DELTA"]
        session_end = self.session_started_at + settings.JWT_REFRESH_SESSION_MAX_AGE
        return now >= self.created + lifetime or now >= session_end

    def revoke(self, request=None) -> None:
        self.revoked = timezone.now()
        self.save(update_fields=["revoked"])
