"""Users log in with their email address; refresh tokens remember when their login began.

Emails are stored in their canonical form (accounts.emails): the plain unique constraint on the
column is then the same rule as every lookup, which compares canonical forms exactly.
"""

import secrets

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from accounts.emails import canonical_email


class UserManager(BaseUserManager):
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

    def get_by_natural_key(self, username: str):
        return self.get(email=canonical_email(username))


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", max_length=254, unique=True)
    is_staff = models.BooleanField(
        default=False, help_text="Staff can use the admin site and see fleet data."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.email

    def clean(self):
        super().clean()
        self.email = canonical_email(self.email)

    def save(self, *args, **kwargs):
        self.email = canonical_email(self.email)
        super().save(*args, **kwargs)


class RefreshToken(models.Model):
    """A long-running, revocable refresh token (the model django-graphql-jwt issues and reads).

    Rotation copies `session_started_at`, so a chain of refreshes cannot outlive its login by
    more than JWT_REFRESH_SESSION_MAX_AGE (django-graphql-jwt #333).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="refresh_tokens"
    )
    token = models.CharField(max_length=255, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    revoked = models.DateTimeField(null=True, blank=True)
    session_started_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"refresh token of {self.user} from {self.created:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_hex(32)
        super().save(*args, **kwargs)

    def get_token(self) -> str:
        return self.token

    def is_expired(self, request=None) -> bool:
        now = timezone.now()
        lifetime = settings.GRAPHQL_JWT["JWT_REFRESH_EXPIRATION_DELTA"]
        session_end = self.session_started_at + settings.JWT_REFRESH_SESSION_MAX_AGE
        return now >= self.created + lifetime or now >= session_end

    def revoke(self, request=None) -> None:
        self.revoked = timezone.now()
        self.save(update_fields=["revoked"])
