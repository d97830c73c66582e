"""Households are the tenants: each owns a PostgreSQL schema holding its devices and telemetry."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_tenants.models import DomainMixin, TenantMixin

from households.timezones import validate_timezone, zone

NAME_MAX_LENGTH = 100


def new_schema_name() -> str:
    return f"h_{uuid.uuid4().hex[:20]}"


class Household(TenantMixin):
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    # Degrees (WGS84); sign-up defaults them to the zone's point from tzdata (households.locations).
    latitude = models.FloatField(default=0.0)
    longitude = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True)
    # Renewed (from one sequence) in the same transaction as every write to the household's devices
    # (a trigger on its devices table, households/migrations/0003): the tick's worker-side cache of
    # device configuration (the device cache, telemetry.services) is valid while this number is unchanged.
    devices_version = models.BigIntegerField(db_default=0, editable=False)

    # Schemas are created by households.provisioning (tenant DDL replayed) inside the sign-up transaction.
    auto_create_schema = False
    auto_drop_schema = True

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="household_latitude_range", condition=Q(latitude__gte=-90, latitude__lte=90)
            ),
            models.CheckConstraint(
                name="household_longitude_range", condition=Q(longitude__gte=-180, longitude__lte=180)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zoneinfo(self):
        return zone(self.timezone)


class Domain(DomainMixin):
    """Required by django-tenants; requests are routed by token, so these names are informational."""


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MEMBER = "member", "Member"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()} of {self.household})"
