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
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import SimpleNamespace

from devices.choices import ApplianceCategory as Category
from devices.choices import StorageMode as Mode
from devices.kinds import KINDS
from telemetry import appliances, solar
from telemetry.profiles import BLOCK_S, Blocks, block_mean

STORAGE_EFFICIENCY: float = 0.95
"""Charging adds |p|·dt·η Wh to a store; discharging removes p·dt/η Wh."""

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


HANDLERS: dict[str, Handler] = {kind.value: Handler(kind.physics) for kind in KINDS}
"""Each registry kind's handler; a kind naming none of the above fails here, at import."""


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


@dataclass(frozen=True, slots=True)
class DeviceOutcome:
    """One reading: power is the tick's mean, signed from the home's side; energy_wh = power_w · dt.

    EVs also say whether they were at home (plugged_in: present for at least half the tick) and how
    much the battery lost to driving (trip_wh, not part of the home's energy).
    """

    device_id: int
    power_w: float
    energy_wh: float
    charge_wh: float | None
    is_on: bool | None
    plugged_in: bool | None = None
    trip_wh: float = 0.0


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
    _today: appliances.HouseholdDay | None = None

    @classmethod
    def at(cls, local_time: datetime, dt_hours: float, seed: str, latitude: float, longitude: float) -> Home:
        t = local_time
        wall_s = t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6
        duration_s = dt_hours * 3600.0
        block = int(wall_s // BLOCK_S)
        if duration_s <= 0.0 or wall_s + duration_s > (block + 1) * BLOCK_S:
            block = -1
        return cls(seed, latitude, longitude, t.timestamp(), duration_s, t.toordinal(), wall_s, block)

    def day(self, ordinal: int) -> appliances.HouseholdDay:
        """The household's local day `ordinal` (its occupancy and devices' kernels)."""
        midnight = self.epoch_s - self.wall_s + (ordinal - self.ordinal) * 86_400.0
        return appliances.household_day(self.seed, ordinal, self.latitude, self.longitude, midnight)

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
    place = appliances.Place(home.latitude, home.longitude, today.place.midnight_epoch_s + 86_400.0)
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
    share = solar.panel_share(home.latitude, home.longitude, tilt, azimuth, home.epoch_s, home.duration_s)
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


def _vehicle_outcome(
    device: DeviceState,
    requested_w: float,
    dt_hours: float,
    at_home: tuple[float, float, float],
    floor_wh: float = 0.0,
) -> DeviceOutcome:
    """An EV's reading: the store steps only for the share of the tick it is plugged in.

    `requested_w` is the power wanted while plugged in; the reading is the tick's mean, so the
    rate limits hold for it too. Charge lost to driving is applied first.
    """
    share, charge, driven = at_home
    plugged_w, new_charge = store_step(
        device.capacity_wh,
        charge,
        requested_w,
        device.max_charge_rate_w,
        device.max_discharge_rate_w,
        dt_hours * share,
        floor_wh=floor_wh,
    )
    power = plugged_w * share if share > 0.0 else 0.0  # no -0.0 for a car that is away
    return DeviceOutcome(device.id, power, power * dt_hours, new_charge, None, share >= 0.5, driven)


# --- the household ----------------------------------------------------------------------------


def _vehicle_at_home(device: DeviceState, home: Home) -> tuple[float, float, float]:
    """(share of the tick at home, charge after this tick's driving, Wh driven off the battery)."""
    # Rounded so float dust in the block sums cannot leave an away car a 1e-10 share at home.
    away = round(home.wall_mean(lambda day: day.trip(device.id).away), 9)
    drain_w = home.wall_mean(lambda day: day.trip(device.id).drain_w)
    capacity = max(device.capacity_wh or 0.0, 0.0)
    charge = min(max(device.charge_wh or 0.0, 0.0), capacity)
    driven = min(drain_w * home.duration_s / 3600.0, charge)
    return 1.0 - away, charge - driven, driven


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

    Dispatch order (stores never charge from another store's discharge):
    1. solar panels and appliances (their means over the tick);
    2. owner-commanded stores: batteries CHARGING / IDLE, EVs CHARGING / IDLE while at home
       (commanded charging takes solar first, then the grid); then DISCHARGING batteries, at their
       full rate, exporting what the home does not use, except while a store charges on command:
       then they cover only the appliances' deficit, as anything more would flow into that store;
    3. AUTO batteries, in device order, absorb the solar surplus left after step 2 or cover the
       appliances' deficit left after solar and commanded discharge;
    4. SOLAR-mode EVs charge from the surplus the batteries left;
    5. DISCHARGING EVs (vehicle-to-home) cover what deficit the batteries left, down to the reserve.
    The grid takes or gives the rest. EVs only exchange power while at home, for the share of the
    tick they are there; driving drains them (trip_wh).
    """
    home = Home.at(local_time, dt_hours, seed, latitude, longitude)
    if home.wall_s >= appliances.PREPARE_FROM_S and home.block >= 0:
        _prepare_tomorrow(home, devices)
    reserve_fraction = min(max(ev_reserve_fraction, 0.0), 1.0)
    outcomes: list[DeviceOutcome | None] = [None] * len(devices)
    produced = consumed = commanded_in = commanded_out = 0.0
    auto: list[int] = []
    surplus_takers: list[int] = []
    vehicle_to_home: list[int] = []
    vehicles: dict[int, tuple[float, float, float]] = {}
    dischargers: list[int] = []

    for index, device in enumerate(devices):
        handler = HANDLERS.get(device.kind)
        if handler == Handler.SOLAR:
            power = solar_w(device, home)
            produced += power
            outcomes[index] = DeviceOutcome(device.id, power, power * dt_hours, None, None)
        elif handler == Handler.APPLIANCE:
            power = appliance_w(device, home)
            consumed -= power
            outcomes[index] = DeviceOutcome(device.id, power, power * dt_hours, None, power < 0.0)
        elif handler == Handler.VEHICLE:
            vehicles[index] = _vehicle_at_home(device, home)
            if device.mode == Mode.DISCHARGING:
                vehicle_to_home.append(index)
            elif device.mode == Mode.SOLAR:
                surplus_takers.append(index)
            else:
                requested = -(device.max_charge_rate_w or 0.0) if device.mode == Mode.CHARGING else 0.0
                outcomes[index] = _vehicle_outcome(device, requested, dt_hours, vehicles[index])
        elif handler == Handler.BATTERY:
            mode = device.mode or Mode.AUTO
            if mode == Mode.AUTO:
                auto.append(index)
                continue
            if mode == Mode.DISCHARGING:
                dischargers.append(index)
                continue
            requested = -(device.max_charge_rate_w or 0.0) if mode == Mode.CHARGING else 0.0
            outcomes[index] = _store_outcome(device, requested, dt_hours)
        else:
            raise ValueError(f"unknown device kind {device.kind!r} (device {device.id})")
        if handler in (Handler.BATTERY, Handler.VEHICLE) and outcomes[index] is not None:
            power = outcomes[index].power_w  # type: ignore[union-attr]
            commanded_in += max(-power, 0.0)
            commanded_out += max(power, 0.0)

    for index in dischargers:
        device = devices[index]
        requested = device.max_discharge_rate_w or 0.0
        if commanded_in > EPSILON_W:
            requested = min(requested, max(consumed - produced - commanded_out, 0.0))
        outcomes[index] = _store_outcome(device, requested, dt_hours)
        commanded_out += max(outcomes[index].power_w, 0.0)  # type: ignore[union-attr]

    surplus = produced - consumed - commanded_in
    deficit = consumed - produced - commanded_out
    for index in auto:
        requested = -surplus if surplus > EPSILON_W else (deficit if deficit > EPSILON_W else 0.0)
        outcomes[index] = _store_outcome(devices[index], requested, dt_hours)
        power = outcomes[index].power_w  # type: ignore[union-attr]
        surplus += min(power, 0.0)
        deficit -= max(power, 0.0)
    for index in surplus_takers:
        requested = -surplus if surplus > EPSILON_W else 0.0
        outcomes[index] = _vehicle_outcome(devices[index], requested, dt_hours, vehicles[index])
        surplus += outcomes[index].power_w  # type: ignore[union-attr]
    for index in vehicle_to_home:
        device = devices[index]
        requested = deficit if deficit > EPSILON_W else 0.0
        floor = reserve_fraction * (device.capacity_wh or 0.0)
        outcomes[index] = _vehicle_outcome(device, requested, dt_hours, vehicles[index], floor)
        deficit -= outcomes[index].power_w  # type: ignore[union-attr]
    return outcomes  # type: ignore[return-value]
