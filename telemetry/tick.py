"""The tick's model: what one household's tick produced, and the domain rules its writes follow.

Plain Python (no Django, checked by strict mypy): the dataclasses a tick hands to its SQL
(telemetry.writes), the hour its rollups go under, the net-power rule, and which charge a store
carries into the next tick.
telemetry.writes turns these into statements; telemetry.selectors and the devices' live state
(reporting.live) apply the same charge rule when they read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from telemetry import flows, physics

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from telemetry.costs import TickCost

NET_DUST_W = 1e-6
REPORTED = "reported"
"""devices.models.TelemetrySource.REPORTED: the device's readings come from its home's gateway."""


DEVICE_STATE_COLUMNS = (
    "id",
    "kind",
    "rated_capacity_w",
    "capacity_wh",
    "charge_wh",
    "max_charge_rate_w",
    "max_discharge_rate_w",
    "mode",
    "average_power_w",
    "category",
    "tilt_degrees",
    "azimuth_degrees",
    "dc_ac_ratio",
    "reserve_percent",
)
"""The columns of a device in its household's schema that make its physics.DeviceState (the
tick's and planning's reads, telemetry.writes and telemetry.plans)."""


def device_state(columns: Mapping[str, Any], **changes: Any) -> physics.DeviceState:
    """The DeviceState of a device row read by name (DEVICE_STATE_COLUMNS; no category is None),
    with `changes` (e.g. the live charge) over it."""
    values = {name: columns[name] for name in DEVICE_STATE_COLUMNS}
    values["category"] = values["category"] or None
    values.update(changes)
    return physics.DeviceState(**values)


@dataclass(frozen=True, slots=True)
class CachedDevice:
    """A device as its schema stores it: configuration, owner-set charge and that charge's revision
    (what the worker's device cache holds, telemetry.services)."""

    config: physics.DeviceState
    """`charge_wh` is the device's own column: the owner's (or registration's) charge."""
    charge_revision: int = 0
    reported: bool = False
    """Fed by the home's gateway (telemetry.reported), never simulated."""


def local_hour_start(*, at: datetime, zone: ZoneInfo) -> datetime:
    """The instant (UTC) the local hour containing `at` began: the hour start of the hourly rollups.

    The tick writes its rollups under this hour (SimulatedTick.hour_start) and reporting, which reads
    them, cuts its buckets on it, so both use this one function. Half-hour zones (Asia/Kolkata)
    start their hours at :30 UTC.
    """
    local = at.astimezone(zone)
    return at.astimezone(UTC) - timedelta(
        minutes=local.minute, seconds=local.second, microseconds=local.microsecond
    )


def net_power_w(produced_w: float, consumed_w: float) -> float:
    """Produced minus consumed; float dust from an exactly balancing battery counts as 0."""
    net = produced_w - consumed_w
    return net if abs(net) > NET_DUST_W else 0.0


def live_charge_wh(
    *,
    own_wh: float | None,
    own_revision: int,
    capacity_wh: float | None,
    live_wh: float | None,
    live_revision: int,
) -> float | None:
    """A store's charge now: the owner's write wins over a live state computed before it.

    The owner setting the charge bumps the device's revision (devices.services); a live state that
    started from an older revision, such as a tick in flight during the write, is superseded by the
    device's own charge. A newer live state wins, cut to the capacity (which the owner may have lowered).
    """
    if live_wh is None or live_revision < own_revision or capacity_wh is None:
        return own_wh
    return min(live_wh, capacity_wh)


@dataclass(frozen=True, slots=True)
class SimulatedTick:
    """One household's simulated instant, ready to store."""

    at: datetime
    seconds: int
    hour_start: datetime
    outcomes: Sequence[physics.DeviceOutcome]
    produced_w: float
    consumed_w: float
    powers: flows.NodePowers
    allocation: Mapping[flows.Flow, float]
    """Power of each flow, W (telemetry.flows.allocate)."""
    reasons: Mapping[int, flows.StorageReason] = field(default_factory=dict)
    """Device id -> why that store did not help (stores without a reason are absent)."""

    @property
    def net_w(self) -> float:
        return net_power_w(self.produced_w, self.consumed_w)

    @property
    def grid_import_w(self) -> float:
        return -self.net_w if self.net_w < 0 else 0.0

    @property
    def grid_export_w(self) -> float:
        return self.net_w if self.net_w > 0 else 0.0


@dataclass(frozen=True, slots=True)
class HouseholdTicks:
    """What one household's tick (or backfill chunk) stores: its ticks and its devices."""

    household_id: int
    schema: str
    devices: Sequence[physics.DeviceState]
    ticks: Sequence[SimulatedTick]
    charge_revisions: Mapping[int, int] = field(default_factory=dict)
    """Per device id: the revision of the owner-set charge the ticks started from (live state)."""
    reported: frozenset[int] = frozenset()
    """Ids of the devices fed by the home's gateway (telemetry.reported), counted in the snapshot."""
    costs: Sequence[TickCost] = ()
    """Each tick's cost, in the order of `ticks` (telemetry.costs); empty when not priced."""
