"""Plain-Python physics of one simulated household tick: solar, appliances, batteries and EVs.

No Django here on purpose: the tick service feeds in `DeviceState`s and stores the returned
`DeviceOutcome`s, so the rules can be property-tested (and benchmarked) without a database.
What varies over a day comes from telemetry.solar (pvlib, weather) as day profiles shared per place,
and from telemetry.appliances (occupancy, appliances, trips) as a household's compact day; a tick
takes their exact mean over its span, so the tick length does not change the energy.

Sign convention, from the home's side: positive power supplies the home (solar, discharging),
negative power draws from it (appliances, charging). All randomness is seeded with strings, never
`hash()`, so the same inputs give the same outputs in any process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import SimpleNamespace
from typing import Any

from devices import limits
from devices.choices import ApplianceCategory as Category
from devices.choices import StorageMode as Mode
from devices.kinds import KINDS, indexed
from households import locations
from telemetry import appliances, solar
from telemetry.profiles import BLOCK_S, Blocks, block_mean

STORAGE_EFFICIENCY: float = 0.95
"""Charging adds |p|·dt·η Wh to a store; discharging removes p·dt/η Wh."""

AWAY_CHARGE_FLOOR_FRACTION: float = 0.1
"""A driver charges away from home rather than let a trip take the car below this share of its capacity."""

EPSILON_WH = 1e-6
EPSILON_W = 1e-6

__all__ = [
    "Category",
    "DeviceOutcome",
    "DeviceState",
    "Handler",
    "Kind",
    "Mode",
    "simulate_household",
    "size_caches",
    "store_step",
]


Kind = SimpleNamespace(**{kind.name: kind.value for kind in KINDS})
"""The registry's kind values by name (devices.kinds, plain Python): `Kind.SOLAR_PANEL == "solar_panel"`."""


class Handler(StrEnum):
    """How simulate_household treats a device; each registry kind names one (`KindSpec.physics`)."""

    SOLAR = "solar"
    APPLIANCE = "appliance"
    BATTERY = "battery"
    VEHICLE = "vehicle"


HANDLERS: dict[str, Handler] = {}
"""Each registered kind's handler, kept up to date as kinds are registered (devices.kinds.indexed);
a kind naming none of the above is a ValueError at import, or from `register`."""


def _handlers_rebuild() -> None:
    handlers = {kind.value: Handler(kind.physics) for kind in KINDS}
    HANDLERS.clear()
    HANDLERS.update(handlers)


indexed(_handlers_rebuild)


@dataclass(frozen=True, slots=True)
class DeviceState:
    """What the simulation needs to know about one device before the tick."""

    id: int
    kind: str
    """A registry kind's value, e.g. `Kind.BATTERY`."""
    rated_capacity_w: float | None = None
    capacity_wh: float | None = None
    charge_wh: float | None = None
    max_charge_rate_w: float | None = None
    max_discharge_rate_w: float | None = None
    mode: Mode | str | None = None
    average_power_w: float | None = None
    category: Category | str | None = None
    tilt_degrees: float | None = None
    azimuth_degrees: float | None = None
    dc_ac_ratio: float | None = None
    """Solar: the panels' DC rating over the inverter's AC rating (None: solar.DEFAULT_DC_AC_RATIO)."""
    reserve_percent: float | None = None
    """Battery: AUTO keeps this share of the capacity (None: limits.DEFAULT_BATTERY_RESERVE_PERCENT)."""
    keeps_reserve: bool = False
    """Battery: DISCHARGING stops at the reserve too (a plan's command; the owner's may go lower)."""


@dataclass(frozen=True, slots=True)
class DeviceOutcome:
    """One reading: power is the tick's mean, signed from the home's side; energy_wh = power_w · dt.

    EVs also say whether they were at home (plugged_in: present for at least half the tick), how
    much the battery lost to driving (trip_wh) and how much was charged into it away from home
    (charged_away_wh); neither is part of the home's energy.
    """

    device_id: int
    power_w: float
    energy_wh: float
    charge_wh: float | None
    is_on: bool | None
    plugged_in: bool | None = None
    trip_wh: float = 0.0
    charged_away_wh: float = 0.0


@dataclass(slots=True)
class Home:
    """Where and when the tick happens, as the profiles need it."""

    seed: str
    latitude: float
    longitude: float
    epoch_s: float
    duration_s: float
    ordinal: int
    wall_s: float
    block: int
    """The five-minute block the tick lies in, or -1 when it spans more than one (then: block_mean)."""
    country: str | None = None
    """Whose public holidays the household keeps: its time zone's country."""
    _today: appliances.HouseholdDay | None = None

    @classmethod
    def at(cls, local_time: datetime, dt_hours: float, seed: str, latitude: float, longitude: float) -> Home:
        t = local_time
        wall_s = t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6
        duration_s = dt_hours * 3600.0
        block = int(wall_s // BLOCK_S)
        if duration_s <= 0.0 or wall_s + duration_s > (block + 1) * BLOCK_S:
            block = -1
        country = locations.zone_countries().get(getattr(t.tzinfo, "key", ""))
        epoch_s, ordinal = t.timestamp(), t.toordinal()
        return cls(seed, latitude, longitude, epoch_s, duration_s, ordinal, wall_s, block, country)

    def day(self, ordinal: int) -> appliances.HouseholdDay:
        """The household's local day `ordinal` (its occupancy and devices' kernels)."""
        midnight = self.epoch_s - self.wall_s + (ordinal - self.ordinal) * 86_400.0
        return appliances.household_day(
            self.seed, ordinal, self.latitude, self.longitude, midnight, self.country
        )

    def today(self) -> appliances.HouseholdDay:
        if self._today is None:
            self._today = self.day(self.ordinal)
        return self._today

    def wall_mean(self, kernel: Callable[[appliances.HouseholdDay], Blocks]) -> float:
        """Mean over the tick of what `kernel` picks from each local day the tick covers."""
        if self.block >= 0:
            return kernel(self.today()).value(self.block)
        return block_mean(lambda o: kernel(self.day(o)), self.ordinal, self.wall_s, self.duration_s)


def _prepare_tomorrow(home: Home, devices: Sequence[DeviceState]) -> None:
    """Build the household's next day and its devices' kernels ahead, at its minute of the last hour."""
    today = home.today()
    if today.tomorrow is not None or home.wall_s < appliances.prepare_from_s(home.seed):
        return
    place = appliances.Place(
        home.latitude, home.longitude, today.place.midnight_epoch_s + 86_400.0, home.country
    )
    tomorrow = today.tomorrow = appliances.HouseholdDay(home.seed, home.ordinal + 1, place)
    for device in devices:
        handler = HANDLERS.get(device.kind)
        if handler == Handler.APPLIANCE:
            tomorrow.appliance(device.id, device.category)
        elif handler == Handler.VEHICLE:
            tomorrow.trip(device.id)


def size_caches(*, households: int, places: int) -> None:
    """Size the day caches for the fleet this process ticks: a day of each household (its occupancy
    and devices' kernels, ~2 KB), the solar days of each ~1 km place (sky, weather, panel profiles)."""
    appliances.size_caches(households=households, places=places)
    solar.size_caches(places=places)


# --- sources and loads ------------------------------------------------------------------------


def solar_w(device: DeviceState, home: Home) -> float:
    """Mean AC output over the tick (>= 0, <= rating)."""
    rating = device.rated_capacity_w or 0.0
    if rating <= 0.0:
        return 0.0
    tilt = solar.DEFAULT_TILT_DEGREES if device.tilt_degrees is None else device.tilt_degrees
    azimuth = device.azimuth_degrees
    if azimuth is None:
        azimuth = solar.default_azimuth_degrees(home.latitude)
    ratio = solar.DEFAULT_DC_AC_RATIO if device.dc_ac_ratio is None else device.dc_ac_ratio
    share = solar.panel_share(
        home.latitude, home.longitude, tilt, azimuth, ratio, home.epoch_s, home.duration_s
    )
    return rating * share


def appliance_w(device: DeviceState, home: Home) -> float:
    """Mean draw over the tick (<= 0): the rating times the share the appliance's day profile uses."""
    rating = device.average_power_w or 0.0
    if rating <= 0.0:
        return 0.0
    return -rating * home.wall_mean(lambda day: day.appliance(device.id, device.category))


# --- storage ----------------------------------------------------------------------------------


def store_step(
    capacity_wh: float | None,
    charge_wh: float | None,
    requested_power_w: float,
    max_charge_rate_w: float | None,
    max_discharge_rate_w: float | None,
    dt_hours: float,
    *,
    floor_wh: float = 0.0,
) -> tuple[float, float]:
    """Grant what a store can of `requested_power_w` (<0 charge, >0 discharge): (power_w, new charge).

    Power is bounded by the rate limits and by what fits between `floor_wh` (an EV's reserve,
    else empty) and full, counting STORAGE_EFFICIENCY both ways; the new charge is clamped.
    """
    capacity = max(capacity_wh or 0.0, 0.0)
    charge = min(max(charge_wh or 0.0, 0.0), capacity)
    if requested_power_w < 0.0:
        room = capacity - charge
        rate = max_charge_rate_w or 0.0
        if room <= EPSILON_WH or rate <= 0.0:
            return 0.0, charge
        power = min(-requested_power_w, rate)
        if dt_hours > 0.0:
            power = min(power, room / (dt_hours * STORAGE_EFFICIENCY))
            charge = min(charge + power * dt_hours * STORAGE_EFFICIENCY, capacity)
        return -power, charge
    if requested_power_w > 0.0:
        floor = min(max(floor_wh, 0.0), capacity)
        available = charge - floor
        rate = max_discharge_rate_w or 0.0
        if available <= EPSILON_WH or rate <= 0.0:
            return 0.0, charge
        power = min(requested_power_w, rate)
        if dt_hours > 0.0:
            power = min(power, available * STORAGE_EFFICIENCY / dt_hours)
            charge = max(charge - power * dt_hours / STORAGE_EFFICIENCY, floor)
        return power, charge
    return 0.0, charge


def _store_outcome(
    device: DeviceState, requested_w: float, dt_hours: float, floor_wh: float = 0.0
) -> DeviceOutcome:
    """Grant a store what its limits allow of the requested power; the reading that results."""
    power, charge = store_step(
        device.capacity_wh,
        device.charge_wh,
        requested_w,
        device.max_charge_rate_w,
        device.max_discharge_rate_w,
        dt_hours,
        floor_wh=floor_wh,
    )
    return DeviceOutcome(device.id, power, power * dt_hours, charge, None)


def battery_floor_wh(device: Any) -> float:
    """The charge an AUTO battery keeps: its reserve share of the capacity (a DeviceState or a Device)."""
    percent = device.reserve_percent
    if percent is None:
        percent = limits.DEFAULT_BATTERY_RESERVE_PERCENT
    return min(max(percent, 0.0), 100.0) / 100.0 * max(device.capacity_wh or 0.0, 0.0)


def _vehicle_outcome(
    device: DeviceState, requested_w: float, dt_hours: float, trip: Trip, floor_wh: float = 0.0
) -> DeviceOutcome:
    """An EV's reading: the store steps only for the share of the tick it is plugged in.

    `requested_w` is the power wanted while plugged in; the reading is the tick's mean, so the
    rate limits hold for it too. The trip (driving, charging away) is applied first.
    """
    share = trip.share_home
    plugged_w, new_charge = store_step(
        device.capacity_wh,
        trip.charge_wh,
        requested_w,
        device.max_charge_rate_w,
        device.max_discharge_rate_w,
        dt_hours * share,
        floor_wh=floor_wh,
    )
    power = plugged_w * share if share > 0.0 else 0.0  # no -0.0 for a car that is away
    return DeviceOutcome(
        device.id,
        power,
        power * dt_hours,
        new_charge,
        None,
        share >= 0.5,
        trip.driven_wh,
        trip.charged_away_wh,
    )


# --- the household ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Trip:
    """An EV over one tick: its share at home and what driving did to its battery.

    Driving never runs on energy the battery lacks: when a trip would take the charge below
    AWAY_CHARGE_FLOOR_FRACTION of the capacity (or below what it held, if less), the driver charges
    away from home just enough to stay there (`charged_away_wh`, added to the battery). So, per
    tick, driven_wh = charged_away_wh - (charge_wh - before) + what the home put in.
    """

    share_home: float
    charge_wh: float
    driven_wh: float
    charged_away_wh: float


def vehicle_trip(device: DeviceState, home: Home) -> Trip:
    """The EV's share of the tick at home and its charge after this tick's driving."""
    # Rounded so float dust in the block sums cannot leave an away car a 1e-10 share at home.
    away = round(home.wall_mean(lambda day: day.trip(device.id).away), 9)
    drain_w = home.wall_mean(lambda day: day.trip(device.id).drain_w)
    capacity = max(device.capacity_wh or 0.0, 0.0)
    charge = min(max(device.charge_wh or 0.0, 0.0), capacity)
    driven = max(drain_w * home.duration_s / 3600.0, 0.0)
    floor = min(charge, AWAY_CHARGE_FLOOR_FRACTION * capacity)
    after = charge - driven
    charged_away = floor - after if after < floor else 0.0
    return Trip(1.0 - away, max(after, floor), driven, charged_away)


@dataclass(slots=True)
class Balance:
    """The home's running balance through the dispatch phases, and the stores each phase serves."""

    outcomes: list[DeviceOutcome | None]
    produced_w: float = 0.0
    consumed_w: float = 0.0
    commanded_in_w: float = 0.0
    commanded_out_w: float = 0.0
    surplus_w: float = 0.0
    deficit_w: float = 0.0
    auto: list[int] = field(default_factory=list)
    dischargers: list[int] = field(default_factory=list)
    surplus_takers: list[int] = field(default_factory=list)
    vehicle_to_home: list[int] = field(default_factory=list)
    trips: dict[int, Trip] = field(default_factory=dict)


def sources_and_commands(devices: Sequence[DeviceState], home: Home, dt_hours: float) -> Balance:
    """Phase 1-2: solar and appliances; stores on an owner's command (CHARGING / IDLE) granted now,
    the others sorted into the phases that serve them."""
    balance = Balance([None] * len(devices))
    outcomes = balance.outcomes
    for index, device in enumerate(devices):
        handler = HANDLERS.get(device.kind)
        if handler == Handler.SOLAR:
            power = solar_w(device, home)
            balance.produced_w += power
            outcomes[index] = DeviceOutcome(device.id, power, power * dt_hours, None, None)
            continue
        if handler == Handler.APPLIANCE:
            power = appliance_w(device, home)
            balance.consumed_w -= power
            outcomes[index] = DeviceOutcome(device.id, power, power * dt_hours, None, power < 0.0)
            continue
        if handler == Handler.VEHICLE:
            trip = balance.trips[index] = vehicle_trip(device, home)
            if device.mode == Mode.DISCHARGING:
                balance.vehicle_to_home.append(index)
                continue
            if device.mode == Mode.SOLAR:
                balance.surplus_takers.append(index)
                continue
            requested = -(device.max_charge_rate_w or 0.0) if device.mode == Mode.CHARGING else 0.0
            outcome = _vehicle_outcome(device, requested, dt_hours, trip)
        elif handler == Handler.BATTERY:
            mode = device.mode or Mode.AUTO
            if mode == Mode.AUTO:
                balance.auto.append(index)
                continue
            if mode == Mode.DISCHARGING:
                balance.dischargers.append(index)
                continue
            requested = -(device.max_charge_rate_w or 0.0) if mode == Mode.CHARGING else 0.0
            outcome = _store_outcome(device, requested, dt_hours)
        else:
            raise ValueError(f"unknown device kind {device.kind!r} (device {device.id})")
        outcomes[index] = outcome
        balance.commanded_in_w += max(-outcome.power_w, 0.0)
        balance.commanded_out_w += max(outcome.power_w, 0.0)
    return balance


def discharging_batteries(devices: Sequence[DeviceState], balance: Balance, dt_hours: float) -> None:
    """Phase 3: DISCHARGING batteries at their full rate, exporting what the home does not use,
    except while a store charges on command: then only the appliances' deficit (more would flow
    into that store). One following a plan (keeps_reserve) stops at its reserve."""
    for index in balance.dischargers:
        device = devices[index]
        requested = device.max_discharge_rate_w or 0.0
        if balance.commanded_in_w > EPSILON_W:
            deficit = balance.consumed_w - balance.produced_w - balance.commanded_out_w
            requested = min(requested, max(deficit, 0.0))
        floor = battery_floor_wh(device) if device.keeps_reserve else 0.0
        outcome = balance.outcomes[index] = _store_outcome(device, requested, dt_hours, floor)
        balance.commanded_out_w += max(outcome.power_w, 0.0)
    balance.surplus_w = balance.produced_w - balance.consumed_w - balance.commanded_in_w
    balance.deficit_w = balance.consumed_w - balance.produced_w - balance.commanded_out_w


def auto_batteries(devices: Sequence[DeviceState], balance: Balance, dt_hours: float) -> None:
    """Phase 4: AUTO batteries, in device order, absorb the surplus or cover the deficit left so
    far, never below their reserve."""
    for index in balance.auto:
        device = devices[index]
        surplus, deficit = balance.surplus_w, balance.deficit_w
        requested = -surplus if surplus > EPSILON_W else (deficit if deficit > EPSILON_W else 0.0)
        outcome = _store_outcome(device, requested, dt_hours, battery_floor_wh(device))
        balance.outcomes[index] = outcome
        balance.surplus_w += min(outcome.power_w, 0.0)
        balance.deficit_w -= max(outcome.power_w, 0.0)


def solar_vehicles(devices: Sequence[DeviceState], balance: Balance, dt_hours: float) -> None:
    """Phase 5: SOLAR-mode EVs charge from the surplus the batteries left."""
    for index in balance.surplus_takers:
        requested = -balance.surplus_w if balance.surplus_w > EPSILON_W else 0.0
        outcome = _vehicle_outcome(devices[index], requested, dt_hours, balance.trips[index])
        balance.outcomes[index] = outcome
        balance.surplus_w += outcome.power_w


def vehicles_to_home(
    devices: Sequence[DeviceState], balance: Balance, dt_hours: float, reserve_fraction: float
) -> None:
    """Phase 6: DISCHARGING EVs (vehicle-to-home) cover what deficit is left, down to the reserve."""
    for index in balance.vehicle_to_home:
        device = devices[index]
        requested = balance.deficit_w if balance.deficit_w > EPSILON_W else 0.0
        floor = reserve_fraction * (device.capacity_wh or 0.0)
        outcome = _vehicle_outcome(device, requested, dt_hours, balance.trips[index], floor)
        balance.outcomes[index] = outcome
        balance.deficit_w -= outcome.power_w


def simulate_household(
    devices: Sequence[DeviceState],
    *,
    local_time: datetime,
    dt_hours: float,
    seed: str,
    latitude: float,
    longitude: float,
    ev_reserve_fraction: float = 0.2,
) -> list[DeviceOutcome]:
    """One tick for one household; one outcome per device, in input order.

    The phases, in order (stores never charge from another store's discharge): sources and
    commanded stores (commanded charging takes solar first, then the grid), DISCHARGING batteries,
    AUTO batteries, SOLAR-mode EVs, vehicle-to-home. The grid takes or gives the rest. EVs only
    exchange power while at home, for the share of the tick they are there; driving drains them.
    """
    home = Home.at(local_time, dt_hours, seed, latitude, longitude)
    if home.wall_s >= appliances.PREPARE_FROM_S and home.block >= 0:
        _prepare_tomorrow(home, devices)
    balance = sources_and_commands(devices, home, dt_hours)
    discharging_batteries(devices, balance, dt_hours)
    auto_batteries(devices, balance, dt_hours)
    solar_vehicles(devices, balance, dt_hours)
    vehicles_to_home(devices, balance, dt_hours, min(max(ev_reserve_fraction, 0.0), 1.0))
    return balance.outcomes  # type: ignore[return-value]
