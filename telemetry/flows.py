"""Where every watt of a tick went: flows from sources to sinks, and why storage did not help.

Plain Python beside the physics (no Django), so the rules can be property-tested. The dispatch in
telemetry.physics decides each device's power; this module only explains that result.

The allocation rule, applied to the node powers of one tick (all >= 0):
1. Solar serves the home's load first, then storage charging, and exports the rest.
2. Storage discharge serves what the home still needs; what is left is exported.
3. The grid covers whatever the home and the charging stores still need.
Where several stores compete (solar surplus for a charging battery and EV, home load for a
discharging battery and EV), each gets a share in proportion to its own power. A store feeds
another store only when the dispatch made one discharge while another charged beyond the solar
surplus; that residual is reported as such (the v2 dispatch never does it), so every node still
balances exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from devices import choices
from devices.kinds import KINDS, indexed
from telemetry.physics import battery_floor_wh

DUST_W = 1e-6
"""Flows and balances smaller than this are float dust, shown as 0."""
DUST_WH = 1e-6
"""A bucket's flow energy smaller than this is float dust, left out of the list."""


class Node(StrEnum):
    SOLAR = "SOLAR"
    BATTERY = "BATTERY"
    ELECTRIC_VEHICLE = "ELECTRIC_VEHICLE"
    GRID = "GRID"
    HOME = "HOME"


STORES = (Node.BATTERY, Node.ELECTRIC_VEHICLE)
SOURCES = (Node.SOLAR, Node.BATTERY, Node.ELECTRIC_VEHICLE, Node.GRID)
SINKS = (Node.HOME, Node.BATTERY, Node.ELECTRIC_VEHICLE, Node.GRID)

Flow = tuple[Node, Node]
"""(source, sink)."""

FLOWS: tuple[Flow, ...] = (
    *((Node.SOLAR, sink) for sink in SINKS),
    *((store, sink) for store in STORES for sink in SINKS),
    *((Node.GRID, sink) for sink in SINKS if sink is not Node.GRID),
)
"""Every flow the rule can produce (the grid never feeds itself, nothing flows out of HOME)."""

_SLUGS = {
    Node.SOLAR: "solar",
    Node.BATTERY: "battery",
    Node.ELECTRIC_VEHICLE: "ev",
    Node.GRID: "grid",
    Node.HOME: "home",
}


def flow_column(flow: Flow) -> str:
    """The rollup column holding a flow's energy, e.g. solar_to_home_wh."""
    return f"{_SLUGS[flow[0]]}_to_{_SLUGS[flow[1]]}_wh"


FLOW_COLUMNS: dict[Flow, str] = {flow: flow_column(flow) for flow in FLOWS}

# Each registry kind's node follows from the physics handler that simulates it (devices.kinds).
_HANDLER_NODES = {
    "solar": Node.SOLAR,
    "battery": Node.BATTERY,
    "vehicle": Node.ELECTRIC_VEHICLE,
    "appliance": Node.HOME,
}
_KIND_NODES: dict[str, Node] = {}


def _kind_nodes_rebuild() -> None:
    nodes = {kind.value: _HANDLER_NODES[kind.physics] for kind in KINDS}
    _KIND_NODES.clear()
    _KIND_NODES.update(nodes)


indexed(_kind_nodes_rebuild)


def kind_node(kind: str) -> Node:
    """The node a registered kind's devices feed or draw from (SOLAR, HOME, or a store)."""
    return _KIND_NODES[str(kind)]


@dataclass(frozen=True, slots=True)
class NodePowers:
    """One tick's device powers summed per node, each >= 0."""

    solar_w: float = 0.0
    load_w: float = 0.0
    battery_charge_w: float = 0.0
    battery_discharge_w: float = 0.0
    ev_charge_w: float = 0.0
    ev_discharge_w: float = 0.0

    @property
    def storage_charge_w(self) -> float:
        return self.battery_charge_w + self.ev_charge_w

    @property
    def storage_discharge_w(self) -> float:
        return self.battery_discharge_w + self.ev_discharge_w

    @property
    def net_w(self) -> float:
        """+ exporting, - importing; the product's produced - consumed."""
        return self.solar_w + self.storage_discharge_w - self.load_w - self.storage_charge_w

    def charge_w(self, store: Node) -> float:
        return self.battery_charge_w if store is Node.BATTERY else self.ev_charge_w

    def discharge_w(self, store: Node) -> float:
        return self.battery_discharge_w if store is Node.BATTERY else self.ev_discharge_w


def node_powers(devices: Iterable[tuple[str, float]]) -> NodePowers:
    """Sum (device kind, signed power from the home's side) pairs per node.

    Solar counts what it supplies, appliances what they draw, and a store its charging (power < 0)
    or discharging (power > 0).
    """
    totals = dict.fromkeys(NodePowers.__slots__, 0.0)
    for kind, power_w in devices:
        node = _KIND_NODES.get(str(kind))
        if node is None:
            raise ValueError(f"unknown device kind {kind!r}")
        if node is Node.SOLAR:
            totals["solar_w"] += max(power_w, 0.0)
        elif node is Node.HOME:
            totals["load_w"] += max(-power_w, 0.0)
        else:
            prefix = "battery" if node is Node.BATTERY else "ev"
            totals[f"{prefix}_charge_w"] += max(-power_w, 0.0)
            totals[f"{prefix}_discharge_w"] += max(power_w, 0.0)
    return NodePowers(**totals)


def _shares(amount: float, demands: Mapping[Node, float]) -> dict[Node, float]:
    """Split `amount` (<= the demands' total) between the nodes in proportion to their demand."""
    total = sum(demands.values())
    if total <= 0.0 or amount <= 0.0:
        return dict.fromkeys(demands, 0.0)
    fraction = min(amount / total, 1.0)
    return {node: demand * fraction for node, demand in demands.items()}


def allocate(powers: NodePowers) -> dict[Flow, float]:
    """Flows (W, each >= 0) from sources to sinks for one tick, by the module's rule.

    Every key of FLOWS is present. Out of SOLAR sums to solar_w, into HOME to load_w, out of and
    into each store to its discharge and charge, out of GRID to the import and into GRID to the
    export (max(-net, 0) and max(net, 0)), each to float dust: flows under DUST_W count as 0.
    """
    flows = dict.fromkeys(FLOWS, 0.0)
    charging = {store: powers.charge_w(store) for store in STORES}
    discharging = {store: powers.discharge_w(store) for store in STORES}

    # 1. Solar: the home, then the charging stores, then the grid.
    solar_home = min(powers.solar_w, powers.load_w)
    flows[Node.SOLAR, Node.HOME] = solar_home
    home_left = powers.load_w - solar_home
    solar_left = powers.solar_w - solar_home
    for store, share in _shares(min(solar_left, sum(charging.values())), charging).items():
        flows[Node.SOLAR, store] = share
        charging[store] = max(charging[store] - share, 0.0)
        solar_left -= share
    flows[Node.SOLAR, Node.GRID] = max(solar_left, 0.0)

    # 2. Storage discharge: the home's remaining load.
    for store, share in _shares(min(home_left, sum(discharging.values())), discharging).items():
        flows[store, Node.HOME] = share
        discharging[store] = max(discharging[store] - share, 0.0)
        home_left -= share
    home_left = max(home_left, 0.0)

    # 3. Discharge still left meets charging still unmet (store to store), else it is exported;
    #    the grid covers the rest of the home and of the charging.
    discharge_left, charge_left = sum(discharging.values()), sum(charging.values())
    exchanged = min(discharge_left, charge_left)
    for source, out in discharging.items():
        for sink, into in charging.items():
            if exchanged > 0.0:
                flows[source, sink] = exchanged * (out / discharge_left) * (into / charge_left)
        flows[source, Node.GRID] = out * (1.0 - exchanged / discharge_left) if out > 0.0 else 0.0
    flows[Node.GRID, Node.HOME] = home_left
    for sink, into in charging.items():
        flows[Node.GRID, sink] = into * (1.0 - exchanged / charge_left) if into > 0.0 else 0.0
    # A store that exactly covers the home leaves ~1e-13 W of rounding: not a flow.
    return {flow: value if value > DUST_W else 0.0 for flow, value in flows.items()}


def node_totals(flows: Mapping[Flow, float]) -> tuple[dict[Node, float], dict[Node, float]]:
    """(out of each node, into each node), summed over the flows."""
    out = dict.fromkeys(Node, 0.0)
    into = dict.fromkeys(Node, 0.0)
    for (source, sink), value in flows.items():
        out[source] += value
        into[sink] += value
    return out, into


# --- why a store did not help -------------------------------------------------------------------


class StorageReason(StrEnum):
    """At most one short code per store: why it did not (fully) help the home's balance."""

    FULL = "FULL"
    EMPTY = "EMPTY"
    RESERVE_REACHED = "RESERVE_REACHED"
    RATE_LIMIT = "RATE_LIMIT"
    AWAY = "AWAY"


REASON_DESCRIPTIONS = {
    StorageReason.FULL: "full: could not take the solar surplus, which went to the grid",
    StorageReason.EMPTY: "empty: could not cover the home, which drew from the grid",
    StorageReason.RESERVE_REACHED: (
        "at its reserve (an EV's for driving, a battery's for backup): the home drew from the grid"
    ),
    StorageReason.RATE_LIMIT: "at its rate limit: the grid took or gave the rest",
    StorageReason.AWAY: "EV away (not plugged in): no charging, no vehicle-to-home",
}
REASON_COLUMNS = {
    StorageReason.FULL: "full_seconds",
    StorageReason.EMPTY: "empty_seconds",
    StorageReason.RESERVE_REACHED: "reserve_seconds",
    StorageReason.RATE_LIMIT: "rate_limit_seconds",
    StorageReason.AWAY: "away_seconds",
}
"""The rollup column counting the seconds a store spent with each code."""
REASON_ORDER = tuple(StorageReason)
"""Ties between codes (equal seconds in a bucket) go to the earlier one."""


@dataclass(frozen=True, slots=True)
class StoreTick:
    """What the reason needs to know about one battery or EV after the dispatch."""

    power_w: float
    charge_wh: float
    capacity_wh: float
    max_charge_rate_w: float
    max_discharge_rate_w: float
    can_charge: bool
    can_discharge: bool
    floor_wh: float = 0.0
    plugged_in: bool = True


def store_tick(
    device: Any,
    *,
    power_w: float,
    charge_wh: float | None,
    ev_reserve_fraction: float,
    plugged_in: bool | None = None,
) -> StoreTick:
    """A store's tick from a device-like object (a physics.DeviceState or a devices.Device).

    It needs kind, mode, capacity_wh, the two rates and a battery's reserve_percent; an EV keeps
    the fleet's EV reserve, an AUTO or OPTIMIZED battery its own, an owner-commanded one may run empty.
    `plugged_in` is False only for an EV away (None: not known, taken as at home).
    """
    mode = str(device.mode or choices.StorageMode.AUTO)
    capacity = device.capacity_wh or 0.0
    return StoreTick(
        power_w=power_w,
        charge_wh=charge_wh or 0.0,
        capacity_wh=capacity,
        max_charge_rate_w=device.max_charge_rate_w or 0.0,
        max_discharge_rate_w=device.max_discharge_rate_w or 0.0,
        can_charge=mode in choices.CHARGING_MODES,
        can_discharge=mode in choices.DISCHARGING_MODES,
        floor_wh=ev_reserve_fraction * capacity
        if _KIND_NODES[str(device.kind)] is Node.ELECTRIC_VEHICLE
        else (battery_floor_wh(device) if _keeps_reserve(device, mode) else 0.0),
        plugged_in=plugged_in is not False,
    )


def _keeps_reserve(device: Any, mode: str) -> bool:
    """AUTO and OPTIMIZED batteries, and one following a plan's DISCHARGING, keep their reserve."""
    return mode in (choices.StorageMode.AUTO, choices.StorageMode.OPTIMIZED) or bool(
        getattr(device, "keeps_reserve", False)
    )


def store_reasons(
    stores: Iterable[tuple[Any, float, float | None, bool | None]],
    *,
    net_w: float,
    ev_reserve_fraction: float,
) -> dict[int, StorageReason]:
    """{device id: reason} for each store's (device, power_w, charge_wh, plugged_in) that has one."""
    reasons = {}
    for device, power_w, charge_wh, plugged_in in stores:
        store = store_tick(
            device,
            power_w=power_w,
            charge_wh=charge_wh,
            ev_reserve_fraction=ev_reserve_fraction,
            plugged_in=plugged_in,
        )
        reason = storage_reason(store, net_w=net_w)
        if reason is not None:
            reasons[device.id] = reason
    return reasons


def storage_reason(store: StoreTick, *, net_w: float, full_wh: float = 1e-6) -> StorageReason | None:
    """Why this store did not help the home more, or None when it did all its mode asks.

    `net_w` is the home's balance after the dispatch (+ exporting). A store whose mode lets it
    charge (discharge) has a reason only while the home exports (imports): then it is full
    (empty, or at its reserve) or at its rate limit. An EV that is away always says so.
    """
    if not store.plugged_in:
        return StorageReason.AWAY
    if net_w > DUST_W and store.can_charge:
        if -store.power_w >= store.max_charge_rate_w - DUST_W:
            return StorageReason.RATE_LIMIT
        if store.charge_wh >= store.capacity_wh - full_wh:
            return StorageReason.FULL
    elif net_w < -DUST_W and store.can_discharge:
        if store.power_w >= store.max_discharge_rate_w - DUST_W:
            return StorageReason.RATE_LIMIT
        if store.charge_wh <= full_wh:
            return StorageReason.EMPTY
        if store.charge_wh <= store.floor_wh + full_wh:
            return StorageReason.RESERVE_REACHED
    return None


def dominant_reason(seconds: Mapping[StorageReason, float]) -> StorageReason | None:
    """The code that held longest in a bucket (None when no code held at all)."""
    best = max(REASON_ORDER, key=lambda reason: (seconds.get(reason, 0), -REASON_ORDER.index(reason)))
    return best if seconds.get(best, 0) > 0 else None
