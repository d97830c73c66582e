"""One home's plan (no database): the 36-hour linear program at 15-minute steps, solved by HiGHS.

The home is the Berlin commuter home of `make realism` (5 kWp, a 10 kWh OPTIMIZED battery, a SMART
EV with a target of 80 % by 07:00), planned as HOMES different households would be: at successive
quarter-hours of a winter evening, each with its own charges and its own day-ahead-shaped price
curve, with the forecast planning.forecast makes (warm caches: every home of a place shares them).
Timed, each over the HOMES problems in turn:

- `solve`: building + solving the program as production does (planning.optimiser.solve): the
  shape's matrix built once, the thread's HiGHS model reused, only costs and bounds changed, the
  solve warm-started from the previous home's basis;
- `solve_fresh`: the same program on a fresh HiGHS model every time, solved from scratch (the path
  before the model was reused); `fresh_over_reused` is the ratio of the two medians;
- the forecast, the cost without a plan, and HiGHS solving a one-variable program (its fixed cost).

RUNS runs of SOLVES solves each after a warm-up; medians with the spread (min, max) over runs.
"""

import dataclasses
import os
import statistics
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock

import highspy
import numpy as np

from planning import forecast, homeplan, optimiser
from telemetry import realism

RUNS = 3
SOLVES = 200
HOMES = 20
NOW = datetime(2026, 12, 7, 16, 5, tzinfo=UTC)
BERLIN = dict(latitude=52.52, longitude=13.40, timezone="Europe/Berlin")


def _home(number: int):
    share = (number * 7 % HOMES) / HOMES
    battery = dataclasses.replace(
        realism.home_battery(40), mode="optimized", charge_wh=1_000.0 + 8_000.0 * share
    )
    ev = dataclasses.replace(realism.commuter_ev(20, "smart"), charge_wh=10_000.0 + 40_000.0 * (1 - share))
    devices = [realism.panel(30, 5_000.0), *realism.flat_in_germany(), battery, ev]
    return devices, {ev.id: homeplan.ChargeTarget(80.0, clock(7, 0))}


def _prices(steps: int, number: int) -> homeplan.Prices:
    hours = (np.arange(steps) * 0.25 + 17.0 + number * 0.25) % 24.0
    peak = 19.0 + (number % 3) * 0.5
    curve = (
        0.30 + 0.10 * np.cos(2 * np.pi * (hours - peak) / 24.0) - 0.06 * np.exp(-((hours - 13.0) ** 2) / 8)
    )
    return homeplan.Prices(curve, np.full(steps, 0.08), "EUR")


def problems() -> list[optimiser.Problem]:
    """HOMES different homes' programs, as a chunk of the fleet would plan them."""
    made = []
    for number in range(HOMES):
        devices, targets = _home(number)
        now = NOW + timedelta(minutes=15 * number)
        expected = forecast.forecast(devices, now=now, steps=homeplan.HORIZON_STEPS, **BERLIN)
        prices = _prices(homeplan.HORIZON_STEPS, number)
        made.append(homeplan.problem_of(devices, targets, expected, prices, timezone=BERLIN["timezone"]))
    return made


def _timed(call, count: int) -> float:
    began = time.perf_counter()
    for number in range(count):
        call(number)
    return (time.perf_counter() - began) / count * 1e3


def _trivial(_number: int) -> None:
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.addVar(0.0, 1.0)
    highs.changeColCost(0, 1.0)
    highs.run()


def summary(values: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(values), 3),
        "min_ms": round(min(values), 3),
        "max_ms": round(max(values), 3),
        "runs_ms": [round(v, 3) for v in values],
    }


def run() -> dict:
    programs = problems()
    first = programs[0]
    devices, _ = _home(0)
    steps = homeplan.HORIZON_STEPS
    for problem in programs:  # warm-up
        optimiser.solve(problem)
    reused, fresh, forecast_ms, baseline_ms, trivial_ms = [], [], [], [], []
    load_before = os.getloadavg()[0]
    for _ in range(RUNS):
        reused.append(_timed(lambda i: optimiser.solve(programs[i % HOMES]), SOLVES))
        fresh.append(_timed(lambda i: optimiser.solve(programs[i % HOMES], reuse=False), SOLVES))
        forecast_ms.append(
            _timed(lambda i: forecast.forecast(devices, now=NOW, steps=steps, **BERLIN), SOLVES)
        )
        baseline_ms.append(_timed(lambda i: homeplan.grid_without_plan(programs[i % HOMES]), SOLVES))
        trivial_ms.append(_timed(_trivial, SOLVES))
    plan = optimiser.solve(first)
    return {
        "conditions": f"{steps} steps of 15 min, battery + SMART EV with a target, {HOMES} different homes "
        f"in turn, {RUNS} runs x {SOLVES}; load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores",
        "variables": optimiser.columns(first),
        "solve": summary(reused),
        "solve_fresh": summary(fresh),
        "fresh_over_reused": round(statistics.median(fresh) / statistics.median(reused), 2),
        "forecast_warm": summary(forecast_ms),
        "cost_without_plan": summary(baseline_ms),
        "baseline_trivial_highs_call": summary(trivial_ms),
        "expected_cost_eur": round(plan.expected_cost, 2),
        "expected_cost_without_plan_eur": round(
            optimiser.net_cost(homeplan.grid_without_plan(first), first), 2
        ),
    }
