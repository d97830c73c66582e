"""What planning is worth: whole simulated years of one home under four ways of running its stores.

No database: the production physics (telemetry.physics.simulate_household) at 15-minute steps,
stores carrying their charge, the tariffs' own price model (tariffs.market, tariffs.terms), and for
the planned variants the production planner (planning.forecast, planning.homeplan) and the tick's
rule for following a plan (telemetry.plans.followed). The same weather, load and trips in every
variant (the same seed):

- (a) no battery; the EV charges from the moment it is plugged in (CHARGING);
- (b) the battery in AUTO; the EV charges on arrival;
- (c) the battery OPTIMIZED and the EV SMART, re-planned every REPLAN_STEPS from the forecast and
  the prices known then (receding horizon);
- (d) as (c) with perfect foresight: the realised solar, load, trips and every future price (the
  bound no forecast can beat).

Each variant's yearly net cost is import cost - export revenue at the tariff's prices; for (c) and
(d) also the share of the days the EV reached its target by its time among those it could have
(plugged in long enough to reach it at full rate).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import django
import numpy as np

from planning import forecast, homeplan
from tariffs import market
from tariffs.terms import TariffKind, Terms, Window
from tariffs.zones import ZONES
from telemetry import appliances, realism
from telemetry.flows import Node, kind_node
from telemetry.physics import STORAGE_EFFICIENCY, DeviceState, simulate_household
from telemetry.plans import PlannedStep, followed

STEP_S = forecast.STEP_S
REPLAN_STEPS = 4
"""Re-plan every hour (the beat's rule: no plan older than an hour)."""
SEED = "worth"
PANEL, BATTERY, EV = 30, 40, 20
TARGET = homeplan.ChargeTarget(80.0, time(6, 30))


@dataclass(frozen=True)
class Home:
    name: str
    city: realism.City
    devices: tuple[DeviceState, ...]
    terms: Terms


def _tou(currency: str, base: str, export: str, windows: Sequence[tuple[str, str, str]]) -> Terms:
    every_day = (1, 2, 3, 4, 5, 6, 7)
    parsed = tuple(
        Window(every_day, _minute(start), _minute(end), Decimal(price)) for start, end, price in windows
    )
    return Terms(TariffKind.TIME_OF_USE, currency, Decimal(base), Decimal(export), parsed)


def _minute(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _stores(appliance_devices: list[DeviceState], panel_w: float) -> tuple[DeviceState, ...]:
    return (
        realism.panel(PANEL, panel_w),
        *appliance_devices,
        realism.home_battery(BATTERY),
        realism.commuter_ev(EV, "charging"),
    )


HOMES = (
    Home(
        "Berlin, DYNAMIC (DE-LU)",
        realism.city("Berlin"),
        _stores(realism.flat_in_germany(), 5_000.0),
        Terms(TariffKind.DYNAMIC, "EUR", Decimal("0.2200"), Decimal("0.0786"), (), "DE-LU"),
    ),
    Home(
        "Austin, TIME_OF_USE",
        realism.city("Austin"),
        _stores(realism.house_in_the_us(), 7_000.0),
        _tou("USD", "0.1200", "0.0500", [("14:00", "20:00", "0.3200"), ("23:00", "24:00", "0.0700")]),
    ),
    Home(
        "Sydney, TIME_OF_USE, low feed-in",
        realism.city("Sydney"),
        _stores(realism.house_in_the_us(), 6_600.0),
        _tou("AUD", "0.3000", "0.0300", [("15:00", "21:00", "0.5500"), ("00:00", "07:00", "0.2000")]),
    ),
)


@dataclass
class Result:
    net_cost: float = 0.0
    import_kwh: float = 0.0
    export_kwh: float = 0.0
    target_days: int = 0
    target_days_met: int = 0
    trace: list[tuple[datetime, float, float, float, float, float]] = field(default_factory=list)
    """(instant, import price, battery W, EV W, grid W, EV charge Wh) per step, for the plot."""

    @property
    def target_met_percent(self) -> float | None:
        return 100.0 * self.target_days_met / self.target_days if self.target_days else None


# --- prices ------------------------------------------------------------------------------------


def _market_per_mwh(zone_code: str, instants: Sequence[datetime]) -> np.ndarray:
    zone = ZONES[zone_code]
    found: dict[datetime, float] = {}
    for day in sorted({market.market_day(zone, at) for at in instants}):
        for interval in market.day_prices(zone_code, day):
            at = interval.start
            while at < interval.end:
                found[at] = float(interval.price_per_mwh)
                at += timedelta(seconds=STEP_S)
    return np.asarray([found.get(at.astimezone(UTC), np.nan) for at in instants])


def prices(terms: Terms, tz: ZoneInfo, instants: Sequence[datetime]) -> tuple[np.ndarray, np.ndarray]:
    """Import and export price per kWh at each instant (the tariff's rules, the market's prices)."""
    exports = np.full(len(instants), float(terms.export_per_kwh))
    if terms.kind == TariffKind.DYNAMIC and terms.market_zone:
        per_mwh = _market_per_mwh(terms.market_zone, instants)
        return per_mwh / 1000.0 + float(terms.import_per_kwh), exports
    imports = np.asarray([float(terms.import_price(at.astimezone(tz))) for at in instants])
    return imports, exports


def _known_prices(home: Home, instants: Sequence[datetime], all_imports: np.ndarray, index: int, steps: int):
    """The import prices a plan made at instants[index] may use: published market days, then the
    same step a day earlier (planning.prices' rule)."""
    window = all_imports[index : index + steps].copy()
    if home.terms.kind != TariffKind.DYNAMIC or not home.terms.market_zone:
        return window
    zone = ZONES[home.terms.market_zone]
    now = instants[index]
    today = market.market_day(zone, now)
    tomorrow = today + timedelta(days=1)
    last = tomorrow if market.publication_instant(zone, tomorrow) <= now else today
    until = market.day_start(zone, last + timedelta(days=1))
    per_day = 86_400 // STEP_S
    for offset in range(len(window)):
        if instants[index + offset] >= until:
            window[offset] = (
                window[offset - per_day] if offset >= per_day else all_imports[index + offset - per_day]
            )
    return window


# --- the realised world, for perfect foresight and the target's feasibility ----------------------


@dataclass(frozen=True)
class World:
    solar_w: np.ndarray
    load_w: np.ndarray
    home: np.ndarray
    drain_wh: np.ndarray


def realised(home: Home, instants: Sequence[datetime]) -> World:
    """What actually happens: the physics' solar and load, and the car's trips, per step."""
    fixed = [d for d in home.devices if kind_node(d.kind) in (Node.SOLAR, Node.HOME)]
    solar, load = [], []
    for at in instants:
        outcomes = simulate_household(
            fixed,
            local_time=at,
            dt_hours=STEP_S / 3600.0,
            seed=SEED,
            latitude=home.city.latitude,
            longitude=home.city.longitude,
        )
        solar.append(sum(o.power_w for o in outcomes if o.power_w > 0))
        load.append(-sum(o.power_w for o in outcomes if o.power_w < 0))
    tz = ZoneInfo(home.city.timezone)
    first, last = instants[0].date().toordinal(), instants[-1].date().toordinal() + 1
    away = np.concatenate(
        [np.asarray(appliances.trips(SEED, EV, o).away.values) for o in range(first, last + 1)]
    )
    drain = np.concatenate(
        [np.asarray(appliances.trips(SEED, EV, o).drain_w.values) for o in range(first, last + 1)]
    )
    starts = np.asarray([at.timestamp() for at in instants])
    offsets = forecast._wall_offsets([at.astimezone(UTC) for at in instants], tz)
    return World(
        np.asarray(solar),
        np.asarray(load),
        1.0 - forecast._step_means(away, first, starts, offsets),
        forecast._step_means(drain, first, starts, offsets) * STEP_S / 3600.0,
    )


# --- one variant over the span ---------------------------------------------------------------------


def _variant_devices(home: Home, variant: str) -> list[DeviceState]:
    devices = []
    for device in home.devices:
        if device.id == BATTERY:
            if variant == "a":
                continue
            device = dataclasses.replace(device, mode="auto" if variant == "b" else "optimized")
        elif device.id == EV:
            device = dataclasses.replace(device, mode="charging" if variant in ("a", "b") else "smart")
        devices.append(device)
    return devices


def _plan(
    home: Home,
    variant: str,
    devices: list[DeviceState],
    instants: Sequence[datetime],
    index: int,
    imports: np.ndarray,
    exports: np.ndarray,
    world: World,
) -> dict[int, np.ndarray] | None:
    steps = min(homeplan.HORIZON_STEPS, len(instants) - index)
    if steps < 2:
        return None
    now = instants[index].astimezone(UTC)
    expected = forecast.forecast(
        devices,
        latitude=home.city.latitude,
        longitude=home.city.longitude,
        timezone=home.city.timezone,
        now=now,
        steps=steps,
    )
    window = slice(index, index + steps)
    if variant == "d":
        expected = forecast.Forecast(
            expected.start,
            STEP_S,
            world.solar_w[window],
            world.load_w[window],
            {EV: forecast.VehicleForecast(world.home[window], world.drain_wh[window])},
        )
        known = imports[window]
    else:
        known = _known_prices(home, instants, imports, index, steps)
    series = homeplan.Prices(known, exports[window], home.terms.currency)
    made = homeplan.home_plan(devices, {EV: TARGET}, expected, series, timezone=home.city.timezone)
    grid = made.plan.grid_w
    return {device_id: np.stack([power, grid]) for device_id, power in made.plan.power_w.items()}


def run(
    home: Home,
    variant: str,
    first: date,
    days: int,
    world: World | None = None,
    replan_steps: int = REPLAN_STEPS,
) -> Result:
    """One variant of one home over `days` days from `first` (local midnight), re-planned every
    `replan_steps` steps in (c) and (d)."""
    instants = realism.instants(home.city.timezone, first, days, STEP_S)
    tz = ZoneInfo(home.city.timezone)
    imports, exports = prices(home.terms, tz, instants)
    if variant in ("c", "d") and world is None:
        world = realised(home, instants)
    devices = _variant_devices(home, variant)
    result = Result()
    plan: dict[int, np.ndarray] | None = None
    plan_at = 0
    dt = STEP_S / 3600.0
    capacity = next(d.capacity_wh for d in devices if d.id == EV) or 0.0
    target_wh = capacity * TARGET.percent / 100.0
    for index, at in enumerate(instants):
        if variant in ("c", "d") and index % replan_steps == 0:
            assert world is not None
            plan, plan_at = _plan(home, variant, devices, instants, index, imports, exports, world), index
        steps: dict[int, PlannedStep] = {}
        if plan is not None:
            for device_id, series in plan.items():
                offset = index - plan_at
                if offset < series.shape[1]:
                    steps[device_id] = PlannedStep(float(series[0, offset]), float(series[1, offset]))
        outcomes = simulate_household(
            followed(devices, steps),
            local_time=at,
            dt_hours=dt,
            seed=SEED,
            latitude=home.city.latitude,
            longitude=home.city.longitude,
        )
        net = sum(o.power_w for o in outcomes)
        result.import_kwh += max(-net, 0.0) * dt / 1000.0
        result.export_kwh += max(net, 0.0) * dt / 1000.0
        result.net_cost += (
            max(-net, 0.0) * dt / 1000.0 * imports[index] - max(net, 0.0) * dt / 1000.0 * exports[index]
        )
        power = {o.device_id: o.power_w for o in outcomes}
        devices = [
            dataclasses.replace(d, charge_wh=o.charge_wh) if o.charge_wh is not None else d
            for d, o in zip(devices, outcomes, strict=True)
        ]
        ev_charge = next(d.charge_wh for d in devices if d.id == EV) or 0.0
        result.trace.append(
            (at, float(imports[index]), power.get(BATTERY, 0.0), power.get(EV, 0.0), net, ev_charge)
        )
        ready = at.astimezone(tz) + timedelta(seconds=STEP_S)
        if world is not None and ready.time() == TARGET.ready_by:
            _count_target(result, world, index, target_wh, devices)
    return result


def _count_target(
    result: Result, world: World, index: int, target_wh: float, devices: list[DeviceState]
) -> None:
    """At a readyBy: was the target reachable (home long enough from its arrival), and reached?"""
    ev = next(d for d in devices if d.id == EV)
    arrival = index
    while arrival > 0 and world.home[arrival - 1] >= 0.999:
        arrival -= 1
    charge_at_arrival = result.trace[arrival - 1][5] if arrival > 0 else (ev.charge_wh or 0.0)
    hours = (index + 1 - arrival) * STEP_S / 3600.0
    reachable = charge_at_arrival + (ev.max_charge_rate_w or 0.0) * STORAGE_EFFICIENCY * hours
    if reachable >= target_wh:
        result.target_days += 1
        if (ev.charge_wh or 0.0) >= target_wh - 0.005 * (ev.capacity_wh or 0.0):
            result.target_days_met += 1


@dataclass
class Measured:
    """One home's four variants and its day-ahead forecast errors, over the same realised world."""

    variants: dict[str, Result]
    errors: ForecastError


SHARE_GOAL_PERCENT = 60.0
"""(c) must capture at least this share of the saving (d) achieves over (b)."""
TARGET_GOAL_PERCENT = 99.0
"""(c) must meet the EV's target on at least this share of the days it was feasible."""


def share_of_bound(measured: Measured) -> float | None:
    """The share (%) of (d)'s saving over (b) that (c) achieves; None when (d) saves nothing."""
    b, c, d = (measured.variants[v].net_cost for v in "bcd")
    return (b - c) / (b - d) * 100.0 if b > d else None


def missed_goals(measured: Measured) -> list[str]:
    """The issue's goals this home misses (none: all met)."""
    b, c = measured.variants["b"], measured.variants["c"]
    missed = []
    if not c.net_cost < b.net_cost:
        missed.append(f"(c) {c.net_cost:.2f} is not cheaper than (b) {b.net_cost:.2f}")
    share = share_of_bound(measured)
    if share is not None and share < SHARE_GOAL_PERCENT:
        missed.append(f"(c) captures {share:.0f} % of (d)'s saving, under {SHARE_GOAL_PERCENT:.0f} %")
    met = c.target_met_percent
    if met is not None and met < TARGET_GOAL_PERCENT:
        missed.append(f"EV target met on {met:.1f} % of feasible days, under {TARGET_GOAL_PERCENT:.0f} %")
    return missed


def measure_home(home: Home, days: int, first: date, replan_steps: int = REPLAN_STEPS) -> Measured:
    """Every variant of one home; the realised world computed once and shared by all of them."""
    instants = realism.instants(home.city.timezone, first, days, STEP_S)
    world = realised(home, instants)
    variants = {variant: run(home, variant, first, days, world, replan_steps) for variant in "abcd"}
    return Measured(variants, forecast_errors(home, first, days, world))


def measure(
    days: int,
    first: date,
    replan_steps: int = REPLAN_STEPS,
    progress: Callable[[str], None] = print,
    processes: int = 1,
) -> dict[str, Measured]:
    """Every home under every variant, the homes in `processes` worker processes at once (each home
    is independent; spawned, so each worker starts its own HiGHS and sets Django up itself)."""
    if processes <= 1:
        results = {}
        for home in HOMES:
            progress(f"{home.name}: variants a-d")
            results[home.name] = measure_home(home, days, first, replan_steps)
        return results
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(processes, mp_context=context, initializer=django.setup) as pool:
        futures = {home.name: pool.submit(measure_home, home, days, first, replan_steps) for home in HOMES}
        for name in futures:
            progress(f"{name}: variants a-d in a worker process")
        return {name: future.result() for name, future in futures.items()}


@dataclass(frozen=True)
class ForecastError:
    daily_solar_nmae: float
    """Mean |forecast - realised| of each day's solar energy over the mean daily energy."""
    hourly_load_nmae: float
    """The same for each hour's load."""
    days: int


def forecast_errors(home: Home, first: date, days: int, world: World | None = None) -> ForecastError:
    """Day-ahead errors: each day forecast at noon the day before (local), against what happened."""
    instants = realism.instants(home.city.timezone, first, days, STEP_S)
    world = world or realised(home, instants)
    per_day = 86_400 // STEP_S
    solar_errors, solar_days, load_errors, load_hours = [], [], [], []
    for day in range(1, days):
        start = day * per_day
        if start + per_day > len(instants):
            break
        made = instants[start - per_day // 2].astimezone(UTC)
        expected = forecast.forecast(
            list(home.devices),
            latitude=home.city.latitude,
            longitude=home.city.longitude,
            timezone=home.city.timezone,
            now=made,
            steps=per_day // 2 + per_day,
        )
        solar = expected.solar_w[per_day // 2 :].sum() * STEP_S / 3600.0
        real = world.solar_w[start : start + per_day].sum() * STEP_S / 3600.0
        solar_errors.append(abs(solar - real))
        solar_days.append(real)
        load = expected.load_w[per_day // 2 :].reshape(24, -1).mean(axis=1)
        real_load = world.load_w[start : start + per_day].reshape(24, -1).mean(axis=1)
        load_errors += np.abs(load - real_load).tolist()
        load_hours += real_load.tolist()
    return ForecastError(
        float(np.mean(solar_errors)) / max(float(np.mean(solar_days)), 1e-9),
        float(np.mean(load_errors)) / max(float(np.mean(load_hours)), 1e-9),
        len(solar_days),
    )
