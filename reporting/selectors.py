"""Reporting reads: a home's balance now, its history from the hourly rollups, the fleet's totals.

None of these scan raw readings. The summary reads each device and its live state (two queries,
growing with the devices only), history groups hourly rollup rows into local buckets inside PostgreSQL, and
the fleet reads the public snapshots the telemetry tick maintains, never the tenant schemas.
"""

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import schema_context

from devices.kinds import BY_VALUE, KINDS
from devices.models import Device
from households.models import Household
from reporting.buckets import Bucket, Interval, buckets_between
from reporting.models import FleetTotals
from tariffs import selectors as tariff_selectors
from telemetry import flows
from telemetry import selectors as telemetry_selectors
from telemetry.flows import FLOW_COLUMNS, Flow, Node, StorageReason
from telemetry.models import HouseholdSnapshot

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
class FlowResult:
    """One flow: W in the summary, Wh in a history bucket."""

    source: Node
    sink: Node
    value: float


@dataclass(frozen=True, slots=True)
class StoreReasonResult:
    device: Device
    reason: StorageReason


def _flow_list(values: dict[Flow, float], dust: float) -> list[FlowResult]:
    """The non-zero flows, in telemetry.flows.FLOWS order."""
    return [FlowResult(*flow, values[flow]) for flow in flows.FLOWS if values[flow] > dust]


@dataclass(frozen=True, slots=True)
class EnergySummaryResult:
    at: datetime
    produced_w: float
    consumed_w: float
    storage: list[StorageStateResult]
    solar_w: float
    load_w: float
    storage_charge_w: float
    storage_discharge_w: float
    flow_w: dict[Flow, float]
    reasons: list[StoreReasonResult]
    import_price_per_kwh: Decimal = Decimal(0)
    export_price_per_kwh: Decimal = Decimal(0)
    """The tariff's prices in force now (tariffs.selectors.price_at)."""

    @property
    def flows(self) -> list[FlowResult]:
        return _flow_list(self.flow_w, flows.DUST_W)

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
        devices = telemetry_selectors.devices_with_live_state(Device.objects.all())
    readings = [device.last_reading_at for device in devices if device.last_reading_at]
    produced_w = sum(max(device.power_w, 0.0) for device in devices)
    consumed_w = sum(max(-device.power_w, 0.0) for device in devices)
    net_w = produced_w - consumed_w
    stores = [device for device in devices if device.is_storage]
    powers = flows.node_powers((device.kind, device.power_w) for device in devices)
    reasons = flows.store_reasons(
        ((device, device.power_w, device.charge_wh, device.plugged_in) for device in stores),
        net_w=net_w if abs(net_w) > flows.DUST_W else 0.0,
        ev_reserve_fraction=settings.TELEMETRY_EV_RESERVE_PERCENT / 100.0,
    )
    price = tariff_selectors.price_at(household=household, at=now or timezone.now())
    return EnergySummaryResult(
        import_price_per_kwh=price.import_price_per_kwh,
        export_price_per_kwh=price.export_price_per_kwh,
        at=max(readings, default=now or timezone.now()),
        produced_w=produced_w,
        consumed_w=consumed_w,
        storage=[
            StorageStateResult(device=device, capacity_wh=device.capacity_wh, charge_wh=device.charge_wh)
            for device in stores
            # Always true for a store (devices.models' check constraint); narrows the nullable columns.
            if device.capacity_wh is not None and device.charge_wh is not None
        ],
        solar_w=powers.solar_w,
        load_w=powers.load_w,
        storage_charge_w=powers.storage_charge_w,
        storage_discharge_w=powers.storage_discharge_w,
        flow_w=flows.allocate(powers),
        reasons=[StoreReasonResult(device, reasons[device.id]) for device in stores if device.id in reasons],
    )


@dataclass(frozen=True, slots=True)
class EnergyBucketResult:
    """Energy in one local bucket; `start`/`end` carry the household's offset.

    `flow_wh` holds every flow's energy (telemetry.flows.FLOWS) for the home, and is empty for a
    single device, whose solar/load/storage totals come from its kind instead.
    """

    start: datetime
    end: datetime
    produced_wh: float
    consumed_wh: float
    imported_wh: float
    exported_wh: float
    complete: bool
    solar_wh: float = 0.0
    load_wh: float = 0.0
    storage_charge_wh: float = 0.0
    storage_discharge_wh: float = 0.0
    driven_wh: float | None = None
    """An EV's bucket only: drained by driving (battery side); None otherwise."""
    charged_away_wh: float | None = None
    """An EV's bucket only: charged into its battery away from home; None otherwise."""
    flow_wh: dict[Flow, float] = dataclasses.field(default_factory=dict)
    reasons: list[StoreReasonResult] = dataclasses.field(default_factory=list)
    currency: str = ""
    import_cost: Decimal = Decimal(0)
    export_revenue: Decimal = Decimal(0)
    cost_without_devices: Decimal = Decimal(0)
    """Exact sums of the stored per-tick costs (telemetry.costs); 0 for a single device."""

    @property
    def net_cost(self) -> Decimal:
        return self.import_cost - self.export_revenue

    @property
    def savings(self) -> Decimal:
        return self.cost_without_devices - self.net_cost

    @property
    def net_wh(self) -> float:
        return self.produced_wh - self.consumed_wh

    @property
    def flows(self) -> list[FlowResult]:
        return _flow_list(self.flow_wh, flows.DUST_WH) if self.flow_wh else []

    @property
    def self_sufficiency_percent(self) -> float | None:
        """Share of the home's load not bought from the grid; storage charging does not count."""
        if not self.flow_wh or self.load_wh <= 0:
            return None
        return _bounded_percent(1.0 - self.flow_wh[Node.GRID, Node.HOME] / self.load_wh)

    @property
    def self_consumption_percent(self) -> float | None:
        """Share of the solar output used at home or stored rather than exported."""
        if not self.flow_wh or self.solar_wh <= 0:
            return None
        return _bounded_percent(1.0 - self.flow_wh[Node.SOLAR, Node.GRID] / self.solar_wh)


def _bounded_percent(fraction: float) -> float:
    return min(max(100.0 * fraction, 0.0), 100.0)


# A bucket without rollup hours, by column name as telemetry.selectors returns the sums.
_HOME_EMPTY: dict[str, Any] = {
    **dict.fromkeys(telemetry_selectors.HOUSEHOLD_SUMS, 0.0),
    **dict.fromkeys(telemetry_selectors.MONEY_SUMS, Decimal(0)),
    "currency": "",
    "covered_seconds": 0,
}
_DEVICE_EMPTY: dict[str, Any] = {**dict.fromkeys(telemetry_selectors.DEVICE_SUMS, 0.0), "covered_seconds": 0}


def _bucket_reasons(
    seconds: dict[tuple[int, int], dict[StorageReason, int]], devices: dict[int, Device] | None = None
) -> dict[int, list[StoreReasonResult]]:
    """{bucket index: the code each store held longest}, from the stores' reason seconds per bucket.

    `devices` are the ones already loaded; otherwise those with a code are read in one query.
    """
    if not seconds:
        return {}
    if devices is None:
        devices = Device.objects.in_bulk({device_id for _, device_id in seconds})
    devices = {device.pk: device for device in telemetry_selectors.devices_with_live_state(devices.values())}
    reasons: dict[int, list[StoreReasonResult]] = {}
    for (index, device_id), held in sorted(seconds.items()):
        device = devices.get(device_id)
        if device is None or flows.kind_node(device.kind) not in flows.STORES:
            continue
        reason = flows.dominant_reason(held)
        if reason is not None:
            reasons.setdefault(index, []).append(StoreReasonResult(device, reason))
    return reasons


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
    export are 0, since only the home's connection to the grid is metered, and it has no flows.
    Two grouped queries (energy, storage reasons), a third only to name stores with a reason.
    """
    zone = household.zoneinfo
    buckets = buckets_between(start=start, end=end, interval=interval, zone=zone)
    edges = [bucket.start for bucket in buckets] + [buckets[-1].end]
    with schema_context(household.schema_name):
        if device_uid is None:
            sums = telemetry_selectors.household_bucket_sums(edges=edges)
            reasons = _bucket_reasons(telemetry_selectors.store_reason_seconds(edges=edges))
            kind, empty = None, _HOME_EMPTY
        else:
            device = Device.objects.filter(uid=device_uid).first()
            if device is None:
                return []
            sums = telemetry_selectors.device_bucket_sums(device_id=device.pk, edges=edges)
            seconds = telemetry_selectors.store_reason_seconds(edges=edges, device_id=device.pk)
            reasons = _bucket_reasons(seconds, {device.pk: device})
            kind, empty = device.kind, _DEVICE_EMPTY
    now = now or timezone.now()
    results = [
        _energy_bucket(bucket, sums.get(index, empty), reasons.get(index, []), zone=zone, now=now, kind=kind)
        for index, bucket in enumerate(buckets)
    ]
    if any(not result.currency for result in results):
        # Buckets with no priced hour (or a device's) show zero in the currency of the tariff now.
        currency = tariff_selectors.tariff_current(household, now=now).terms.currency
        results = [r if r.currency else dataclasses.replace(r, currency=currency) for r in results]
    return results


def _energy_bucket(
    bucket: Bucket,
    sums: dict[str, Any],
    reasons: list[StoreReasonResult],
    *,
    zone: ZoneInfo,
    now: datetime,
    kind: str | None,
) -> EnergyBucketResult:
    """The bucket of the home (kind None, with flows) or of one device of this kind.

    `sums` as telemetry.selectors returns them, by column: HOUSEHOLD_SUMS and MONEY_SUMS (home) or
    DEVICE_SUMS (device), and covered_seconds.
    """
    produced, consumed, covered = sums["produced_wh"], sums["consumed_wh"], sums["covered_seconds"]
    imported = exported = 0.0
    money: dict[str, Any] = {}
    if kind is None:
        money = {
            "currency": sums["currency"],
            "import_cost": sums["import_cost"],
            "export_revenue": sums["export_revenue"],
            "cost_without_devices": sums["cost_without_devices"],
        }
        imported, exported = sums["imported_wh"], sums["exported_wh"]
        flow_wh = {flow: sums[column] for flow, column in FLOW_COLUMNS.items()}
        out, into = flows.node_totals(flow_wh)
        split: dict[str, Any] = {
            "solar_wh": out[Node.SOLAR],
            "load_wh": into[Node.HOME],
            "storage_charge_wh": into[Node.BATTERY] + into[Node.ELECTRIC_VEHICLE],
            "storage_discharge_wh": out[Node.BATTERY] + out[Node.ELECTRIC_VEHICLE],
        }
    else:
        flow_wh = {}
        # What the device's energy was follows from its kind's node (devices.kinds, telemetry.flows).
        node = flows.kind_node(kind)
        store = node in flows.STORES
        split = {
            "solar_wh": produced if node is Node.SOLAR else 0.0,
            "load_wh": consumed if node is Node.HOME else 0.0,
            "storage_charge_wh": consumed if store else 0.0,
            "storage_discharge_wh": produced if store else 0.0,
        }
        if node is Node.ELECTRIC_VEHICLE:
            split["driven_wh"], split["charged_away_wh"] = sums["driven_wh"], sums["charged_away_wh"]
    return EnergyBucketResult(
        start=bucket.start.astimezone(zone),
        end=bucket.end.astimezone(zone),
        produced_wh=produced,
        consumed_wh=consumed,
        imported_wh=imported,
        exported_wh=exported,
        complete=covered >= bucket.seconds and bucket.end <= now,
        flow_wh=flow_wh,
        reasons=reasons,
        **split,
        **money,
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
    """Every registered kind's value (devices.kinds) to its count, in the registry's order."""
    produced_w: float
    consumed_w: float
    storage_capacity_wh: float
    storage_charge_wh: float
    at: datetime | None
    solar_w: float
    load_w: float
    storage_charge_w: float
    storage_discharge_w: float
    grid_import_w: float
    grid_export_w: float
    costs_today: dict[str, tuple[Decimal, Decimal, Decimal]] = dataclasses.field(default_factory=dict)
    """Per currency: import cost, export revenue, cost without devices, today so far."""

    @property
    def devices(self) -> int:
        return sum(self.devices_by_kind.values())

    @property
    def labelled_counts(self) -> list[tuple[str, int]]:
        """(label, count) per kind, for the admin's fleet totals."""
        return [(BY_VALUE[kind].label, count) for kind, count in self.devices_by_kind.items()]

    @property
    def net_w(self) -> float:
        return self.produced_w - self.consumed_w

    @property
    def storage_charge_percent(self) -> float:
        return _percent(self.storage_charge_wh, self.storage_capacity_wh)


FLEET_POWER_COLUMNS = tuple(column for column in telemetry_selectors.SNAPSHOT_POWERS if column != "net_w")
"""Snapshot columns the fleet sums (grid import and export per household, so they do not cancel)."""


def _by_kind(counts: dict[str, int]) -> dict[str, int]:
    """The count of every kind registered now, 0 for a kind no snapshot counted."""
    return {kind.value: counts.get(kind.value, 0) for kind in KINDS}


def fleet_totals_compute(*, now: datetime | None = None) -> FleetTotalsResult:
    """Aggregate every snapshot (one public query; grows with the fleet, so run once per tick)."""
    row = telemetry_selectors.snapshot_totals(stale_before=stale_before(now=now), columns=FLEET_POWER_COLUMNS)
    return dataclasses.replace(
        _fleet({**row, "devices_by_kind": telemetry_selectors.snapshot_devices_by_kind()}),
        costs_today=telemetry_selectors.snapshot_costs_today(now or timezone.now()),
    )


def _fleet(row: Any) -> FleetTotalsResult:
    def get(name: str) -> Any:
        return row[name] if isinstance(row, dict) else getattr(row, name)

    return FleetTotalsResult(
        households=get("households"),
        stale_households=get("stale_households"),
        devices_by_kind=_by_kind(get("devices_by_kind")),
        at=get("at"),
        **{column: get(column) for column in FLEET_POWER_COLUMNS},
    )


def fleet_totals(*, now: datetime | None = None) -> FleetTotalsResult:
    """The totals stored after the last fleet tick: one primary-key read whatever the fleet's size.

    Nothing is written here. Before the first tick every household counts, stale, with zeros; when
    the fleet's newest tick is itself three intervals old, every household counts as stale.
    """
    totals = FleetTotals.objects.filter(pk=1).first()
    if totals is None:
        households = Household.objects.count()
        powers: dict[str, Any] = dict.fromkeys(FLEET_POWER_COLUMNS, 0.0)
        return FleetTotalsResult(
            households=households,
            stale_households=households,
            devices_by_kind=_by_kind({}),
            at=None,
            **powers,
        )
    fleet = dataclasses.replace(
        _fleet(totals),
        costs_today={
            currency: (Decimal(a), Decimal(b), Decimal(c))
            for currency, (a, b, c) in totals.costs_today.items()
        },
    )
    if fleet.at is None or fleet.at <= stale_before(now=now):
        return dataclasses.replace(fleet, stale_households=fleet.households)
    return fleet
