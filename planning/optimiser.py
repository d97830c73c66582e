"""One home's cost-optimal plan over a horizon: a linear program solved by HiGHS (scipy).

Plain Python (numpy, scipy), no Django, so it is unit-tested on hand-checkable cases and benchmarked
alone (bench/plan.py). Per step t of `step_hours` and per store k (a battery, or an EV while it is at
home) the variables are charge power c[k,t] >= 0, discharge power d[k,t] >= 0 and the stored energy
s[k,t] at the end of the step; the grid has import i[t] >= 0 and export e[t] >= 0. Constraints:

- balance:  solar + sum d + i = load + sum c + e                        (W, every step)
- storage:  s[t] = s[t-1] + eff c dt - d dt / eff - drain[t] + unserved[t]   (Wh; an EV drains while away)
- bounds:   c <= max charge x share at home, d <= max discharge x share at home, floor <= s <= capacity
            (a battery's floor is its reserve, the charge AUTO keeps too)
- export:   e <= solar + sum d  (the grid's energy is never sold back to it)
- stores:   sum d <= load + e  (a store's discharge feeds the appliances or the grid, never another
            store: the simulation's dispatch forbids it, so a plan relying on it could not be followed)
- targets:  s[k, step] >= target Wh  (an EV's charge target by its readyBy), a bound on s

Objective: import cost - export revenue + CYCLING_COST_PER_KWH on every kWh through a store, minus the
value of what is left stored at the end (TERMINAL: at the cheapest import price x efficiency, so the
horizon's end does not empty the stores), plus a penalty on driving the car could not do that dwarfs any
price. A target above what charging at full rate whenever the car is home reaches (computed step by step
before the solve) cannot be met: it is bounded at that instead, the EV charges at full rate while at home
until its readyBy, and the plan says so with TARGET_UNREACHABLE.

Speed: everything that differs between homes (prices, solar, load, rates, charges, reserves, targets,
when the car is away) is a cost or a bound, so the matrix depends only on the number of steps and
stores (a _Shape, built once with numpy index arithmetic into one scipy.sparse matrix). Each thread keeps
one HiGHS model per shape and family (homes alike: planning passes the time zone) and only changes
the costs and bounds that differ from its last solve (like homes share most): the next home's solve
starts from the previous like home's basis (a warm start), a few times faster than a fresh model
solved from scratch (bench/plan.py times both).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

import highspy
import numpy as np
from scipy import sparse

EFFICIENCY = 0.95
"""One-way storage efficiency; the simulation's (telemetry.physics.STORAGE_EFFICIENCY) is passed in."""
CYCLING_COST_PER_KWH = 0.002
"""A small wear cost per kWh charged or discharged: no cycling for a price spread that does not pay."""
SHORTFALL_PENALTY_PER_KWH = 1_000.0
"""Per kWh of driving the car could not do (it was too empty): far above any price."""
TERMINAL_VALUE_SHARE = 0.9
"""Energy left stored at the horizon's end, valued at this share of the cheapest import price it displaces."""
POWER_DUST_W = 1e-3
UNREACHABLE_WH = 1.0
"""A target more than this above what full-rate charging reaches is unreachable (float dust is not)."""


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


def solve(problem: Problem, *, reuse: bool = True, family: str = "") -> Plan:
    """The cost-optimal plan (HiGHS, through its own Python interface highspy).

    `reuse` (the default) solves on this thread's model of the problem's shape and `family`,
    warm-started from the basis of the previous solve; False builds and solves a fresh model (what
    every solve did before; bench/plan.py times both). A family names homes alike (planning passes
    the time zone: the same prices, sun and hours): a chunk mixing places solves each home from a
    like home's basis, not from the previous home's, far from it.
    """
    n = problem.steps
    dt = problem.step_hours
    eff = problem.efficiency
    stores = problem.stores
    import_price = np.asarray(problem.import_price_per_kwh, dtype=float)
    export_price = np.asarray(problem.export_price_per_kwh, dtype=float)
    solar = np.maximum(np.asarray(problem.solar_w, dtype=float), 0.0)
    load = np.maximum(np.asarray(problem.load_w, dtype=float), 0.0)
    shape = _shape(n, len(stores), dt, eff)
    kwh = dt / 1000.0
    cost = np.zeros(shape.columns)
    lower = np.zeros(shape.columns)
    upper = np.full(shape.columns, np.inf)
    grid = shape.grid
    cost[grid : grid + n] = import_price * kwh
    cost[grid + n : grid + 2 * n] = -export_price * kwh
    row_lower = np.full(shape.rows, -np.inf)
    row_upper = np.empty(shape.rows)
    # Balance rows: sum d - sum c + i - e = load - solar; export rows: e - sum d <= solar; store rows:
    # sum d - e <= load.
    row_lower[:n] = row_upper[:n] = load - solar
    row_upper[shape.equalities : shape.equalities + n] = solar
    row_upper[shape.equalities + n :] = load
    cheapest_import = float(np.min(np.maximum(import_price, 0.0))) if n else 0.0
    reasons: dict[int, tuple[Store, int]] = {}
    for index, store in enumerate(stores):
        c, d, s, u = shape.store_columns(index)
        home = np.clip(_ones(store.home, n, 1.0), 0.0, 1.0)
        drain = np.maximum(_ones(store.drain_wh, n, 0.0), 0.0)
        capacity = max(store.capacity_wh, 0.0)
        start = min(max(store.charge_wh, 0.0), capacity)
        floor = min(max(store.floor_wh, 0.0), start) if store.max_discharge_w > 0 else 0.0
        upper[c] = max(store.max_charge_w, 0.0) * home
        upper[d] = max(store.max_discharge_w, 0.0) * home
        lower[s], upper[s] = floor, capacity
        upper[u] = drain
        cost[c] = cost[d] = CYCLING_COST_PER_KWH * kwh
        cost[u] = SHORTFALL_PENALTY_PER_KWH / 1000.0
        cost[s[-1]] -= TERMINAL_VALUE_SHARE * cheapest_import * eff / 1000.0
        # Storage rows: s[t] - s[t-1] - eff dt c + dt/eff d - u = -drain (+ start at t = 0).
        rows = shape.storage_rows(index)
        row_lower[rows] = row_upper[rows] = -drain
        row_lower[rows[0]] += start
        row_upper[rows[0]] += start
        if store.targets:
            reachable = _most_charge(store, n, dt, eff)
            for target in store.targets:
                step = min(max(target.step, 1), n) - 1
                if target.charge_wh > reachable[step] + UNREACHABLE_WH:
                    reasons.setdefault(store.id, (store, step + 1))
                lower[s[step]] = max(lower[s[step]], min(target.charge_wh, reachable[step]))
    solver = _model(shape, family) if reuse else _fresh(shape)
    x = _run(solver, cost, lower, upper, row_lower, row_upper)
    plan = Plan({}, {}, np.zeros(n), 0.0)
    for index, store in enumerate(stores):
        c, d, s, _ = shape.store_columns(index)
        power = x[d] - x[c]
        plan.power_w[store.id] = np.where(np.abs(power) < POWER_DUST_W, 0.0, power)
        plan.charge_wh[store.id] = x[s]
    plan.grid_w = x[grid + n : grid + 2 * n] - x[grid : grid + n]
    for store, step in reasons.values():
        plan.reasons[store.id] = Reason.TARGET_UNREACHABLE
        _full_rate_until(plan, problem, store, step)
    plan.expected_cost = net_cost(plan.grid_w, problem)
    return plan


def _most_charge(store: Store, n: int, dt: float, eff: float) -> np.ndarray:
    """The most a store can hold at the end of each step: charging at full rate whenever it is home.

    Charging at full rate is the most at every step at once, so targets bounded by it are all
    feasible together; a target above it is unreachable.
    """
    home = np.clip(_ones(store.home, n, 1.0), 0.0, 1.0)
    drain = np.maximum(_ones(store.drain_wh, n, 0.0), 0.0)
    gain = max(store.max_charge_w, 0.0) * home * eff * dt
    capacity = max(store.capacity_wh, 0.0)
    level = min(max(store.charge_wh, 0.0), capacity)
    most = np.empty(n)
    for t in range(n):
        level = max(min(level + gain[t] - drain[t], capacity), 0.0)
        most[t] = level
    return most


@dataclass(frozen=True, eq=False)
class _Shape:
    """The program's structure for `steps` steps and `stores` stores: the matrix and where things are.

    Columns: per store [c(n), d(n), s(n), u(n)], then the grid's [i(n), e(n)]. Rows: the balance (n),
    per store its storage (n), then the export (n) and the stores' (n) inequalities. Everything that
    differs between homes (prices, solar, load, rates, charges, targets) is a cost or a bound, so
    one matrix serves every home of the shape.
    """

    steps: int
    stores: int
    matrix: sparse.csc_array

    @property
    def grid(self) -> int:
        return 4 * self.steps * self.stores

    @property
    def columns(self) -> int:
        return self.grid + 2 * self.steps

    @property
    def equalities(self) -> int:
        return (self.stores + 1) * self.steps

    @property
    def rows(self) -> int:
        return self.equalities + 2 * self.steps

    def store_columns(self, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        n = self.steps
        base = 4 * n * index + np.arange(n)
        return base, base + n, base + 2 * n, base + 3 * n

    def storage_rows(self, index: int) -> np.ndarray:
        return (index + 1) * self.steps + np.arange(self.steps)


@cache
def _shape(n: int, k: int, dt: float, eff: float) -> _Shape:
    steps = np.arange(n)
    grid = 4 * n * k
    equalities = (k + 1) * n
    export_rows, store_rows = equalities + steps, equalities + n + steps
    ones = np.ones(n)
    rows, cols, vals = [steps, steps], [grid + steps, grid + n + steps], [ones, -ones]
    rows += [export_rows, store_rows]
    cols += [grid + n + steps, grid + n + steps]
    vals += [ones, -ones]
    for index in range(k):
        base = 4 * n * index
        c, d, s, u = base + steps, base + n + steps, base + 2 * n + steps, base + 3 * n + steps
        r = (index + 1) * n + steps
        rows += [steps, steps, r, r[1:], r, r, r, export_rows, store_rows]
        cols += [d, c, s, s[:-1], c, d, u, d, d]
        vals += [ones, -ones, ones, -ones[1:], -eff * dt * ones, dt / eff * ones, -ones, -ones, ones]
    matrix = sparse.csc_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(equalities + 2 * n, grid + 2 * n),
    )
    matrix.sum_duplicates()
    matrix.sort_indices()
    return _Shape(n, k, matrix)


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


_models = threading.local()
"""Per thread (a Celery worker process has one), the HiGHS model of each shape and family solved
so far, at most MODELS_MAX (the least recently used goes first)."""
MODELS_MAX = 64


@dataclass(eq=False)
class _Model:
    """A HiGHS instance holding a shape's matrix, and the costs and bounds it was last given."""

    highs: highspy.Highs
    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray


def _fresh(shape: _Shape) -> _Model:
    """A HiGHS instance holding the shape's matrix (costs and bounds set per solve, all 0 until then)."""
    matrix = shape.matrix
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = shape.columns, shape.rows
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = (
        np.zeros(shape.columns),
        np.zeros(shape.columns),
        np.zeros(shape.columns),
    )
    lp.row_lower_, lp.row_upper_ = np.zeros(shape.rows), np.zeros(shape.rows)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = matrix.indptr, matrix.indices, matrix.data
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    # Presolve costs more than it saves on a problem this small and this sparse (bench/plan.py).
    highs.setOptionValue("presolve", "off")
    highs.passModel(lp)
    columns, rows = np.zeros(shape.columns), np.zeros(shape.rows)
    return _Model(highs, columns, columns, columns, rows, rows)


def _model(shape: _Shape, family: str) -> _Model:
    """This thread's model of the shape and family, kept with its last basis for the next solve."""
    models: dict[tuple[_Shape, str], _Model] | None = getattr(_models, "by_shape", None)
    if models is None:
        models = _models.by_shape = {}
    key = (shape, family)
    model = models.pop(key, None)
    if model is None:
        if len(models) >= MODELS_MAX:
            del models[next(iter(models))]
        model = _fresh(shape)
    models[key] = model  # the most recently used goes last
    return model


def _changed(*pairs: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The indices where any new array differs from its old one (HiGHS's index type)."""
    differs = np.zeros(len(pairs[0][0]), dtype=bool)
    for new, old in pairs:
        differs |= new != old
    return np.flatnonzero(differs).astype(np.int32)


def _run(
    model: _Model,
    cost: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
) -> np.ndarray:
    """Solve min cost.x, row_lower <= A x <= row_upper, lower <= x <= upper on the model's matrix.

    Only the costs and bounds that differ from the model's last solve are changed: homes of a
    family share most of them (prices, rates, capacities), and each change costs HiGHS time.
    """
    highs = model.highs
    columns = _changed((cost, model.cost))
    if len(columns):
        highs.changeColsCost(len(columns), columns, cost[columns])
    columns = _changed((lower, model.lower), (upper, model.upper))
    if len(columns):
        highs.changeColsBounds(len(columns), columns, lower[columns], upper[columns])
    rows = _changed((row_lower, model.row_lower), (row_upper, model.row_upper))
    if len(rows):
        # highspy 1.x binds changeRowsBounds but its type stub omits it.
        highs.changeRowsBounds(len(rows), rows, row_lower[rows], row_upper[rows])  # type: ignore[attr-defined]
    model.cost, model.lower, model.upper, model.row_lower, model.row_upper = (
        cost,
        lower,
        upper,
        row_lower,
        row_upper,
    )
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        # A basis that led nowhere: solve again from scratch before giving up.
        highs.clearSolver()
        highs.run()
    status = highs.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise PlanError(highs.modelStatusToString(status))
    return np.asarray(highs.getSolution().col_value)


def columns(problem: Problem) -> int:
    """The number of variables of the problem's program."""
    return _shape(problem.steps, len(problem.stores), problem.step_hours, problem.efficiency).columns
