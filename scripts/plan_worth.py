#!/usr/bin/env python3
"""`make realism` (second part): what planning is worth, in whole simulated years (planning.worth).

Writes a table of yearly net cost per home and variant, the share of (b)'s saving that (c) and (d)
achieve, how often the EV met its target, and a plot of one week (prices, plan, what happened).
The report goes to bench/out/realism/plan-worth.md unless PUBLISH=1 (docs/plan-worth.md).
REALISM_DAYS shortens the span; PLAN_WORTH_REPLAN_HOURS re-plans less often (default every hour,
as production does); PLAN_WORTH_PROCESSES runs that many homes at once (default: one per core).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from planning import worth  # noqa: E402

PUBLISH = os.environ.get("PUBLISH", "") == "1"
OUT = ROOT / "docs" if PUBLISH else ROOT / "bench" / "out" / "realism"
DAYS = int(os.environ.get("REALISM_DAYS") or 365)
FIRST = date(2025, 1, 1)
REPLAN_STEPS = 4 * int(os.environ.get("PLAN_WORTH_REPLAN_HOURS") or 1)
PROCESSES = int(os.environ.get("PLAN_WORTH_PROCESSES") or os.cpu_count() or 1)


def _week_plot(name: str, result: worth.Result, path: Path) -> None:
    week = result.trace[: 7 * 96] if len(result.trace) < 200 * 96 else result.trace[180 * 96 : 187 * 96]
    times = [row[0] for row in week]
    figure, (prices, powers) = plt.subplots(2, 1, figsize=(12, 6), sharex=True)
    prices.step(times, [row[1] for row in week], where="post", color="#D55E00")
    prices.set_ylabel("import price / kWh")
    prices.set_title(f"{name}: a week of (c) OPTIMIZED + SMART")
    powers.plot(times, [row[2] / 1000 for row in week], label="battery kW (+ supplies)", color="#009E73")
    powers.plot(times, [row[3] / 1000 for row in week], label="EV kW (- charging)", color="#0072B2")
    powers.plot(times, [row[4] / 1000 for row in week], label="grid kW (+ export)", color="#999999", lw=0.8)
    powers.legend(loc="upper right", fontsize=8)
    powers.set_ylabel("kW")
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def main() -> None:
    began = time.monotonic()
    measured = worth.measure(
        DAYS, FIRST, REPLAN_STEPS, progress=lambda line: print(line, flush=True), processes=PROCESSES
    )
    (OUT / "img").mkdir(parents=True, exist_ok=True)
    end = FIRST + timedelta(days=DAYS - 1)
    lines = [
        "# What planning is worth",
        "",
        f"Simulated {FIRST} to {end} ({DAYS} days) at 15-minute steps, the same weather, load and trips in "
        f"every variant; re-planned every {REPLAN_STEPS // 4} h; written by `make realism` "
        f"(scripts/plan_worth.py, planning/worth.py) in {time.monotonic() - began:.0f} s "
        f"({PROCESSES} processes).",
        "(a) no battery, EV charging on arrival; (b) AUTO + CHARGING; (c) OPTIMIZED + SMART from forecasts; "
        "(d) the same planner with perfect foresight (the bound). In (a) and (b) the car charges to full, in "
        f"(c) and (d) to its target ({worth.TARGET.percent:.0f} % by {worth.TARGET.ready_by:%H:%M}). Goals: "
        f"(c) cheaper than (b), capturing at least {worth.SHARE_GOAL_PERCENT:.0f} % of (d)'s saving over (b),"
        f" the target met on at least {worth.TARGET_GOAL_PERCENT:.0f} % of the days it was feasible.",
        "",
        "| home | (a) | (b) | (c) | (d) | (c) saves vs (b) | share of (d)'s saving | EV target met (c) "
        "| goals |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    images = []
    for name, home in measured.items():
        a, b, c, d = (home.variants[v] for v in "abcd")
        currency = next(h.terms.currency for h in worth.HOMES if h.name == name)
        share = worth.share_of_bound(home)
        met = c.target_met_percent
        missed = worth.missed_goals(home)
        lines.append(
            f"| {name} | {a.net_cost:,.0f} | {b.net_cost:,.0f} | {c.net_cost:,.0f} "
            f"| {d.net_cost:,.0f} {currency} "
            f"| {b.net_cost - c.net_cost:,.0f} | {'-' if share is None else f'{share:.0f} %'} "
            f"| {'-' if met is None else f'{met:.1f} % of {c.target_days} days'} "
            f"| {'met' if not missed else 'missed: ' + '; '.join(missed)} |"
        )
        image = f"img/plan-week-{name.split(',')[0].lower()}.png"
        _week_plot(name, c, OUT / image)
        images.append(f"![{name}]({image})")
    lines += ["", *images, ""]
    lines += [
        "## Day-ahead forecast error",
        "",
        "Each day forecast at local noon the day before (planning.forecast), against what the simulation "
        "then did: normalised mean absolute error of the day's solar energy and of each hour's load. "
        "Published single-site figures for comparison: day-ahead PV forecasts of one system reach a daily "
        "energy nMAE of roughly 15-35 % depending on climate; a single household's hourly load, 30-60 %.",
        "",
        "| home | days | daily solar nMAE | hourly load nMAE |",
        "|---|---|---|---|",
    ]
    for name, home in measured.items():
        error = home.errors
        lines.append(
            f"| {name} | {error.days} | {error.daily_solar_nmae * 100:.0f} % "
            f"| {error.hourly_load_nmae * 100:.0f} % |"
        )
    (OUT / "plan-worth.md").write_text("\n".join(lines) + "\n")
    print(f"Report written to {OUT / 'plan-worth.md'}")


if __name__ == "__main__":
    main()
