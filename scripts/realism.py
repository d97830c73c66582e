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
import numpy as np

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


def real_weather(comparisons: list[realism.Comparison]) -> str:
    """Per typical-year site: daily-yield CDFs by season, monthly yields, hourly kc, temperature."""
    figure, axes = plt.subplots(len(comparisons), 4, figsize=(16, 3.6 * len(comparisons)), squeeze=False)
    for row, comparison in zip(axes, comparisons, strict=True):
        real, model = comparison.real, comparison.model
        months = np.array([d.month for d in real.days])
        for season, numbers in realism.SEASONS.items():
            chosen = np.isin(months, numbers)
            for year, style in ((real, "-"), (model, "--")):
                values = np.sort(year.yield_kwh[chosen])
                row[0].plot(
                    values,
                    np.linspace(0, 1, len(values)),
                    style,
                    label=f"{season} {'real' if year is real else 'model'}",
                )
        row[0].set_title(f"{comparison.site.name}: daily yield CDF")
        row[0].set_xlabel("kWh/kWp per day")
        row[0].legend(fontsize=6, ncol=2)
        for year, offset, label in ((real, -0.2, "real file"), (model, 0.2, "model")):
            monthly = [year.yield_kwh[months == m].sum() for m in range(1, 13)]
            row[1].bar(np.arange(12) + offset, monthly, width=0.4, label=label)
        row[1].set_xticks(range(12), [m[0] for m in MONTHS])
        row[1].set_title("monthly kWh/kWp")
        row[1].legend(fontsize=7)
        bins = np.linspace(0, 1.5, 31)
        row[2].hist([real.hourly_kc, model.hourly_kc], bins=bins, density=True, label=["real file", "model"])
        row[2].set_title("hourly clear-sky index (daylight)")
        row[2].legend(fontsize=7)
        row[3].plot(real.temperature_c, lw=0.8, label="real file")
        row[3].plot(model.temperature_c, lw=0.8, label="model")
        row[3].set_title("daily mean temperature °C")
        row[3].legend(fontsize=7)
    return _save(figure, "realism-real-weather.png")


def load_profiles(fleet, h0) -> str:
    """The fleet's mean 15-minute load against BDEW H0, per season and day type (both scaled to mean 1)."""
    figure, axes = plt.subplots(3, 3, figsize=(14, 9), sharex=True, sharey=True)
    overall = np.mean([profile.mean() for profile in fleet.values()])
    hours = (np.arange(96) + 0.5) / 4
    for i, season in enumerate(realism.H0_SEASONS):
        for j, day_type in enumerate(realism.DAY_TYPES):
            axis = axes[i][j]
            axis.plot(hours, h0[(season, day_type)], color="black", label="BDEW H25 (demandlib)")
            axis.plot(hours, fleet[(season, day_type)] / overall, color="#d62728", label="simulated flats")
            axis.set_title(f"{season}, {day_type}")
            axis.set_xticks(range(0, 25, 6))
    axes[0][0].legend(fontsize=8)
    return _save(figure, "realism-h0.png")


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
    quick = DAYS < 365
    sites = realism.TYPICAL_YEARS[:1] if quick else realism.TYPICAL_YEARS
    comparisons = [realism.compare(site) for site in sites]
    scatters = [realism.self_scatter(site) for site in sites]
    spreads = [v for site in sites for v in realism.spread_given_the_month(site).values()]
    fleet_homes, fleet_every = (6, 11) if quick else (100, 3)
    fleet = realism.fleet_profiles(
        realism.city("Berlin"),
        realism.flat_in_germany(),
        fleet_homes,
        realism.sample_days(YEAR, fleet_every),
    )
    matches, winter_over_summer, h0_winter_over_summer = realism.h0_comparison(fleet)
    spread_homes, spread_every = (20, 91) if quick else (100, 7)
    spread = realism.yearly_kwh_by_home(
        realism.city("Berlin"), realism.flat_in_germany(), spread_homes, spread_every
    )
    idle_car = realism.simulate(
        realism.city("Berlin"), [realism.commuter_ev(EV, Mode.IDLE)], days=DAYS, step_s=900
    )
    images = {
        "real": real_weather(comparisons),
        "h0": load_profiles(fleet, realism.h0_profiles()),
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
    site_rows = "\n".join(
        f"| {c.site.name} | {c.yearly_ratio:.3f} | {c.monthly_mae:.1%} | "
        + " / ".join(f"{c.ks_by_season[season]:.2f}" for season in realism.SEASONS)
        + f" | {c.hours_above_105:.1%} ({c.real_hours_above_105:.1%}) | {c.lag1:.2f} ({c.real_lag1:.2f}) |"
        for c in comparisons
    )
    median_ks = float(np.median([v for c in comparisons for v in c.ks_by_season.values()]))
    scatter_rows = "\n".join(
        f"| {c.site.name} | {s.monthly_mae:.1%} | "
        + " / ".join(f"{s.ks_by_season[season]:.2f}" for season in realism.SEASONS)
        + " |"
        for c, s in zip(comparisons, scatters, strict=True)
    )
    median_scatter = float(np.median([v for s in scatters for v in s.ks_by_season.values()]))
    spread_range, spread_median = f"{min(spreads):.2f}-{max(spreads):.2f}", float(np.median(spreads))
    profile_rows = "\n".join(
        f"| {season} | {day_type} | {m.pearson_r:.3f} | {m.peak_to_mean:.2f} | {m.h0_peak_to_mean:.2f} | "
        f"{m.peak_to_mean / m.h0_peak_to_mean:.2f} |"
        for (season, day_type), m in sorted(matches.items())
    )
    spread_cv = spread.std() / spread.mean()
    car_driven, car_away = idle_car.trip_wh[EV] / 1000, idle_car.charged_away_wh[EV] / 1000
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

## Against real weather (pvlib's typical-year files, same PV chain)

The file's hourly GHI becomes a clear-sky index on the model's clear sky and runs through the same
transposition, cell temperature and inverter as the model's weather at the same place
(`telemetry.realism.compare`). Targets: yearly ratio within 1 ± 0.07, monthly MAE <= 10 %, KS of daily
yield <= 0.2 per season (median <= 0.12), hours above kc 1.05 within 0.5-5 %, lag-1 within ± 0.1.

| Site | Model / real | Monthly MAE | KS DJF / MAM / JJA / SON | Hours kc > 1.05 (real) | Lag-1 kc (real) |
|---|---|---|---|---|---|
{site_rows}

Median KS over sites and seasons: {median_ks:.2f}.

How far the model's year {YEAR} is from its own year {YEAR + 1} at the same place (the same climate,
other weather: the chance part of the figures above; each month keeps its climate's mean, so the
chance is in how its days fall):

| Site | Monthly MAE | KS DJF / MAM / JJA / SON |
|---|---|---|
{scatter_rows}

Median KS: {median_scatter:.2f}. The rest of the gap is the monthly clearness the model is calibrated on
(telemetry/climate.py's stations, typed in at about ± 10 %): given each site's own monthly mean
clearness, the same sky gives the seasons' daily kc a KS of {spread_range} (median {spread_median:.2f};
`realism.spread_given_the_month`, tested; the model itself must not be fitted to these files).

![Real weather]({images["real"]})

## Against the standard load profile (BDEW H25 via demandlib)

{fleet_homes} simulated Berlin flats (the same devices; each home its own size, routine and stock), every
{fleet_every}th day of {YEAR}, mean 15-minute appliance load per season and day type (public holidays
count as Sundays). Targets: r >= 0.85 everywhere, peak/mean within ± 20 % of H0's, winter/summer 1.2-1.4.

| Season | Day type | Pearson r | Peak/mean | H0 peak/mean | Ratio |
|---|---|---|---|---|---|
{profile_rows}

Winter/summer kWh per day: {winter_over_summer:.2f} (H0: {h0_winter_over_summer:.2f}).

![Load profiles]({images["h0"]})

Yearly kWh of {spread_homes} flats with the same devices: mean {spread.mean():,.0f}, CV {spread_cv:.0%}
(target 20-40 %), from {spread.min():,.0f} to {spread.max():,.0f} kWh.

## EV energy

An IDLE commuter car in Berlin (never charged at home): drove {car_driven:,.0f} kWh, all of it charged
away from home ({car_away:,.0f} kWh `chargedAwayWh`); driven = home charging x 0.95 + away charging -
change in charge, exactly (tests/telemetry/test_physics.py, tests/reporting/test_ev_history.py).

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
