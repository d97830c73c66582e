"""Whole simulated years in-process (no database), for the realism suite and `make realism`.

`simulate_year` runs the production tick function (physics.simulate_household) over consecutive
instants, carrying stores' charge like the tick service does, and sums what the reports need.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from telemetry import solar
from telemetry.physics import DeviceOutcome, DeviceState, Kind, simulate_household


@dataclass(frozen=True, slots=True)
class City:
    name: str
    timezone: str
    latitude: float
    longitude: float
    yield_kwh_per_kwp: tuple[float, float]  # the reference range (PVGIS-like, 30° tilt, equator-facing)


CITIES = (
    City("Berlin", "Europe/Berlin", 52.52, 13.40, (950.0, 1050.0)),
    City("Oslo", "Europe/Oslo", 59.91, 10.75, (850.0, 950.0)),
    City("Madrid", "Europe/Madrid", 40.42, -3.70, (1550.0, 1700.0)),
    City("Austin", "America/Chicago", 30.27, -97.74, (1450.0, 1600.0)),
    City("Sydney", "Australia/Sydney", -33.87, 151.21, (1400.0, 1550.0)),
    City("Kolkata", "Asia/Kolkata", 22.57, 88.36, (1350.0, 1500.0)),
)


def city(name: str) -> City:
    return next(c for c in CITIES if c.name == name)


def _appliance(device_id: int, category: str, power_w: float) -> DeviceState:
    return DeviceState(device_id, Kind.APPLIANCE, average_power_w=power_w, category=category)


def flat_in_germany() -> list[DeviceState]:
    """A two-person flat: no electric heating, hot water or air conditioning."""
    return [
        _appliance(1, "fridge", 100.0),
        _appliance(2, "dishwasher", 2_000.0),
        _appliance(3, "washer", 2_000.0),
        _appliance(4, "oven", 2_500.0),
        _appliance(5, "lighting", 150.0),
        _appliance(6, "other", 180.0),
    ]


def house_in_the_us() -> list[DeviceState]:
    """A detached family house: central air, electric water heater, dryer."""
    return [
        _appliance(1, "air_conditioner", 3_000.0),
        _appliance(2, "fridge", 150.0),
        _appliance(3, "dishwasher", 1_800.0),
        _appliance(4, "washer", 500.0),
        _appliance(5, "dryer", 3_000.0),
        _appliance(6, "oven", 3_000.0),
        _appliance(7, "lighting", 300.0),
        _appliance(8, "water_heater", 4_500.0),
        _appliance(9, "other", 250.0),
    ]


def commuter_ev(device_id: int = 20, mode: str = "charging") -> DeviceState:
    return DeviceState(
        device_id,
        Kind.ELECTRIC_VEHICLE,
        capacity_wh=60_000.0,
        charge_wh=45_000.0,
        max_charge_rate_w=7_400.0,
        max_discharge_rate_w=7_400.0,
        mode=mode,
    )


def home_battery(device_id: int = 40) -> DeviceState:
    """10 kWh, 5 kW both ways, half full, AUTO."""
    return DeviceState(
        device_id,
        Kind.BATTERY,
        capacity_wh=10_000.0,
        charge_wh=5_000.0,
        max_charge_rate_w=5_000.0,
        max_discharge_rate_w=5_000.0,
        mode="auto",
    )


def panel(device_id: int = 30, rated_w: float = 1_000.0) -> DeviceState:
    return DeviceState(device_id, Kind.SOLAR_PANEL, rated_capacity_w=rated_w)


@dataclass
class Year:
    """Energy sums of a simulated span (Wh, from the home's side: + supplies, - draws)."""

    device_wh: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    device_month_wh: dict[tuple[int, int], float] = field(default_factory=lambda: defaultdict(float))
    import_wh: float = 0.0
    export_wh: float = 0.0
    trip_wh: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    max_imbalance_w: float = 0.0

    def kwh(self, device_id: int) -> float:
        return self.device_wh[device_id] / 1000.0


def instants(tz_name: str, first: date, days: int, step_s: int) -> list[datetime]:
    """Local instants from local midnight of `first`, every `step_s` seconds, for `days` days."""
    tz = ZoneInfo(tz_name)
    start = datetime(first.year, first.month, first.day, tzinfo=tz).astimezone(UTC)
    end_day = first + timedelta(days=days)
    end = datetime(end_day.year, end_day.month, end_day.day, tzinfo=tz).astimezone(UTC)
    count = int((end - start).total_seconds() // step_s)
    return [(start + timedelta(seconds=step_s * i)).astimezone(tz) for i in range(count)]


def prefetch_solar(where: City, devices: Sequence[DeviceState], first: date, days: int) -> None:
    """Compute a span's panel profiles in one vectorised pvlib pass (the tick would do it per day)."""
    for device in devices:
        if device.kind == Kind.SOLAR_PANEL:
            tilt = solar.DEFAULT_TILT_DEGREES if device.tilt_degrees is None else device.tilt_degrees
            azimuth = device.azimuth_degrees
            if azimuth is None:
                azimuth = solar.default_azimuth_degrees(where.latitude)
            solar.panel_days(where.latitude, where.longitude, tilt, azimuth, first.toordinal() - 1, days + 2)


def simulate(
    where: City,
    devices: Sequence[DeviceState],
    *,
    first: date = date(2025, 1, 1),
    days: int = 365,
    step_s: int = 900,
    seed: str = "realism",
    trace: list[tuple[datetime, list[DeviceOutcome]]] | None = None,
) -> Year:
    """Run the production physics over a span; stores carry their charge from tick to tick."""
    prefetch_solar(where, devices, first, days)
    devices = list(devices)
    year = Year()
    dt_hours = step_s / 3600.0
    for at in instants(where.timezone, first, days, step_s):
        outcomes = simulate_household(
            devices,
            local_time=at,
            dt_hours=dt_hours,
            seed=seed,
            latitude=where.latitude,
            longitude=where.longitude,
        )
        net = 0.0
        for outcome in outcomes:
            year.device_wh[outcome.device_id] += outcome.energy_wh
            year.device_month_wh[(outcome.device_id, at.month)] += outcome.energy_wh
            year.trip_wh[outcome.device_id] += outcome.trip_wh
            net += outcome.power_w
        year.import_wh += max(-net, 0.0) * dt_hours
        year.export_wh += max(net, 0.0) * dt_hours
        if trace is not None:
            trace.append((at, outcomes))
        devices = [
            dataclasses.replace(d, charge_wh=o.charge_wh) if o.charge_wh is not None else d
            for d, o in zip(devices, outcomes, strict=True)
        ]
    return year
