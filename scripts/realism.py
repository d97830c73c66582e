#!/usr/bin/env python3
"""`make realism`: simulate whole years in-process and write a report with PNG plots.

No database: the production physics (telemetry.physics.simulate_household) runs through
telemetry.realism, the same harness as tests/telemetry/test_realism_year.py. Takes about a minute.
The report goes to the git-ignored bench/out/realism/ unless PUBLISH=1, which rewrites the committed
docs/realism.md and docs/img/. REALISM_DAYS shortens every simulated year (the docs tests run a
CI-sized 14 days; the report's figures then describe those days only).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telemetry import climate, realism, solar  # noqa: E402
from telemetry.physics import Category, DeviceState, Kind, Mode  # noqa: E402

PUBLISH = os.environ.get("PUBLISH", "") == "1"
OUT = ROOT / "docs" if PUBLISH else ROOT / "bench" / "out" / "realism"
IMAGES = OUT / "img"
DAYS = int(os.environ.get("REALISM_DAYS") or 365)
YEAR = 2025
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
PANEL, EV, AC, BATTERY = 30, 20, 10, 40


def _save(figure, name: str) -> str:
    figure.tight_layout()
    figure.savefig(IMAGES / name, dpi=90)
    plt.close(figure)
    return f"img/{name}"


def seasonal_profiles() -> str:
    """Mean output per kWp by local solar hour, for a week around each solstice and equinox."""
    figure, axes = plt.subplots(2, 3, figsize=(12, 6), sharey=True)
    weeks = {
        "Mar equinox": date(YEAR, 3, 17),
        "Jun solstice": date(YEAR, 6, 18),
        "Sep equinox": date(YEAR, 9, 19),
        "Dec solstice": date(YEAR, 12, 18),
    }
    hours = [(i + 0.5) / 12 for i in range(288)]
    for axis, where in zip(axes.flat, realism.CITIES, strict=True):
        azimuth = solar.default_azimuth_degrees(where.latitude)
        for label, first in weeks.items():
            days = solar.panel_days(where.latitude, where.longitude, 30.0, azimuth, first.toordinal(), 7)
            mean = [sum(d.values[i] for d in days) / len(days) * 1000 for i in range(288)]
            axis.plot(hours, mean, label=label)
        axis.set_title(where.name)
        axis.set_xlim(0, 24)
        axis.set_xticks(range(0, 25, 6))
        axis.set_xlabel("local solar time (h)")
    axes[0][0].set_ylabel("W per kWp (week mean)")
    axes[1][0].set_ylabel("W per kWp (week mean)")
    axes[0][0].legend(fontsize=8)
    return _save(figure, "realism-seasonal-profiles.png")


def monthly_yields(years: dict[str, realism.Year]) -> str:
    figure, axes = plt.subplots(2, 3, figsize=(12, 6), sharey=True)
    for axis, where in zip(axes.flat, realism.CITIES, strict=True):
        simulated = [years[where.name].device_month_wh[(PANEL, m)] / 1000 for m in range(1, 13)]
        station = climate.nearest_station(where.latitude, where.longitude)
        days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        ghi = [g * n for g, n in zip(station.ghi_kwh_m2_day, days, strict=True)]
        axis.bar(range(12), simulated, color="#f2a900", label="simulated kWh/kWp")
        axis.plot(range(12), ghi, "k.-", label="reference GHI kWh/m² (climate table)")
        low, high = where.yield_kwh_per_kwp
        axis.set_title(f"{where.name}: {sum(simulated):,.0f} kWh/kWp (ref. {low:,.0f}-{high:,.0f})")
        axis.set_xticks(range(12), [m[0] for m in MONTHS])
    axes[0][0].legend(fontsize=8)
    return _save(figure, "realism-monthly-yields.png")


def ev_week(trace) -> str:
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(12, 5), sharex=True)
    times = [at for at, _ in trace]
    top.plot(times, [o[0].charge_wh / 600 for _, o in trace], color="#3a7d44")
    top.set_ylabel("charge %")
    bottom.plot(times, [-o[0].power_w / 1000 for _, o in trace], color="#1f77b4", label="charging kW")
    away = [0 if o[0].plugged_in else 1 for _, o in trace]
    bottom.fill_between(
        times, 0, [a * 7.4 for a in away], color="#cccccc", alpha=0.6, label="away (not plugged in)"
    )
    bottom.set_ylabel("kW")
    bottom.legend(fontsize=8, loc="upper right")
    top.set_title("A commuter EV's week in Berlin (CHARGING mode, 7.4 kW wallbox, 60 kWh)")
    return _save(figure, "realism-ev-week.png")


def home_week(trace, devices) -> str:
    kinds = {d.id: d.kind for d in devices}
    times = [at for at, _ in trace]

    def series(kind, sign=1.0):
        return [sign * sum(o.power_w for o in outs if kinds[o.device_id] == kind) / 1000 for _, outs in trace]

    figure, axis = plt.subplots(figsize=(12, 4.5))
    axis.plot(times, series(Kind.SOLAR_PANEL), color="#f2a900", label="solar")
    axis.plot(times, series(Kind.APPLIANCE, -1.0), color="#d62728", label="appliances (load)")
    axis.plot(times, series(Kind.BATTERY), color="#3a7d44", label="battery (+ discharging)")
    axis.plot(times, series(Kind.ELECTRIC_VEHICLE), color="#1f77b4", label="EV (- charging)")
    net = [sum(o.power_w for o in outs) / 1000 for _, outs in trace]
    axis.plot(times, [-n for n in net], color="#555555", lw=0.8, label="grid (+ import)")
    axis.axhline(0, color="black", lw=0.5)
    axis.set_ylabel("kW")
    axis.legend(fontsize=8, ncol=5, loc="upper left")
    axis.set_title("A Berlin home's week in June: 5 kWp, 10 kWh battery (AUTO), EV in SOLAR mode")
    return _save(figure, "realism-home-week.png")


def _ratio(part: float, whole: float) -> str:
    return f"{part / whole:.2f}" if whole else "n/a"


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    years = {
        c.name: realism.simulate(c, [realism.panel(PANEL)], days=DAYS, step_s=3600) for c in realism.CITIES
    }
    berlin_devices = [
        *realism.flat_in_germany(),
        DeviceState(AC, Kind.APPLIANCE, average_power_w=3_000.0, category=Category.AIR_CONDITIONER),
        realism.commuter_ev(EV),
    ]
    berlin = realism.simulate(realism.city("Berlin"), berlin_devices, days=DAYS, step_s=900)
    austin_devices = [*realism.house_in_the_us(), realism.commuter_ev(EV)]
    austin = realism.simulate(realism.city("Austin"), austin_devices, days=DAYS, step_s=900)
    heat_pump = [DeviceState(1, Kind.APPLIANCE, average_power_w=3_000.0, category=Category.HEATING)]
    heating = {
        n: realism.simulate(realism.city(n), heat_pump, days=DAYS, step_s=900).kwh(1)
        for n in ("Berlin", "Oslo", "Madrid")
    }

    ticks = {}
    for step in (60, 300, 900):
        year = realism.simulate(
            realism.city("Austin"),
            [*austin_devices, realism.panel(PANEL, 5_000.0)],
            first=date(YEAR, 7, 7),
            days=7,
            step_s=step,
        )
        ticks[step] = (
            year.import_wh / 7000,
            year.export_wh / 7000,
            -sum(year.device_wh[d.id] for d in austin_devices[:-1]) / 7000,
        )

    ev_trace = []
    realism.simulate(
        realism.city("Berlin"),
        [realism.commuter_ev(EV)],
        first=date(YEAR, 3, 3),
        days=7,
        step_s=300,
        seed="realism",
        trace=ev_trace,
    )
    home_devices = [
        *realism.flat_in_germany(),
        realism.panel(PANEL, 5_000.0),
        realism.home_battery(BATTERY),
        realism.commuter_ev(EV, Mode.SOLAR),
    ]
    home_trace = []
    realism.simulate(
        realism.city("Berlin"), home_devices, first=date(YEAR, 6, 9), days=7, step_s=300, trace=home_trace
    )
    images = {
        "profiles": seasonal_profiles(),
        "yields": monthly_yields(years),
        "ev": ev_week(ev_trace),
        "home": home_week(home_trace, home_devices),
    }
    elapsed = time.perf_counter() - started

    flat = sum(-berlin.kwh(d.id) for d in realism.flat_in_germany())
    flat_label = "Two-person flat in Berlin (fridge, dishwasher, washer, oven, lighting, base load)"
    ev_berlin = f"{-berlin.kwh(EV):,.0f} kWh/yr ({berlin.trip_wh[EV] / 1000:,.0f} kWh driven)"
    heat = " / ".join(f"{-heating[n]:,.0f}" for n in ("Berlin", "Oslo", "Madrid"))
    house = sum(-austin.kwh(d.id) for d in realism.house_in_the_us())
    rows = "\n".join(
        f"| {c.name} | {c.latitude:.2f}, {c.longitude:.2f} | {years[c.name].kwh(PANEL):,.0f} | "
        f"{c.yield_kwh_per_kwp[0]:,.0f}-{c.yield_kwh_per_kwp[1]:,.0f} | "
        f"{_ratio(years[c.name].device_month_wh[(PANEL, 12)], years[c.name].device_month_wh[(PANEL, 6)])} |"
        for c in realism.CITIES
    )
    tick_rows = "\n".join(
        f"| {step} s | {i:.2f} | {e:.2f} | {load:.2f} |" for step, (i, e, load) in ticks.items()
    )
    span = f"simulated year {YEAR}" if DAYS >= 365 else f"the first {DAYS} days of {YEAR} (REALISM_DAYS)"
    text = f"""# Realism report

Generated by `make realism` (scripts/realism.py) on {span}, in-process through the
production tick function `telemetry.physics.simulate_household`; {elapsed:.0f} s on the build machine.
The same figures are asserted by `tests/telemetry/test_realism_year.py`. Model and sources:
[energy-model.md](energy-model.md).

## Solar: specific yield, 30° tilt facing the equator

| City | Location | Simulated kWh/kWp/yr | Reference (PVGIS-like) | Dec / Jun |
|---|---|---|---|---|
{rows}

![Monthly yields]({images["yields"]})

Daily profiles by season (mean of a week around each solstice and equinox, weather included):

![Seasonal profiles]({images["profiles"]})

## Homes, cars and climate loads (15-minute ticks)

| What | Simulated | Reference |
|---|---|---|
| {flat_label} | {flat:,.0f} kWh/yr | 2,500-3,500 kWh/yr |
| US house in Austin (central air, water heater, dryer, ...) | {house / 365:.1f} kWh/day | 25-35 kWh/day |
| Commuter EV charging at home, Berlin | {ev_berlin} | 2,000-4,000 kWh/yr |
| Commuter EV charging at home, Austin | {-austin.kwh(EV):,.0f} kWh/yr | 2,000-4,000 kWh/yr |
| 3 kW air conditioner, Berlin | {-berlin.kwh(AC):,.0f} kWh/yr | <= 200 kWh/yr |
| 3 kW central air, Austin | {-austin.kwh(1):,.0f} kWh/yr | >= 3,000 kWh/yr |
| 3 kW heat pump (electric input), Berlin / Oslo / Madrid | {heat} kWh/yr | Oslo > Berlin > Madrid |

![An EV's week]({images["ev"]})

![A home's week]({images["home"]})

## Tick length

The Austin house with a 5 kWp panel and a commuter EV, one July week, mean kWh per day:

| Tick | Grid import | Grid export | Appliances |
|---|---|---|---|
{tick_rows}
"""
    (OUT / "realism.md").write_text(text, encoding="utf-8")
    print(f"wrote {(OUT / 'realism.md').relative_to(ROOT)} and {len(images)} plots in {elapsed:.0f} s")


if __name__ == "__main__":
    main()
