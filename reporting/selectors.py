"""Reporting reads: a home's balance now, its history from the hourly rollups, the fleet's totals.

None of these scan raw readings. The summary reads current device state (one query, grows with
the devices only), history groups hourly rollup rows into local buckets inside PostgreSQL, and
the fleet reads the public snapshots the telemetry tick maintains, never the tenant schemas.
"""

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db.models import Count, DateTimeField, F, FloatField, Func, IntegerField, Max, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tenants.utils import schema_context

from devices.kinds import KINDS
from devices.models import Device, DeviceKind
from households.models import Household
from reporting.buckets import Bucket, Interval, buckets_between
from reporting.models import FleetTotals, HouseholdSnapshot
from telemetry.models import DeviceHour, HouseholdHour

# A snapshot older than this many tick intervals means the household's ticks stopped.
STALE_AFTER_TICKS = 3


def _percent(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole > 0 else 0.0


@dataclass(frozen=True, slots=True)
class StorageStateResult:
    device: Device
    capacity_wh: float
    charge_wh: float

    @property
    def charge_percent(self) -> float:
        return _percent(self.charge_wh, self.capacity_wh)


@dataclass(frozen=True, slots=True)
class EnergySummaryResult:
    at: datetime
    produced_w: float
    consumed_w: float
    storage: list[StorageStateResult]

    @property
    def net_w(self) -> float:
        return self.produced_w - self.consumed_w

    @property
    def grid_import_w(self) -> float:
        # Not max(-net, 0.0): for net == 0 that returns -0.0, which JSON shows as "-0.0".
        return -self.net_w if self.net_w < 0 else 0.0

    @property
    def grid_export_w(self) -> float:
        return self.net_w if self.net_w > 0 else 0.0

    @property
    def storage_capacity_wh(self) -> float:
        return sum(state.capacity_wh for state in self.storage)

    @property
    def storage_charge_wh(self) -> float:
        return sum(state.charge_wh for state in self.storage)

    @property
    def storage_charge_percent(self) -> float:
        return _percent(self.storage_charge_wh, self.storage_capacity_wh)


def energy_summary(*, household: Household, now: datetime | None = None) -> EnergySummaryResult:
    """The balance from each device's current state, as of its newest reading (else now)."""
    with schema_context(household.schema_name):
        devices = list(Device.objects.all())
    readings = [device.last_reading_at for device in devices if device.last_reading_at]
    return EnergySummaryResult(
        at=max(readings, default=now or timezone.now()),
        produced_w=sum(max(device.power_w, 0.0) for device in devices),
        consumed_w=sum(max(-device.power_w, 0.0) for device in devices),
        storage=[
            StorageStateResult(device=device, capacity_wh=device.capacity_wh, charge_wh=device.charge_wh)
            for device in devices
            if device.is_storage
        ],
    )


@dataclass(frozen=True, slots=True)
class EnergyBucketResult:
    """Energy in one local bucket; `start`/`end` carry the household's offset."""

    start: datetime
    end: datetime
    produced_wh: float
    consumed_wh: float
    imported_wh: float
    exported_wh: float
    complete: bool
    grid_metered: bool = True

    @property
    def net_wh(self) -> float:
        return self.produced_wh - self.consumed_wh

    @property
    def self_sufficiency_percent(self) -> float | None:
        if not self.grid_metered or self.consumed_wh <= 0:
            return None
        return min(max(100.0 * (1.0 - self.imported_wh / self.consumed_wh), 0.0), 100.0)


class _WidthBucket(Func):
    """PostgreSQL's width_bucket(value, sorted_edges): the 1-based bucket, found by binary search."""

    function = "width_bucket"
    output_field = IntegerField()


def _bucket_sums(rows, edges: list[datetime], fields: list[str]) -> dict[int, dict]:
    """One grouped query: sums per bucket index, computed next to the data."""
    grouped = (
        rows.filter(hour_start__gte=edges[0], hour_start__lt=edges[-1])
        .annotate(bucket=_WidthBucket(F("hour_start"), Value(edges, ArrayField(DateTimeField()))))
        .values("bucket")
        .annotate(**{field: Sum(field) for field in fields}, covered=Sum("covered_seconds"))
        .order_by()
    )
    return {row["bucket"] - 1: row for row in grouped}


def energy_history(
    *,
    household: Household,
    start: datetime,
    end: datetime,
    interval: Interval,
    device_uid: UUID | None = None,
    now: datetime | None = None,
) -> list[EnergyBucketResult]:
    """Buckets of [start, end) in the household's zone, summed from hourly rollups.

    Raises reporting.buckets.BucketError for a range that cannot be bucketed. A device that is
    not in this household (or does not exist) yields no buckets; a device's grid import and
    export are 0, since only the home's connection to the grid is metered.
    """
    zone = household.zoneinfo
    buckets = buckets_between(start=start, end=end, interval=interval, zone=zone)
    edges = [bucket.start for bucket in buckets] + [buckets[-1].end]
    with schema_context(household.schema_name):
        if device_uid is None:
            fields = ["produced_wh", "consumed_wh", "imported_wh", "exported_wh"]
            sums = _bucket_sums(HouseholdHour.objects.all(), edges, fields)
        else:
            device_id = Device.objects.filter(uid=device_uid).values_list("id", flat=True).first()
            if device_id is None:
                return []
            fields = ["produced_wh", "consumed_wh"]
            sums = _bucket_sums(DeviceHour.objects.filter(device_id=device_id), edges, fields)
    now = now or timezone.now()
    return [
        _energy_bucket(bucket, sums.get(index, {}), zone=zone, now=now, grid_metered=device_uid is None)
        for index, bucket in enumerate(buckets)
    ]


def _energy_bucket(
    bucket: Bucket, sums: dict, *, zone: ZoneInfo, now: datetime, grid_metered: bool
) -> EnergyBucketResult:
    return EnergyBucketResult(
        start=bucket.start.astimezone(zone),
        end=bucket.end.astimezone(zone),
        produced_wh=sums.get("produced_wh") or 0.0,
        consumed_wh=sums.get("consumed_wh") or 0.0,
        imported_wh=sums.get("imported_wh") or 0.0,
        exported_wh=sums.get("exported_wh") or 0.0,
        complete=(sums.get("covered") or 0) >= bucket.seconds and bucket.end <= now,
        grid_metered=grid_metered,
    )


def stale_before(*, now: datetime | None = None) -> datetime:
    """A household whose last tick is not after this instant is stale: no tick for 3 intervals."""
    return (now or timezone.now()) - timedelta(seconds=STALE_AFTER_TICKS * settings.TELEMETRY_TICK_SECONDS)


def stale_households_q(*, now: datetime | None = None) -> Q:
    """Households that never ticked or whose last tick is at least three tick intervals old."""
    return Q(snapshot__at__isnull=True) | Q(snapshot__at__lte=stale_before(now=now))


def snapshot_is_stale(*, snapshot: HouseholdSnapshot | None, now: datetime | None = None) -> bool:
    return snapshot is None or snapshot.at is None or snapshot.at <= stale_before(now=now)


@dataclass(frozen=True, slots=True)
class FleetTotalsResult:
    households: int
    stale_households: int
    devices_by_kind: dict[str, int]
    produced_w: float
    consumed_w: float
    storage_capacity_wh: float
    storage_charge_wh: float
    at: datetime | None

    @property
    def devices(self) -> int:
        return sum(self.devices_by_kind.values())

    @property
    def net_w(self) -> float:
        return self.produced_w - self.consumed_w

    @property
    def storage_charge_percent(self) -> float:
        return _percent(self.storage_charge_wh, self.storage_capacity_wh)


# Per-kind device counts of the snapshots and fleet totals, one column per registry kind.
KIND_COLUMNS = {DeviceKind(kind.value): kind.count_column for kind in KINDS}


def fleet_totals_compute(*, now: datetime | None = None) -> FleetTotalsResult:
    """Aggregate every snapshot (one public query; grows with the fleet, so run once per tick)."""

    def total(column: str, output_field: type = FloatField):
        return Coalesce(Sum(f"snapshot__{column}"), Value(0), output_field=output_field())

    row = Household.objects.aggregate(
        households=Count("pk"),
        stale_households=Count("pk", filter=stale_households_q(now=now)),
        produced_w=total("produced_w"),
        consumed_w=total("consumed_w"),
        storage_capacity_wh=total("storage_capacity_wh"),
        storage_charge_wh=total("storage_charge_wh"),
        at=Max("snapshot__at"),
        **{column: total(column, IntegerField) for column in KIND_COLUMNS.values()},
    )
    return _fleet(row)


def _fleet(row) -> FleetTotalsResult:
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return FleetTotalsResult(
        households=get("households"),
        stale_households=get("stale_households"),
        devices_by_kind={kind: get(column) for kind, column in KIND_COLUMNS.items()},
        produced_w=get("produced_w"),
        consumed_w=get("consumed_w"),
        storage_capacity_wh=get("storage_capacity_wh"),
        storage_charge_wh=get("storage_charge_wh"),
        at=get("at"),
    )


def fleet_totals(*, now: datetime | None = None) -> FleetTotalsResult:
    """The totals stored after the last fleet tick: one primary-key read whatever the fleet's size.

    Nothing is written here. Before the first tick every household counts, stale, with zeros; when
    the fleet's newest tick is itself three intervals old, every household counts as stale.
    """
    totals = FleetTotals.objects.filter(pk=1).first()
    if totals is None:
        households = Household.objects.count()
        return FleetTotalsResult(
            households=households,
            stale_households=households,
            devices_by_kind=dict.fromkeys(KIND_COLUMNS, 0),
            produced_w=0.0,
            consumed_w=0.0,
            storage_capacity_wh=0.0,
            storage_charge_wh=0.0,
            at=None,
        )
    fleet = _fleet(totals)
    if fleet.at is None or fleet.at <= stale_before(now=now):
        return dataclasses.replace(fleet, stale_households=fleet.households)
    return fleet
