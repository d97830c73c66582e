"""Every device of a household in one table, with per-kind columns guarded by check constraints.

One table keeps listing, the simulation's state updates and the energy summary to one query each;
the constraints make each kind's shape as strict as separate tables would (see docs/architecture.md).
Batteries and electric vehicles share the storage columns (capacity, charge, rates, mode).
"""

import uuid

from django.db import models
from django.db.models import Q

from devices import choices
from devices.kinds import BY_VALUE, KINDS, KindSpec, storage_values
from devices.limits import DC_AC_RATIO_RANGE, NAME_MAX_LENGTH, RESERVE_PERCENT_RANGE

# The built-in kinds of the registry (devices.kinds) as members, DeviceKind.SOLAR_PANEL etc.; a kind
# registered later is no member, so `Device.kind` takes its choices from the registry when used.
# (django-stubs types the functional API without labels, hence the ignores.)
DeviceKind = models.TextChoices(  # type: ignore[call-overload]
    "DeviceKind", [(kind.name, (kind.value, kind.label)) for kind in KINDS]
)


# Modes and categories follow their plain-Python definitions (devices.choices).
StorageMode = models.TextChoices(  # type: ignore[call-overload]
    "StorageMode", [(mode.name, (mode.value, choices.MODE_LABELS[mode])) for mode in choices.StorageMode]
)


def kind_choices() -> list[tuple[str, str]]:
    """`Device.kind`'s choices: every kind registered now."""
    return [(kind.value, kind.label) for kind in KINDS]


class TelemetrySource(models.TextChoices):
    """Where a device's readings come from: the simulation, or the home's gateway (never simulated)."""

    SIMULATED = "simulated", "Simulated"
    REPORTED = "reported", "Reported by the home's gateway"


ApplianceCategory = models.TextChoices(  # type: ignore[call-overload]
    "ApplianceCategory",
    [(each.name, (each.value, choices.CATEGORY_LABELS[each])) for each in choices.ApplianceCategory],
)


def _only(kind: str, **fields_set) -> Q:
    return Q(kind=kind, **fields_set)


_STORAGE_NULL = dict(
    capacity_wh__isnull=True,
    charge_wh__isnull=True,
    max_charge_rate_w__isnull=True,
    max_discharge_rate_w__isnull=True,
    mode__isnull=True,
)
_STORAGE_SET = dict(
    capacity_wh__gt=0,
    charge_wh__gte=0,
    charge_wh__lte=models.F("capacity_wh"),
    max_charge_rate_w__gt=0,
    max_discharge_rate_w__gt=0,
)
_APPLIANCE_NULL = dict(average_power_w__isnull=True, category="", is_on__isnull=True)


def _shape(kind: KindSpec) -> Q:
    """The columns a kind's physics handler reads are set and valid, the other kinds' are NULL."""
    if kind.physics == "solar":
        return _only(kind.value, rated_capacity_w__gt=0, **_STORAGE_NULL, **_APPLIANCE_NULL)
    if kind.physics in ("battery", "vehicle"):
        modes = sorted(StorageMode(mode) for mode in kind.field("mode").choices)
        return _only(
            kind.value, rated_capacity_w__isnull=True, mode__in=modes, **_STORAGE_SET, **_APPLIANCE_NULL
        )
    return _only(
        kind.value,
        rated_capacity_w__isnull=True,
        average_power_w__gt=0,
        category__in=ApplianceCategory.values,
        is_on__isnull=False,
        **_STORAGE_NULL,
    )


def shape_constraint() -> models.CheckConstraint:
    """A device row has the shape of one registered kind, however it is written (see
    docs/adding-a-device-kind.md: a new kind changes it, so a migration or a test re-adds it)."""
    condition = Q()
    for kind in KINDS:
        condition |= _shape(kind)
    return models.CheckConstraint(name="device_shape_matches_kind", condition=condition)


class DeviceQuerySet(models.QuerySet):
    def storage(self):
        return self.filter(kind__in=storage_values())


class Device(models.Model):
    # Exposed in opaque GraphQL ids: unique across households, unlike the per-schema serial id.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    kind = models.CharField(max_length=20, choices=kind_choices)
    source = models.CharField(
        max_length=10,
        choices=TelemetrySource.choices,
        default=TelemetrySource.SIMULATED,
        db_default=TelemetrySource.SIMULATED,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Solar panel. Orientation NULL means the default: 30° tilt, facing the equator.
    rated_capacity_w = models.FloatField(null=True, blank=True)
    tilt_degrees = models.FloatField(null=True, blank=True)
    azimuth_degrees = models.FloatField(null=True, blank=True)
    # NULL: the default (devices.limits), for panels and batteries registered before these existed.
    dc_ac_ratio = models.FloatField(null=True, blank=True)

    # Battery: the share AUTO keeps.
    reserve_percent = models.FloatField(null=True, blank=True)

    # Battery and electric vehicle: one notion of energy storage.
    capacity_wh = models.FloatField(null=True, blank=True)
    charge_wh = models.FloatField(null=True, blank=True)
    max_charge_rate_w = models.FloatField(null=True, blank=True)
    max_discharge_rate_w = models.FloatField(null=True, blank=True)
    # NULL (not "") for devices without storage, so the check constraint can demand it.
    mode = models.CharField(max_length=12, choices=StorageMode.choices, null=True, blank=True)  # noqa: DJ001

    # Appliance
    average_power_w = models.FloatField(null=True, blank=True)
    category = models.CharField(max_length=20, choices=ApplianceCategory.choices, blank=True, default="")
    is_on = models.BooleanField(null=True, blank=True)

    # Electric vehicles: charge to this percent by this local time each day (SMART follows it).
    charge_target_percent = models.FloatField(null=True, blank=True)
    ready_by = models.TimeField(null=True, blank=True)

    # State at registration (charge_wh, is_on above, these three): what the API shows before the
    # first tick. The tick keeps the live state in telemetry's shared table, never here; the API
    # shows it through telemetry.selectors.devices_with_live_state.
    power_w = models.FloatField(default=0.0)
    plugged_in = models.BooleanField(default=True, help_text="EVs: false while the car is away")
    last_reading_at = models.DateTimeField(null=True, blank=True)
    # Bumped when the owner sets the charge (devices.services): a live state computed from an older
    # revision is superseded by `charge_wh` here, so the owner's write wins over an in-flight tick.
    charge_revision = models.PositiveIntegerField(db_default=0, editable=False)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["kind"], name="device_kind_idx")]
        constraints = [
            shape_constraint(),
            models.CheckConstraint(name="device_name_not_blank", condition=~Q(name="")),
            models.CheckConstraint(
                name="device_dc_ac_ratio_only_solar_and_in_range",
                condition=Q(dc_ac_ratio__isnull=True)
                | Q(
                    kind=DeviceKind.SOLAR_PANEL,
                    dc_ac_ratio__gte=DC_AC_RATIO_RANGE[0],
                    dc_ac_ratio__lte=DC_AC_RATIO_RANGE[1],
                ),
            ),
            models.CheckConstraint(
                name="device_reserve_only_battery_and_in_range",
                condition=Q(reserve_percent__isnull=True)
                | Q(
                    kind=DeviceKind.BATTERY,
                    reserve_percent__gte=RESERVE_PERCENT_RANGE[0],
                    reserve_percent__lte=RESERVE_PERCENT_RANGE[1],
                ),
            ),
            models.CheckConstraint(
                name="device_charge_target_only_ev_and_in_range",
                condition=Q(charge_target_percent__isnull=True, ready_by__isnull=True)
                | Q(
                    kind=DeviceKind.ELECTRIC_VEHICLE,
                    charge_target_percent__gte=0,
                    charge_target_percent__lte=100,
                    ready_by__isnull=False,
                ),
            ),
            models.CheckConstraint(
                name="device_smart_has_a_charge_target",
                condition=~Q(mode=StorageMode.SMART) | Q(charge_target_percent__isnull=False),
            ),
            models.CheckConstraint(
                name="device_orientation_only_solar_and_in_range",
                condition=(
                    Q(tilt_degrees__isnull=True, azimuth_degrees__isnull=True)
                    | Q(
                        kind=DeviceKind.SOLAR_PANEL,
                        tilt_degrees__gte=0,
                        tilt_degrees__lte=90,
                        azimuth_degrees__gte=0,
                        azimuth_degrees__lte=360,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def is_storage(self) -> bool:
        kind = BY_VALUE.get(self.kind)
        return kind is not None and kind.storage

    @property
    def charge_percent(self) -> float | None:
        if not self.is_storage or self.charge_wh is None or not self.capacity_wh:
            return None
        return 100.0 * self.charge_wh / self.capacity_wh
