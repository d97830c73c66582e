"""Properties of the energy-flow allocation (telemetry.flows): plain Python, so hypothesis can roam."""

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.kinds import KINDS
from telemetry import flows
from telemetry.flows import FLOWS, STORES, Node, NodePowers, StorageReason, allocate, node_powers, node_totals
from tests.telemetry.test_physics import households, naive_times, places, seeds, tick

# Float dust: relative to the tick's powers, plus flows under DUST_W dropped as rounding.
REL = 1e-9

powers = st.floats(0.0, 50_000.0)
node_power_sets = st.builds(NodePowers, powers, powers, powers, powers, powers, powers)
# A device's signed power as the physics gives it: solar supplies, appliances draw, stores do either.
# Every registry kind (devices.kinds), its sign from the node it feeds or draws from.
_SIGNED = {
    Node.SOLAR: st.floats(0.0, 30_000.0),
    Node.HOME: st.floats(-30_000.0, 0.0),
}
signed_device = st.one_of(
    *(
        st.tuples(
            st.just(kind.value), _SIGNED.get(flows.kind_node(kind.value), st.floats(-30_000.0, 30_000.0))
        )
        for kind in KINDS
    )
)
signed_devices = st.lists(signed_device, max_size=12)


def close(a: float, b: float, scale: float) -> bool:
    return abs(a - b) <= REL * max(scale, 1.0) + len(FLOWS) * flows.DUST_W


def check_balance(p: NodePowers, result: dict) -> None:
    """Each node's flows equal its devices' powers; the grid's equal the home's import and export."""
    scale = p.solar_w + p.load_w + p.storage_charge_w + p.storage_discharge_w
    assert set(result) == set(FLOWS)
    assert all(value >= 0.0 for value in result.values()), result
    out, into = node_totals(result)
    expected_out = {
        Node.SOLAR: p.solar_w,
        Node.BATTERY: p.battery_discharge_w,
        Node.ELECTRIC_VEHICLE: p.ev_discharge_w,
        Node.GRID: max(-p.net_w, 0.0),
        Node.HOME: 0.0,
    }
    expected_in = {
        Node.HOME: p.load_w,
        Node.BATTERY: p.battery_charge_w,
        Node.ELECTRIC_VEHICLE: p.ev_charge_w,
        Node.GRID: max(p.net_w, 0.0),
        Node.SOLAR: 0.0,
    }
    for node in Node:
        assert close(out[node], expected_out[node], scale), (node, out, expected_out)
        assert close(into[node], expected_in[node], scale), (node, into, expected_in)


@settings(max_examples=500)
@given(node_power_sets)
def test_flows_are_non_negative_and_every_node_balances(p):
    check_balance(p, allocate(p))


@settings(max_examples=300)
@given(signed_devices)
def test_source_and_sink_totals_equal_the_devices_energies(devices):
    p = node_powers(devices)
    result = allocate(p)
    check_balance(p, result)
    out, into = node_totals(result)
    scale = sum(abs(power) for _, power in devices)
    produced = sum(power for _, power in devices if power > 0)
    consumed = -sum(power for _, power in devices if power < 0)
    # Produced = solar + discharge = every source but the grid; consumed likewise for sinks.
    assert close(out[Node.SOLAR] + out[Node.BATTERY] + out[Node.ELECTRIC_VEHICLE], produced, scale)
    assert close(into[Node.HOME] + into[Node.BATTERY] + into[Node.ELECTRIC_VEHICLE], consumed, scale)


@settings(max_examples=300, deadline=None)
@given(households(), naive_times, places, seeds)
def test_the_production_dispatch_never_makes_a_store_feed_another(devices, at, place, seed):
    """Whatever the owners command, no store's discharge ends up in another store."""
    outcomes = tick(devices, at, place, seed=seed)
    p = node_powers((device.kind, outcome.power_w) for device, outcome in zip(devices, outcomes, strict=True))
    result = allocate(p)
    check_balance(p, result)
    for source in STORES:
        for sink in STORES:
            assert result[source, sink] == 0.0, (source, sink, p, result)


S, B, E, G, H = Node.SOLAR, Node.BATTERY, Node.ELECTRIC_VEHICLE, Node.GRID, Node.HOME


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        # Solar serves the home first, then storage, then the grid.
        (
            NodePowers(solar_w=5000, load_w=1200, battery_charge_w=3000),
            {(S, H): 1200, (S, B): 3000, (S, G): 800},
        ),
        # Storage discharge serves the home; the grid covers the rest of the home and the car.
        (
            NodePowers(solar_w=300, load_w=4000, battery_discharge_w=2700, ev_charge_w=7400),
            {(S, H): 300, (B, H): 2700, (G, H): 1000, (G, E): 7400},
        ),
        # Competing stores share in proportion to their power.
        (
            NodePowers(solar_w=4000, load_w=1000, battery_charge_w=3000, ev_charge_w=1000),
            {(S, H): 1000, (S, B): 2250, (S, E): 750, (G, B): 750, (G, E): 250},
        ),
        # A dispatch that makes a store charge another is reported as such, so nodes still balance.
        (
            NodePowers(load_w=500, battery_discharge_w=7000, ev_charge_w=7400),
            {(B, H): 500, (B, E): 6500, (G, E): 900},
        ),
    ],
)
def test_the_rule_on_worked_examples(p, expected):
    result = allocate(p)
    assert {flow: value for flow, value in result.items() if value} == pytest.approx(expected)


def test_every_flow_has_its_own_rollup_column():
    assert len(set(flows.FLOW_COLUMNS.values())) == len(FLOWS) == 15
    assert flows.FLOW_COLUMNS[Node.SOLAR, Node.HOME] == "solar_to_home_wh"
    assert flows.FLOW_COLUMNS[Node.GRID, Node.ELECTRIC_VEHICLE] == "grid_to_ev_wh"


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="wind_turbine"):
        node_powers([("wind_turbine", 100.0)])


# --- reasons ----------------------------------------------------------------------------------


@dataclass
class Store:
    """Anything with a device's fields."""

    id: int = 1
    kind: str = "battery"
    mode: str = "auto"
    capacity_wh: float = 13500.0
    max_charge_rate_w: float = 5000.0
    max_discharge_rate_w: float = 7000.0
    reserve_percent: float | None = None


def battery(
    power_w: float = 0.0, charge_wh: float = 6750.0, plugged_in: bool | None = None, **fields
) -> flows.StoreTick:
    return flows.store_tick(
        Store(**fields), power_w=power_w, charge_wh=charge_wh, ev_reserve_fraction=0.2, plugged_in=plugged_in
    )


def car(**fields) -> flows.StoreTick:
    return battery(kind="electric_vehicle", **fields)


@pytest.mark.parametrize(
    ("store", "net_w", "reason"),
    [
        (battery(charge_wh=13500.0), 2000.0, StorageReason.FULL),
        (battery(charge_wh=0.0), -800.0, StorageReason.EMPTY),
        (battery(power_w=-5000.0), 1500.0, StorageReason.RATE_LIMIT),
        (battery(power_w=7000.0), -300.0, StorageReason.RATE_LIMIT),
        (battery(power_w=-1500.0), 0.0, None),
        (battery(mode="idle", charge_wh=13500.0), 2000.0, None),
        (car(mode="discharging", charge_wh=2700.0), -500.0, StorageReason.RESERVE_REACHED),
        (battery(charge_wh=1350.0), -500.0, StorageReason.RESERVE_REACHED),
        (battery(charge_wh=1350.0, reserve_percent=0.0), -500.0, None),
        (car(mode="charging", charge_wh=13500.0), 900.0, StorageReason.FULL),
        (car(mode="charging", plugged_in=False), -900.0, StorageReason.AWAY),
    ],
)
def test_a_store_says_why_it_did_not_help(store, net_w, reason):
    assert flows.storage_reason(store, net_w=net_w) is reason


def test_the_reason_held_longest_wins_a_bucket():
    longest = {StorageReason.FULL: 600, StorageReason.RATE_LIMIT: 1200}
    assert flows.dominant_reason(longest) is StorageReason.RATE_LIMIT
    tie = {StorageReason.EMPTY: 300, StorageReason.FULL: 300}
    assert flows.dominant_reason(tie) is StorageReason.FULL
    assert flows.dominant_reason({}) is None
