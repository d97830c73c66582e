"""One home's cost-optimal plan over a horizon: a linear program solved by HiGHS (scipy).

Plain Python (numpy, scipy), no Django, so it is unit-tested on hand-checkable cases and benchmarked
alone (bench/plan.py). Per step t of `step_hours` and per store k (a battery, or an EV while it is at
home) the variables are charge power c[k,t] >= 0, discharge power d[k,t] >= 0 and the stored energy
s[k,t] at the end of the step; the grid has import i[t] >= 0 and export e[t] >= 0. Constraints:

- balance:  solar + sum d + i = load + sum c + e                        (W, every step)
- storage:  s[t] = s[t-1] + eff c dt - d dt / eff - drain[t] + unserved[t]   (Wh; an EV drains while away)
- bounds:   c <= max charge x share at home, d <= max discharge x share at home, floor <= s <= capacity
- export:   e <= solar + sum d  (the grid's energy is never sold back to it)
- stores:   sum d <= load + e  (a store's discharge feeds the appliances or the grid, never another
            store: the simulation's dispatch forbids it, so a plan relying on it could not be followed)
- targets:  s[k, step] + short >= target Wh  (an EV's charge target by its readyBy)

Objective: import cost - export revenue + CYCLING_COST_PER_KWH on every kWh through a store, minus the
value of what is left stored at the end (TERMINAL: batteries at the mean import price x efficiency, EVs at
the cheapest import price, so the horizon's end does not empty them), plus a penalty on shortfalls that
dwarfs any price: a target that cannot be met is met as far as it can be (the EV charges at full rate
while at home until its readyBy) and the plan says so with TARGET_UNREACHABLE.

The matrices are built with numpy index arithmetic into one scipy.sparse matrix (no Python loop per
step), so building costs about what solving does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import highspy
import numpy as np
from scipy import sparse

EFFICIENCY = 0.95
"""One-way storage efficiency; the simulation's (telemetry.physics.STORAGE_EFFICIENCY) is passed in."""
CYCLING_COST_PER_KWH = 0.002
"""A small wear cost per kWh charged or discharged: no cycling for a price spread that does not pay."""
SHORTFALL_PENALTY_PER_KWH = 1_000.0
"""Per kWh of a missed target or of driving the car could not do: far above any price."""
TERMINAL_VALUE_SHARE = 0.9
"""Energy left stored at the horizon's end, valued at this share of the cheapest import price it displaces."""
POWER_DUST_W = 1e-3


class Reason(StrEnum):
    """Why a store's plan is not the cost-optimal one."""

    TARGET_UNREACHABLE = "target_unreachable"
    """The charge target cannot be met by its time even at full rate: the EV charges at full rate."""


@dataclass(frozen=True, slots=True)
class Target:
    """Reach `charge_wh` by the end of step `step` (exclusive index: after `step` steps)."""

    step: int
    charge_wh: float


@dataclass(frozen=True)
class Store:
    """A battery or an EV as the plan sees it. `home` is the share of each step it is plugged in (1
    for a battery); `drain_wh` the energy driving takes off it in each step (0 for a battery)."""

    id: int
    capacity_wh: float
    charge_wh: float
    max_charge_w: float
    max_discharge_w: float
    """0 for an EV that may not supply the home."""
    floor_wh: float = 0.0
    home: np.ndarray | None = None
    drain_wh: np.ndarray | None = None
    targets: tuple[Target, ...] = ()
    is_vehicle: bool = False


@dataclass(frozen=True)
class Problem:
    step_hours: float
    solar_w: np.ndarray
    load_w: np.ndarray
    import_price_per_kwh: np.ndarray
    export_price_per_kwh: np.ndarray
    stores: tuple[Store, ...]
    efficiency: float = EFFICIENCY

    @property
    def steps(self) -> int:
        return len(self.load_w)


@dataclass
class Plan:
    """The plan: per store its power (signed from the home's side: + discharging) and its charge at
    the end of each step; the grid's net power (+ exporting); the expected net cost of the horizon."""

    power_w: dict[int, np.ndarray]
    charge_wh: dict[int, np.ndarray]
    grid_w: np.ndarray
    expected_cost: float
    reasons: dict[int, Reason] = field(default_factory=dict)


class PlanError(RuntimeError):
    """HiGHS found no plan (it always should: every shortfall has a slack)."""


def net_cost(grid_w: np.ndarray, problem: Problem) -> float:
    """Import cost - export revenue of a grid power series (+ exporting), in the prices' currency."""
    kwh = grid_w * problem.step_hours / 1000.0
    return float(
        np.sum(np.maximum(-kwh, 0.0) * problem.import_price_per_kwh)
        - np.sum(np.maximum(kwh, 0.0) * problem.export_price_per_kwh)
    )


def _ones(values: np.ndarray | None, steps: int, default: float) -> np.ndarray:
    return np.full(steps, default) if values is None else np.asarray(values, dtype=float)


def solve(problem: Problem) -> Plan:
    """The cost-optimal plan (HiGHS, through its own Python interface highspy)."""
    n = problem.steps
    dt = problem.step_hours
    eff = problem.efficiency
    stores = problem.stores
    k = len(stores)
    import_price = np.asarray(problem.import_price_per_kwh, dtype=float)
    export_price = np.asarray(problem.export_price_per_kwh, dtype=float)
    solar = np.maximum(np.asarray(problem.solar_w, dtype=float), 0.0)
    load = np.maximum(np.asarray(problem.load_w, dtype=float), 0.0)

    # Variable layout: per store [c(n), d(n), s(n), u(n)], then grid [i(n), e(n)], then one shortfall
    # per target.
    per_store = 4 * n
    grid = k * per_store
    targets = [(index, target) for index, store in enumerate(stores) for target in store.targets]
    total = grid + 2 * n + len(targets)
    kwh = dt / 1000.0
    cost = np.zeros(total)
    lower = np.zeros(total)
    upper = np.full(total, np.inf)
    cost[grid : grid + n] = import_price * kwh
    cost[grid + n : grid + 2 * n] = -export_price * kwh
    cost[grid + 2 * n :] = SHORTFALL_PENALTY_PER_KWH / 1000.0
    steps = np.arange(n)
    rows, cols, vals = [], [], []
    eq_rhs = [load - solar]
    # Balance rows 0..n-1: sum d - sum c + i - e = load - solar.
    rows += [steps, steps]
    cols += [grid + steps, grid + n + steps]
    vals += [np.ones(n), -np.ones(n)]
    # Inequality rows 0..n-1: export; n..2n-1: stores feed only the appliances and the grid.
    ub_rows, ub_cols, ub_vals = (
        [steps, n + steps],
        [grid + n + steps, grid + n + steps],
        [np.ones(n), -np.ones(n)],
    )
    ub_rhs = [solar.copy(), load.copy()]
    cheapest_import = float(np.min(np.maximum(import_price, 0.0))) if n else 0.0
    for index, store in enumerate(stores):
        base = index * per_store
        c, d, s, u = base + steps, base + n + steps, base + 2 * n + steps, base + 3 * n + steps
        home = np.clip(_ones(store.home, n, 1.0), 0.0, 1.0)
        drain = np.maximum(_ones(store.drain_wh, n, 0.0), 0.0)
        upper[c] = max(store.max_charge_w, 0.0) * home
        upper[d] = max(store.max_discharge_w, 0.0) * home
        capacity = max(store.capacity_wh, 0.0)
        start = min(max(store.charge_wh, 0.0), capacity)
        floor = min(max(store.floor_wh, 0.0), start) if store.max_discharge_w > 0 else 0.0
        lower[s], upper[s] = floor, capacity
        upper[u] = np.where(drain > 0.0, drain, 0.0)
        cost[c] = cost[d] = CYCLING_COST_PER_KWH * kwh
        cost[u] = SHORTFALL_PENALTY_PER_KWH / 1000.0
        cost[s[-1]] -= TERMINAL_VALUE_SHARE * cheapest_import * eff / 1000.0
        # Balance: + d - c.
        rows += [steps, steps]
        cols += [d, c]
        vals += [np.ones(n), -np.ones(n)]
        # Storage rows: s[t] - s[t-1] - eff dt c + dt/eff d - u = -drain (+ start at t = 0).
        r = (index + 1) * n + steps
        rows += [r, r[1:], r, r, r]
        cols += [s, s[:-1], c, d, u]
        vals += [np.ones(n), -np.ones(n - 1), np.full(n, -eff * dt), np.full(n, dt / eff), -np.ones(n)]
        rhs = -drain
        rhs[0] += start
        eq_rhs.append(rhs)
        # Export: e - sum d <= solar; no store charges another: sum d - e <= load.
        ub_rows += [steps, n + steps]
        ub_cols += [d, d]
        ub_vals += [-np.ones(n), np.ones(n)]
    # Targets: s[step - 1] + short >= target, as -s - short <= -target.
    for number, (index, target) in enumerate(targets):
        step = min(max(target.step, 1), n)
        row = 2 * n + number
        ub_rows.append(np.array([row, row]))
        ub_cols.append(np.array([index * per_store + 2 * n + step - 1, grid + 2 * n + number]))
        ub_vals.append(np.array([-1.0, -1.0]))
        ub_rhs.append(np.array([-target.charge_wh]))
    equalities = (k + 1) * n
    matrix = sparse.csc_array(
        (
            np.concatenate(vals + ub_vals),
            (np.concatenate(rows + [r + equalities for r in ub_rows]), np.concatenate(cols + ub_cols)),
        ),
        shape=(equalities + 2 * n + len(targets), total),
    )
    rhs = np.concatenate(eq_rhs + ub_rhs)
    row_lower = np.concatenate([rhs[:equalities], np.full(len(rhs) - equalities, -np.inf)])
    # Columns fixed at 0 (a car's charging while it is away, driving where there is none, a battery's
    # unserved driving) are left out of the program HiGHS sees: a third fewer columns for a home with a car.
    free = upper > 0.0
    x = np.zeros(total)
    x[free] = _highs(cost[free], matrix[:, free], row_lower, rhs, lower[free], upper[free])
    plan = Plan({}, {}, np.zeros(n), 0.0)
    for index, store in enumerate(stores):
        base = index * per_store
        power = x[base + n : base + 2 * n] - x[base : base + n]
        plan.power_w[store.id] = np.where(np.abs(power) < POWER_DUST_W, 0.0, power)
        plan.charge_wh[store.id] = x[base + 2 * n : base + 3 * n]
    plan.grid_w = x[grid + n : grid + 2 * n] - x[grid : grid + n]
    for number, (index, target) in enumerate(targets):
        if x[grid + 2 * n + number] > 1.0:  # Wh: more than float dust short
            store = stores[index]
            plan.reasons[store.id] = Reason.TARGET_UNREACHABLE
            _full_rate_until(plan, problem, store, min(max(target.step, 1), n))
    plan.expected_cost = net_cost(plan.grid_w, problem)
    return plan


def _full_rate_until(plan: Plan, problem: Problem, store: Store, step: int) -> None:
    """An unreachable target: charge at full rate while at home until `step`; the grid takes the rest."""
    n, dt, eff = problem.steps, problem.step_hours, problem.efficiency
    home = np.clip(_ones(store.home, n, 1.0), 0.0, 1.0)
    drain = np.maximum(_ones(store.drain_wh, n, 0.0), 0.0)
    power = plan.power_w[store.id].copy()
    charge = plan.charge_wh[store.id].copy()
    level = min(max(store.charge_wh, 0.0), store.capacity_wh)
    for t in range(n):
        if t < step:
            room = max(store.capacity_wh - level, 0.0)
            power[t] = -min(store.max_charge_w * home[t], room / (eff * dt))
        delta = -power[t] * eff * dt if power[t] < 0 else -power[t] * dt / eff
        level = min(max(level + delta - drain[t], 0.0), store.capacity_wh)
        charge[t] = level
    plan.grid_w += power - plan.power_w[store.id]
    plan.power_w[store.id] = power
    plan.charge_wh[store.id] = charge


def _highs(
    cost: np.ndarray,
    matrix: sparse.csc_array,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
) -> np.ndarray:
    """Solve min cost.x, row_lower <= A x <= row_upper, lower <= x <= upper with HiGHS."""
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = matrix.shape[1], matrix.shape[0]
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lower, upper
    lp.row_lower_, lp.row_upper_ = row_lower, row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = matrix.indptr, matrix.indices, matrix.data
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    # Presolve costs more than it saves on a problem this small and this sparse (bench/plan.py).
    highs.setOptionValue("presolve", "off")
    highs.passModel(lp)
    highs.run()
    status = highs.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise PlanError(highs.modelStatusToString(status))
    return np.asarray(highs.getSolution().col_value)
