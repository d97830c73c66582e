"""One home's plan (no database): the 36-hour linear program at 15-minute steps, solved by HiGHS.

The home is the Berlin commuter home of `make realism` (5 kWp, a 10 kWh OPTIMIZED battery, a SMART
EV with a target of 80 % by 07:00) on a winter evening, with the forecast planning.forecast makes
(warm caches: every home of a place shares them) and a day-ahead-shaped price curve. Timed: the
forecast, building + solving the program (planning.optimiser.solve), and the cost without a plan.
Baseline in the same run: HiGHS solving a one-variable program (the solver's fixed cost per call).
RUNS runs of SOLVES solves each after a warm-up; medians with the spread over runs.
"""

import dataclasses
import os
import statistics
import time
from datetime import UTC, datetime
from datetime import time as clock

import highspy
import numpy as np

from planning import forecast, homeplan, optimiser
from telemetry import realism

RUNS = 3
SOLVES = 200
NOW = datetime(2026, 12, 7, 16, 5, tzinfo=UTC)
BERLIN = dict(latitude=52.52, longitude=13.40, timezone="Europe/Berlin")


def _home():
    battery = dataclasses.replace(realism.home_battery(40), mode="optimized")
    ev = realism.commuter_ev(20, "smart")
    devices = [realism.panel(30, 5_000.0), *realism.flat_in_germany(), battery, ev]
    return devices, {ev.id: homeplan.ChargeTarget(80.0, clock(7, 0))}


def _prices(steps: int) -> homeplan.Prices:
    hours = (np.arange(steps) * 0.25 + 17.0) % 24.0
    curve = (
        0.30 + 0.10 * np.cos(2 * np.pi * (hours - 19.0) / 24.0) - 0.06 * np.exp(-((hours - 13.0) ** 2) / 8)
    )
    return homeplan.Prices(curve, np.full(steps, 0.08), "EUR")


def _timed(call, count: int) -> float:
    began = time.perf_counter()
    for _ in range(count):
        call()
    return (time.perf_counter() - began) / count * 1e3


def _trivial() -> None:
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.addVar(0.0, 1.0)
    highs.changeColCost(0, 1.0)
    highs.run()


def run() -> dict:
    devices, targets = _home()
    steps = homeplan.HORIZON_STEPS
    expected = forecast.forecast(devices, now=NOW, steps=steps, **BERLIN)
    prices = _prices(steps)
    problem = homeplan.problem_of(devices, targets, expected, prices, timezone=BERLIN["timezone"])
    optimiser.solve(problem)  # warm-up
    solve_ms, forecast_ms, baseline_ms, trivial_ms = [], [], [], []
    for _ in range(RUNS):
        solve_ms.append(_timed(lambda: optimiser.solve(problem), SOLVES))
        forecast_ms.append(_timed(lambda: forecast.forecast(devices, now=NOW, steps=steps, **BERLIN), SOLVES))
        baseline_ms.append(_timed(lambda: homeplan.grid_without_plan(problem), SOLVES))
        trivial_ms.append(_timed(_trivial, SOLVES))
    plan = optimiser.solve(problem)

    def summary(values: list[float]) -> dict:
        return {"median_ms": round(statistics.median(values), 3), "runs_ms": [round(v, 3) for v in values]}

    return {
        "conditions": f"{steps} steps of 15 min, battery + SMART EV with a target, {RUNS} runs x {SOLVES}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        "variables": len(problem.stores) * 4 * steps + 2 * steps,
        "solve": summary(solve_ms),
        "forecast_warm": summary(forecast_ms),
        "cost_without_plan": summary(baseline_ms),
        "baseline_trivial_highs_call": summary(trivial_ms),
        "expected_cost_eur": round(plan.expected_cost, 2),
        "expected_cost_without_plan_eur": round(
            optimiser.net_cost(homeplan.grid_without_plan(problem), problem), 2
        ),
    }
