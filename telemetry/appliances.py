"""Occupancy, appliances and trips as day profiles in the household's wall-clock time.

A household's day (when people wake, leave, return, sleep) is drawn once per local date from its
seed; weekdays and weekends differ. Appliances follow it: the dishwasher after dinner, laundry on
laundry days with the dryer only after the wash, the oven at meal times, lighting while people are
home, awake and it is dark outside, water heating after waking and in the evening plus standby
losses, a heat pump or air conditioner holding a house's set points (a 1R1C building, `Building`,
with a setback while away or asleep and a COP that varies with the outdoor air), a steady base load
for "other". Each appliance's day is a DayProfile of its draw as a
share of its rated power (the `average_power_w` column: what it draws while running), so a tick
takes the exact mean over its span. Electric vehicles leave with the household's trips.

A fleet ticks every household every minute, so a household's day is kept compact: a HouseholdDay
holds its occupancy and, per device, a kernel that gives any block's value on demand: the few
blocks a run covers (dishwasher, laundry, oven, water heater, pool pump, trips) as a small array, the
building, lighting and base loads computed from the occupancy and the place's shared outdoor
day. One HouseholdDay per household is cached (`size_caches` sets how many the process holds).
"""

from __future__ import annotations

import math
import random
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar

import holidays

from devices.choices import ApplianceCategory as Category
from telemetry import solar
from telemetry.profiles import BLOCK_S, BLOCKS_PER_DAY, DAY_S, BoundedCache, DayProfile, solar_clock

HOUR_BLOCKS = 3600 / BLOCK_S

# The building a heat pump or air conditioner serves (Building): indoor set points by occupancy (°C).
HEATING_SET_C = {"home": 20.5, "asleep": 19.0, "away": 18.5}
COOLING_SET_C = {"home": 24.0, "asleep": 25.5, "away": 28.0}
HEATING_DESIGN_C, COOLING_DESIGN_C = -10.0, 38.0
"""Outdoor temperatures at which the unit, running flat out, just holds the home's set point (how
installers size it): the house's heat loss coefficient follows from the unit's rating."""
TIME_CONSTANT_H = 30.0
"""Thermal mass over heat loss (C / UA) of a medium-weight house (ISO 13790's classes: ~20-60 h)."""
INTERNAL_GAIN_K = {"home": 2.0, "asleep": 1.0, "away": 0.7}
"""People, cooking and appliances as a share of the heat loss coefficient (W per W/K): ~4 W/m² of
floor (ISO 13790, residential) while people are up."""
SOLAR_GAIN_K_PER_W_M2 = 0.006
"""Sun through the windows per W/m² of GHI, as W per W/K (~2 m² of effective aperture per 300 W/K:
windows, partly shaded)."""
HEAT_PUMP_SINK_C = 40.0
"""Flow temperature of the heating water (between underfloor and radiators)."""
COOLING_CARNOT_SHARE, COOLING_EVAPORATOR_C, COOLING_LIFT_C = 0.35, 10.0, 10.0
WARMUP_PASSES = 2
STEP_BLOCKS = 3
"""The building is stepped every 15 minutes (its five-minute blocks share the step's draw)."""
DARK_GHI_W_M2 = 200.0
INDOOR_SEASON_PER_C = 0.035
"""'Other' draws this much more per °C the day is colder than 15 °C (circulation pumps, more hours
indoors): with lighting, what makes a German flat's winter day ~1.3 times its summer day (H0)."""
LIGHTS_IN_USE = 0.6
"""Share of a home's lighting on while people are home, awake and it is dark: the rooms in use."""
OTHER_BASE = 0.8
OTHER_ACTIVE = 0.45
OTHER_MAX = 1.5
"""The most of its rating a home's "other" load draws, however large its stock."""
WATER_HEATER_STANDBY = 0.04


@dataclass(frozen=True, slots=True)
class Occupancy:
    """One local day of a household, in wall-clock hours; `leave`/`back` None when nobody goes out."""

    wake_h: float
    sleep_h: float
    leave_h: float | None
    back_h: float | None

    def state(self, hour: float) -> str:
        if self.leave_h is not None and self.back_h is not None and self.leave_h <= hour < self.back_h:
            return "away"
        if self.wake_h <= hour < self.sleep_h:
            return "home"
        return "asleep"


class Routine(StrEnum):
    """How a household's adults spend a workday."""

    COMMUTER = "commuter"
    PART_TIME = "part_time"
    HOME_OFFICE = "home_office"
    AT_HOME = "at_home"
    """Retired, or otherwise at home on workdays."""


ROUTINE_SHARES = (
    (Routine.COMMUTER, 0.42),
    (Routine.PART_TIME, 0.16),
    (Routine.HOME_OFFICE, 0.12),
    (Routine.AT_HOME, 0.30),
)
"""Shares of households by weekday routine, rounded from Destatis (Mikrozensus 2023: about 30 % of
households live on pensions; 12 % of employees work mostly from home; a third of the employed work
part time) and its time-use survey (Zeitverwendungserhebung 2022: meals at home at 12-13 h and
18-19 h)."""
SIZE_SHARES = ((1, 0.41), (2, 0.34), (3, 0.12), (4, 0.13))
"""Persons per household (Destatis, Mikrozensus 2023: 41 % single, 34 % two, 12 % three, 13 % four+)."""


USAGE_SIGMA, STOCK_SIGMA = 0.4, 0.55
"""Log-normal spread of a home's appliance use and standby stock: with size and routine, what makes
yearly kWh of homes with the same devices differ by a CV of 20-40 % (as metered homes of one size do:
Stromspiegel's bands span about a factor of two)."""


@dataclass(frozen=True, slots=True)
class Household:
    """Who lives in a home, drawn once from its seed: what makes homes of one preset differ."""

    persons: int
    routine: Routine
    usage: float
    """How heavily it uses its appliances (runs per day, cooking), around 1."""
    stock: float
    """Its standby and small-appliance stock (the 'other' base load), around 1 (log-normal)."""


T = TypeVar("T")


def _pick(shares: tuple[tuple[T, float], ...], u: float) -> T:
    total = 0.0
    for value, share in shares:
        total += share
        if u < total:
            return value
    return shares[-1][0]


@lru_cache(maxsize=65_536)
def household(seed: str) -> Household:
    rng = random.Random(f"{seed}|household")
    persons = _pick(SIZE_SHARES, rng.random())
    routine = _pick(ROUTINE_SHARES, rng.random())
    if persons >= 3 and routine == Routine.AT_HOME:
        routine = Routine.PART_TIME  # families are rarely all retired
    return Household(
        persons, routine, rng.lognormvariate(0.0, USAGE_SIGMA), rng.lognormvariate(0.0, STOCK_SIGMA)
    )


def _holiday_calendar(country: str, year: int) -> frozenset[date]:
    return _holidays_cached(country, year)


@lru_cache(maxsize=512)
def _holidays_cached(country: str, year: int) -> frozenset[date]:
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:
        return frozenset()


def day_type(ordinal: int, country: str | None) -> int:
    """0 workday, 1 Saturday, 2 Sunday or public holiday (the `holidays` package, per country)."""
    when = date.fromordinal(ordinal)
    if when.weekday() == 6 or (country and when in _holiday_calendar(country, when.year)):
        return 2
    return 1 if when.weekday() == 5 else 0


def occupancy(seed: str, ordinal: int, country: str | None = None) -> Occupancy:
    rng = random.Random(f"{seed}|occupancy|{ordinal}")
    u = [rng.random() for _ in range(5)]
    routine = household(seed).routine
    if day_type(ordinal, country) == 0:
        if routine == Routine.AT_HOME:
            wake = 6.5 + 2.0 * u[0]
            out = u[1] < 0.5  # errands
            leave = 9.0 + 3.0 * u[2]
            back = leave + 1.0 + 2.0 * u[3]
        elif routine == Routine.HOME_OFFICE:
            wake = 6.5 + 1.5 * u[0]
            out = u[1] < 0.3  # a day in the office now and then
            leave, back = wake + 0.75 + 0.5 * u[2], 16.5 + 2.0 * u[3]
        else:
            wake = 5.5 + 2.0 * u[0]
            out = u[1] < 0.92
            leave = wake + 0.75 + 0.75 * u[2]
            back = 12.5 + 2.0 * u[3] if routine == Routine.PART_TIME else 16.0 + 3.0 * u[3]
        sleep = min(22.0 + 2.0 * u[4], 24.0)
        return Occupancy(wake, sleep, leave if out else None, back if out else None)
    wake = 6.5 + 3.0 * u[0]
    out = u[1] < 0.4
    leave = 10.0 + 6.0 * u[2]
    back = leave + 1.5 + 2.0 * u[3]
    return Occupancy(wake, min(22.5 + 2.0 * u[4], 24.0), leave if out else None, back if out else None)


# --- building day profiles ------------------------------------------------------------------


def _cycle_share(start_min: float, end_min: float, period: float, duty: float, phase: float) -> float:
    """Share of [start, end) spent in the 'on' part of a cycle (on for duty x period, then off)."""
    cycles, rest = divmod(end_min + phase * period, period)
    until_end = cycles * duty * period + min(rest, duty * period)
    cycles, rest = divmod(start_min + phase * period, period)
    return (until_end - (cycles * duty * period + min(rest, duty * period))) / (end_min - start_min)


def _hours() -> list[float]:
    return [(i + 0.5) / HOUR_BLOCKS for i in range(BLOCKS_PER_DAY)]


_BLOCK_HOURS = _hours()
_ACTIVITY = [0.8 + 0.6 * math.exp(-(((hour - 12.0) / 4.0) ** 2)) for hour in _BLOCK_HOURS]
"""How much an awake household at home uses of its 'other' stock by hour: most around midday
(kettles, computers, kitchen gadgets), least late at night."""


@dataclass(frozen=True, slots=True)
class Place:
    """What outdoor conditions an appliance day needs: where, and when its local midnight is."""

    latitude: float
    longitude: float
    midnight_epoch_s: float
    country: str | None = None
    """ISO 3166 code whose public holidays the household keeps (from its time zone)."""


@dataclass(frozen=True, slots=True)
class Outdoor:
    """Temperature (°C) and GHI (W/m²) at each wall-clock block midpoint of a place's local day."""

    temperature_c: array[float]
    ghi_w_m2: array[float]
    mean_temperature_c: float


_outdoors: BoundedCache[Outdoor] = BoundedCache(8_192)


def _outdoor(place: Place) -> Outdoor:
    """The place's outdoor day, shared by every home in the same solar cache cell (~1 km)."""
    latitude, longitude = solar.cell_of(place.latitude, place.longitude)
    key = (latitude, longitude, place.midnight_epoch_s)
    found = _outdoors.get(key)
    if found is not None:
        return found
    ordinal, start_s = solar_clock(place.midnight_epoch_s + BLOCK_S / 2, longitude)
    days = solar.location_days(latitude, longitude, ordinal, 2)
    temps, ghis = array("d"), array("d")
    for index in range(BLOCKS_PER_DAY):
        seconds = start_s + index * BLOCK_S
        day = days[0] if seconds < DAY_S else days[1]
        seconds = seconds if seconds < DAY_S else seconds - DAY_S
        temps.append(day.temperature.at(seconds))
        ghis.append(day.ghi.at(seconds))
    return _outdoors.put(key, Outdoor(temps, ghis, sum(temps) / BLOCKS_PER_DAY))


def _draws(seed: str, device_id: int, ordinal: int, count: int = 4) -> list[float]:
    rng = random.Random(f"{seed}|{device_id}|day|{ordinal}")
    return [rng.random() for _ in range(count)]


def intensity(seed: str) -> float:
    """How many appliance runs a household makes relative to a typical two-person one."""
    home = household(seed)
    return home.usage * (0.55 + 0.3 * home.persons) / 1.15


def _laundry(seed: str, ordinal: int, day: Occupancy, kind: int) -> tuple[float, float] | None:
    """The household's wash of the day as (start, end) hours, or None: shared by washer and dryer."""
    rng = random.Random(f"{seed}|laundry|{ordinal}")
    chance, when = rng.random(), rng.random()
    if chance >= min((0.5 if kind else 0.22) * intensity(seed), 0.9):
        return None
    # At home: late morning; after work otherwise.
    start = max(day.wake_h + 1.0, 9.0) + 4.0 * when if day.back_h is None else day.back_h + 0.5 + 1.5 * when
    return start, start + 1.5


LUNCH_CHANCE = {
    Routine.AT_HOME: 0.6,
    Routine.HOME_OFFICE: 0.4,
    Routine.PART_TIME: 0.25,
    Routine.COMMUTER: 0.0,
}
"""Chance of a cooked lunch at home on a workday, by routine (Sundays and holidays: SUNDAY_LUNCH)."""
SUNDAY_LUNCH, SATURDAY_LUNCH, DINNER = 0.5, 0.35, 0.55


def _cooking(
    seed: str, ordinal: int, day: Occupancy, kind: int, u: list[float]
) -> list[tuple[float, float, float]]:
    """The oven and hob's runs of the day: lunch (mostly on Sundays and holidays, and for those at
    home), dinner."""
    lunch_chance = (LUNCH_CHANCE[household(seed).routine], SATURDAY_LUNCH, SUNDAY_LUNCH)[kind]
    runs = []
    scale = min(intensity(seed), 1.6)
    if u[0] < lunch_chance * scale:
        start = 10.25 + 3.25 * u[1]
        if day.state(start) == "home":
            runs += _run(start, ((8, 0.9), (30 + 40 * u[2], 0.3)))
    if u[3] < DINNER * scale * (0.6 if kind == 2 else 1.0):
        start = 15.75 + 4.75 * u[4]
        if day.state(start) == "home":
            runs += _run(start, ((8, 0.9), (20 + 30 * u[5], 0.3)))
    return runs


# --- kernels: one device's day, block by block ----------------------------------------------


class Kernel:
    """A device's day as a share of its rating: `value(block)` for each five-minute block."""

    __slots__ = ("category",)

    def __init__(self, category: str):
        self.category = category

    def value(self, block: int) -> float:
        raise NotImplementedError


class Painted(Kernel):
    """A base level plus runs added pro rata into the blocks they cover: (start, end, level) in block
    units, kept as a few floats and summed on demand, in order, as they add up in a shared block."""

    __slots__ = ("_base", "_first", "_last", "_runs")

    def __init__(self, category: str, base: float, runs: list[tuple[float, float, float]]):
        super().__init__(category)
        self._base = base
        spans = [(max(s, 0.0) * HOUR_BLOCKS, min(e, 24.0) * HOUR_BLOCKS, level) for s, e, level in runs]
        spans = [(s, e, level) for s, e, level in spans if int(s) < e and int(s) < BLOCKS_PER_DAY]
        self._runs = array("d", [x for span in spans for x in span])
        self._first = min((int(s) for s, _, _ in spans), default=0)
        self._last = max((math.ceil(e) for _, e, _ in spans), default=0)

    def value(self, block: int) -> float:
        value = self._base
        if self._first <= block < self._last:
            runs = self._runs
            for i in range(0, len(runs), 3):
                start, end = runs[i], runs[i + 1]
                if int(start) <= block < end:
                    overlap = min(end, block + 1) - max(start, block)
                    if overlap > 0:
                        value += runs[i + 2] * overlap
        return max(value, 0.0)


class Cycle(Kernel):
    """A fridge: the share of each block its thermostat cycle is on."""

    __slots__ = ("_duty", "_period", "_phase")

    def __init__(self, category: str, period: float, duty: float, phase: float):
        super().__init__(category)
        self._period, self._duty, self._phase = period, duty, phase

    def value(self, block: int) -> float:
        start = block * BLOCK_S / 60.0
        return max(_cycle_share(start, start + BLOCK_S / 60.0, self._period, self._duty, self._phase), 0.0)


def heat_pump_cop(outdoor_c: float) -> float:
    """An air-source heat pump's COP at an outdoor temperature: Staffell et al. (2012, "A review of
    domestic heat pumps", Energy Environ. Sci. 5) fit over field trials, COP = 6.08 - 0.09 dT +
    0.0005 dT² with dT the lift from the outdoor air to the flow temperature (kept within 15-60 K)."""
    lift = min(max(HEAT_PUMP_SINK_C - outdoor_c, 15.0), 60.0)
    return 6.08 - 0.09 * lift + 0.0005 * lift * lift


def cooling_cop(outdoor_c: float) -> float:
    """An air conditioner's COP (heat removed per unit of electricity): a share of the Carnot limit
    between its evaporator and a condenser COOLING_LIFT_C above the outdoor air, kept within 2-6."""
    evaporator_k = COOLING_EVAPORATOR_C + 273.15
    lift = max(outdoor_c + COOLING_LIFT_C - COOLING_EVAPORATOR_C, 1.0)
    return min(max(COOLING_CARNOT_SHARE * evaporator_k / lift, 2.0), 6.0)


class Building(Kernel):
    """A heat pump or an air conditioner and the house it serves, a 1R1C model: indoor air and
        structure as one thermal mass C behind one heat loss coefficient UA, with internal and solar
        gains. The unit holds the occupancy's set point when it can (up to its rating times its COP at
        that outdoor temperature), recovers after a setback at full power, and lets the house drift
        when the set point allows. UA comes from the rating (the unit just holds the home set point at the
        design temperature) and C from TIME_CONSTANT_H. The day starts from the indoor temperature it
        ends with (WARMUP_PASSES), so the night's setback carries into the morning; a day on which the house
    never drifts past a set point on its own costs nothing. Values are the share
        of the rating drawn (electricity), per five-minute block."""

    __slots__ = ("_shares",)

    def __init__(self, category: str, day: Occupancy, outdoor: Outdoor):
        super().__init__(category)
        cooling = category == Category.AIR_CONDITIONER
        cop = cooling_cop if cooling else heat_pump_cop
        setpoints = COOLING_SET_C if cooling else HEATING_SET_C
        if cooling:
            ua = cop(COOLING_DESIGN_C) / (COOLING_DESIGN_C - setpoints["home"])
        else:
            ua = cop(HEATING_DESIGN_C) / (setpoints["home"] - HEATING_DESIGN_C)
        self._shares: array[float] | None = None
        temps, ghis = outdoor.temperature_c, outdoor.ghi_w_m2
        gains = INTERNAL_GAIN_K.values()
        if cooling and max(temps) + max(gains) + SOLAR_GAIN_K_PER_W_M2 * max(ghis) <= min(setpoints.values()):
            return  # too cool all day for the house to need cooling, whoever is home
        if not cooling and min(temps) + min(gains) >= max(setpoints.values()):
            return
        mass = ua * TIME_CONSTANT_H * 3600.0 / (BLOCK_S * STEP_BLOCKS)  # per unit of rating, W-steps/K
        middles = range(STEP_BLOCKS // 2, BLOCKS_PER_DAY, STEP_BLOCKS)
        states = [day.state(_BLOCK_HOURS[block]) for block in middles]
        targets = [setpoints[state] for state in states]
        # Where the house settles without the unit: outdoor air plus gains.
        settled = [
            temps[block] + INTERNAL_GAIN_K[state] + SOLAR_GAIN_K_PER_W_M2 * ghis[block]
            for block, state in zip(middles, states, strict=True)
        ]
        if cooling:
            indoor = min(setpoints["asleep"], max(settled))
            if max(settled) <= min(targets):
                return  # the house never warms past a set point on its own: the unit stays off all day
        else:
            indoor = max(setpoints["asleep"], min(settled))
            if min(settled) >= max(targets):
                return
        sign = 1.0 if cooling else -1.0
        capacities = [cop(temps[block]) for block in middles]
        keep = 1.0 - ua / mass
        shares = array("d", bytes(8 * BLOCKS_PER_DAY))
        for _ in range(WARMUP_PASSES):
            for step, capacity in enumerate(capacities):
                inflow = ua * settled[step]
                # The unit's heat flow (removed when cooling) that lands on the set point this step.
                need = sign * (inflow + mass * (keep * indoor - targets[step]))
                delivered = capacity if need > capacity else (need if need > 0.0 else 0.0)
                indoor = keep * indoor + (inflow - sign * delivered) / mass
                first = step * STEP_BLOCKS
                shares[first : first + STEP_BLOCKS] = array("d", [delivered / capacity] * STEP_BLOCKS)
        self._shares = shares

    def value(self, block: int) -> float:
        return 0.0 if self._shares is None else self._shares[block]


class Lighting(Kernel):
    """Lights: on while people are home and awake, dimmer as daylight grows."""

    __slots__ = ("_day", "_ghi")

    def __init__(self, category: str, day: Occupancy, outdoor: Outdoor):
        super().__init__(category)
        self._day, self._ghi = day, outdoor.ghi_w_m2

    def value(self, block: int) -> float:
        if self._day.state(_BLOCK_HOURS[block]) == "home":
            return LIGHTS_IN_USE * max(min(max(1.0 - self._ghi[block] / DARK_GHI_W_M2, 0.0), 1.0), 0.0)
        return 0.0


class Base(Kernel):
    """'Other': a steady base load (the home's standby stock), higher while people are up, with a
    slow wobble."""

    __slots__ = ("_active", "_base", "_day", "_slow")

    def __init__(self, category: str, day: Occupancy, slow: float, stock: float = 1.0, people: float = 1.0):
        super().__init__(category)
        self._day, self._slow = day, slow
        self._base, self._active = OTHER_BASE * stock, OTHER_ACTIVE * people

    def value(self, block: int) -> float:
        hour = _BLOCK_HOURS[block]
        active = self._active * _ACTIVITY[block] if self._day.state(hour) == "home" else 0.0
        wobble = 0.1 * math.sin(self._slow + 2.0 * math.pi * hour / 7.0)
        return min(max(self._base + active + wobble, 0.0), OTHER_MAX)


def _run(start_h: float, phases: tuple[tuple[float, float], ...]) -> list[tuple[float, float, float]]:
    """Consecutive (minutes, level) phases from `start_h` as (start, end, level) runs."""
    hour, runs = start_h, []
    for minutes, level in phases:
        runs.append((hour, hour + minutes / 60.0, level))
        hour += minutes / 60.0
    return runs


def _kernel(category: str, seed: str, device_id: int, ordinal: int, home: HouseholdDay) -> Kernel:
    day = home.occupancy
    u = _draws(seed, device_id, ordinal, 6)
    kind = home.day_type
    if category == Category.FRIDGE:
        duty = min((0.30 + 0.08 * u[1]) * math.sqrt(household(seed).stock), 0.9)  # older, fuller fridges
        return Cycle(category, 40.0 + 10.0 * u[0], duty, u[2])
    if category in (Category.AIR_CONDITIONER, Category.HEATING):
        return Building(category, day, home.outdoor())
    if category == Category.LIGHTING:
        return Lighting(category, day, home.outdoor())
    runs: list[tuple[float, float, float]] = []
    base = 0.0
    if category == Category.DISHWASHER:
        if u[0] < min(0.48 * intensity(seed), 0.95):
            evening = max(19.5 + 3.0 * u[1], (day.back_h or 0.0) + 1.0)
            if u[2] < 0.25:  # after lunch
                start = 13.0 + 3.0 * u[1]
            elif u[2] < 0.45:  # after breakfast
                start = day.wake_h + 1.0 + 2.0 * u[1]
            elif u[2] < 0.65:  # last night's load, on the delay timer
                start = 0.5 + 4.0 * u[1]
            else:
                start = evening
            if day.state(start) == "away":
                start = evening if u[3] < 0.6 else 0.5 + 4.0 * u[1]
            runs = _run(start, ((5, 0.05), (15, 1.0), (35, 0.05), (12, 1.0), (30, 0.02)))
    elif category in (Category.WASHER, Category.DRYER):
        wash = home.laundry()
        if wash is not None and category == Category.WASHER:
            runs = _run(wash[0], ((12, 1.0), (60, 0.1), (18, 0.35)))
        elif wash is not None and u[0] < 0.8:
            runs = _run(wash[1] + (5 + 25 * u[1]) / 60.0, ((75, 0.8),))
    elif category == Category.OVEN:
        runs = _cooking(seed, ordinal, day, kind, u)
    elif category == Category.WATER_HEATER:
        base = WATER_HEATER_STANDBY
        runs = _run(day.wake_h + 0.25 * u[0], ((30 + 30 * u[1], 1.0 - WATER_HEATER_STANDBY),))
        runs += _run(19.0 + 2.0 * u[2], ((20 + 20 * u[3], 0.8 - WATER_HEATER_STANDBY),))
    elif category == Category.POOL_PUMP:
        hours = 8.0 if home.outdoor().mean_temperature_c >= 18.0 else 4.0
        runs = [(13.0 - hours / 2 + u[0] - 0.5, 13.0 + hours / 2 + u[0] - 0.5, 1.0)]
    else:  # OTHER, empty or unknown: a steady base load, higher while people are up
        home_ = household(seed)
        season = 1.0 + INDOOR_SEASON_PER_C * min(max(15.0 - home.outdoor().mean_temperature_c, -5.0), 20.0)
        return Base(
            category,
            day,
            2.0 * math.pi * u[0],
            home_.stock * season,
            (0.6 + 0.2 * home_.persons) * home_.usage * season,
        )
    return Painted(category, base, runs)


# --- trips ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Trips:
    """One local day of a vehicle: share of each block away, and the drain (W) while away."""

    away: DayProfile
    drain_w: DayProfile
    driven_km: float


TRIP = "trip"


class Trip(Kernel):
    """A vehicle's day: the share of each block it is away, and its drain (W) while away."""

    __slots__ = ("away", "drain_w", "driven_km")

    def __init__(self, seed: str, device_id: int, ordinal: int, day: Occupancy):
        super().__init__(TRIP)
        self.driven_km = 0.0
        if day.leave_h is None or day.back_h is None:
            self.away = self.drain_w = Painted(TRIP, 0.0, [])
            return
        commute_km, kwh_per_100km = _vehicle(seed, device_id)
        if date.fromordinal(ordinal).weekday() < 5:
            self.driven_km = 2.0 * commute_km
        else:
            self.driven_km = 20.0 + 110.0 * _draws(seed, device_id, ordinal)[3]
        drain_w = self.driven_km * kwh_per_100km * 10.0 / (day.back_h - day.leave_h)
        self.away = Painted(TRIP, 0.0, [(day.leave_h, day.back_h, 1.0)])
        self.drain_w = Painted(TRIP, 0.0, [(day.leave_h, day.back_h, drain_w)])


def _vehicle(seed: str, device_id: int) -> tuple[float, float]:
    """(one-way commute km, consumption kWh/100 km), fixed per vehicle."""
    rng = random.Random(f"{seed}|{device_id}|vehicle")
    return 18.0 + 17.0 * rng.random(), 15.0 + 5.0 * rng.random()


# --- a household's day ----------------------------------------------------------------------


class HouseholdDay:
    """One local day of one household at one place: its occupancy and its devices' kernels."""

    __slots__ = (
        "_laundry",
        "_outdoor",
        "day_type",
        "kernels",
        "key",
        "occupancy",
        "ordinal",
        "place",
        "seed",
        "tomorrow",
    )

    def __init__(self, seed: str, ordinal: int, place: Place):
        self.seed, self.ordinal, self.place = seed, ordinal, place
        self.key = (ordinal, place.latitude, place.longitude, place.midnight_epoch_s)
        self.day_type = day_type(ordinal, place.country)
        self.occupancy = occupancy(seed, ordinal, place.country)
        self.kernels: dict[int, Kernel] = {}
        self._laundry: tuple[float, float] | bool | None = False
        self._outdoor: Outdoor | None = None
        self.tomorrow: HouseholdDay | None = None
        """The next day, built ahead in the last hour (`prepare_from_s`), taken when it comes."""

    def outdoor(self) -> Outdoor:
        if self._outdoor is None:
            self._outdoor = _outdoor(self.place)
        return self._outdoor

    def laundry(self) -> tuple[float, float] | None:
        if self._laundry is False:
            self._laundry = _laundry(self.seed, self.ordinal, self.occupancy, self.day_type)
        return self._laundry  # type: ignore[return-value]

    def appliance(self, device_id: int, category: str | None) -> Kernel:
        """The appliance's draw as a share of its rating, block by block (built on first use)."""
        category = category or Category.OTHER
        kernel = self.kernels.get(device_id)
        if kernel is None or kernel.category != category:
            kernel = self.kernels[device_id] = _kernel(category, self.seed, device_id, self.ordinal, self)
        return kernel

    def trip(self, device_id: int) -> Trip:
        """The vehicle's trips, kept under ~device_id so they never meet an appliance's kernel."""
        kernel = self.kernels.get(~device_id)
        if not isinstance(kernel, Trip):
            kernel = self.kernels[~device_id] = Trip(self.seed, device_id, self.ordinal, self.occupancy)
        return kernel


_households: BoundedCache[HouseholdDay] = BoundedCache(300_000)

PREPARE_FROM_S = 23 * 3600
PREPARE_SPREAD_MINUTES = 50


def prepare_from_s(seed: str) -> float:
    """When in its last local hour a household builds tomorrow: a minute of 23:00-23:49 picked from
    its seed, so a fleet's new day is built over that hour rather than in its first minute."""
    return PREPARE_FROM_S + 60.0 * (zlib.crc32(seed.encode()) % PREPARE_SPREAD_MINUTES)


def size_caches(*, households: int, places: int) -> None:
    """Hold the current day of `households` homes (at least the fleet one process ticks) and two
    outdoor days of `places` cells."""
    _households.size = households
    _outdoors.size = 2 * places


def household_day(
    seed: str, ordinal: int, latitude: float, longitude: float, midnight_s: float, country: str | None = None
) -> HouseholdDay:
    """The household's day (cached: one day per household, replaced when the day or place changes)."""
    found = _households.get(seed)
    if found is not None:
        key = (ordinal, latitude, longitude, midnight_s)
        if found.key == key:
            return found
        if found.tomorrow is not None and found.tomorrow.key == key:
            return _households.put(seed, found.tomorrow)
    place = Place(latitude, longitude, midnight_s, country)
    return _households.put(seed, HouseholdDay(seed, ordinal, place))


def _profile(kernel: Kernel) -> DayProfile:
    return DayProfile(kernel.value(block) for block in range(BLOCKS_PER_DAY))


def appliance_day(
    category: str | None, seed: str, device_id: int, ordinal: int, place: Callable[[int], Place]
) -> DayProfile:
    """The appliance's draw as a share of its rating over one local day, as a whole profile."""
    return _profile(HouseholdDay(seed, ordinal, place(ordinal)).appliance(device_id, category))


def trips(seed: str, device_id: int, ordinal: int) -> Trips:
    """One local day of a vehicle, as whole profiles."""
    trip = Trip(seed, device_id, ordinal, occupancy(seed, ordinal))
    return Trips(_profile(trip.away), _profile(trip.drain_w), trip.driven_km)
