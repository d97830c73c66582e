"""Whole simulated years in-process (no database), for the realism suite and `make realism`.

`simulate_year` runs the production tick function (physics.simulate_household) over consecutive
instants, carrying stores' charge like the tick service does, and sums what the reports need.
"""

from __future__ import annotations

import dataclasses
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pvlib
from pvlib import iotools
from scipy import stats

from households import locations
from telemetry import appliances, sky, solar, weather
from telemetry.physics import DeviceOutcome, DeviceState, Kind, simulate_household
from telemetry.profiles import BLOCK_S, BLOCKS_PER_DAY, DayProfile


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
    charged_away_wh: dict[int, float] = field(default_factory=lambda: defaultdict(float))
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
            ratio = solar.DEFAULT_DC_AC_RATIO if device.dc_ac_ratio is None else device.dc_ac_ratio
            solar.panel_days(
                where.latitude, where.longitude, tilt, azimuth, first.toordinal() - 1, days + 2, ratio
            )


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
            year.charged_away_wh[outcome.device_id] += outcome.charged_away_wh
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


# --- real typical-year weather (pvlib's shipped files) through the same PV chain -----------------


@dataclass(frozen=True, slots=True)
class TypicalYear:
    """A typical-year weather file pvlib ships (measured and modelled hourly data of one station)."""

    name: str
    file: str
    latitude: float
    longitude: float


TYPICAL_YEARS = (
    TypicalYear("Greensboro NC (TMY3)", "723170TYA.CSV", 36.1, -79.95),
    TypicalYear("Sand Point AK (TMY3)", "703165TY.csv", 55.317, -160.517),
    TypicalYear("Miami FL (TMY2)", "12839.tm2", 25.8, -80.267),
)
SEASONS = {"DJF": (12, 1, 2), "MAM": (3, 4, 5), "JJA": (6, 7, 8), "SON": (9, 10, 11)}
COMPARED_YEAR = 2025


@dataclass(frozen=True, slots=True)
class SiteYear:
    """One year of a site through the PV chain: per solar day its date, yield (kWh/kWp) and kc,
    the hourly clear-sky index of daylight hours, and the daily mean temperature."""

    days: list[date]
    yield_kwh: np.ndarray
    daily_kc: np.ndarray
    hourly_kc: np.ndarray
    temperature_c: np.ndarray


def _typical_year_frame(site: TypicalYear) -> pd.DataFrame:
    """The file's hourly GHI (W/m²) and air temperature (°C), indexed by each hour's UTC start."""
    path = Path(pvlib.__file__).parent / "data" / site.file
    if site.file.endswith(".tm2"):
        # pvlib stamps a TMY2 hour at its start already (the file's hour field minus one).
        data, _ = iotools.read_tmy2(str(path))
        frame = pd.DataFrame({"ghi": data["GHI"], "temp_air": data["DryBulb"] / 10.0})
        start = pd.Timedelta(0)
    else:
        # TMY3 stamps are hour-ending, in local standard time: the hour starts one hour earlier.
        data, _ = iotools.read_tmy3(str(path), map_variables=True)
        frame = data[["ghi", "temp_air"]]
        start = pd.Timedelta(hours=1)
    index = pd.DatetimeIndex(frame.index).tz_convert("UTC") - start
    return pd.DataFrame(frame.to_numpy(), index=index, columns=["ghi", "temp_air"])


def _site_year(site: TypicalYear, days: list[solar.LocationDay]) -> SiteYear:
    ratio = solar.DEFAULT_DC_AC_RATIO
    tilt, azimuth = solar.DEFAULT_TILT_DEGREES, solar.default_azimuth_degrees(site.latitude)
    share = solar._ac_share(days, tilt, azimuth, ratio).reshape(len(days), BLOCKS_PER_DAY)
    clear = np.array([d.sky.ghi for d in days])
    kc = np.array([d.clear_sky_index for d in days])
    block_h = BLOCK_S / 3600.0
    hourly_clear = clear.reshape(len(days), 24, 12).sum(axis=2)
    hourly_kc = (kc * clear).reshape(len(days), 24, 12).sum(axis=2) / np.where(
        hourly_clear > 0, hourly_clear, 1
    )
    daylight = hourly_clear / 12 > 50.0
    return SiteYear(
        days=[date.fromordinal(date(COMPARED_YEAR, 1, 1).toordinal() + i) for i in range(len(days))],
        yield_kwh=share.sum(axis=1) * block_h,
        daily_kc=(kc * clear).sum(axis=1) / clear.sum(axis=1),
        hourly_kc=hourly_kc[daylight],
        temperature_c=np.array([d.temperature_c.mean() for d in days]),
    )


def typical_year(site: TypicalYear) -> SiteYear:
    """The real file's year through the production PV chain: its GHI as a clear-sky index on the
    model's clear sky (each five-minute block takes its hour's value), its temperature likewise."""
    frame = _typical_year_frame(site)
    first = date(COMPARED_YEAR, 1, 1).toordinal()
    clear = sky.clear_sky(site.latitude, site.longitude, first, 365)
    times = clear.times
    # The file's hour for each block: same month, day and UTC hour (typical years mix source years).
    key = frame.index.month * 10_000 + frame.index.day * 100 + frame.index.hour
    lookup = pd.DataFrame(frame.to_numpy(), index=key, columns=frame.columns)
    lookup = lookup[~lookup.index.duplicated()]
    block_key = times.month * 10_000 + times.day * 100 + times.hour
    rows = lookup.reindex(block_key).ffill().bfill()
    hour_clear = pd.Series(clear.ghi).groupby(np.asarray(block_key)).transform("mean").to_numpy()
    kc = np.where(hour_clear > 1.0, rows["ghi"].to_numpy() / np.maximum(hour_clear, 1.0), 0.0)
    kc = np.clip(kc, 0.0, 2.0)
    temperature = rows["temp_air"].to_numpy()
    days = []
    for i in range(365):
        part = slice(i * BLOCKS_PER_DAY, (i + 1) * BLOCKS_PER_DAY)
        day_sky = sky.Sky(*(getattr(clear, f)[part] for f in sky.Sky.__slots__))
        days.append(
            solar.LocationDay(
                day_sky,
                kc[part],
                temperature[part],
                DayProfile(kc[part] * day_sky.ghi),
                DayProfile(temperature[part]),
            )
        )
    return _site_year(site, days)


def modelled_year(site: TypicalYear, year: int = COMPARED_YEAR) -> SiteYear:
    """The weather model's year at the same place, through the same chain."""
    first = date(year, 1, 1).toordinal()
    return _site_year(site, solar.location_days(site.latitude, site.longitude, first, 365))


@dataclass(frozen=True, slots=True)
class Comparison:
    """The model against a real typical year at one site."""

    site: TypicalYear
    yearly_ratio: float
    monthly_mae: float
    """Mean absolute error of the monthly yields, as a share of the real monthly mean."""
    ks_by_season: dict[str, float]
    hours_above_105: float
    real_hours_above_105: float
    lag1: float
    real_lag1: float
    real: SiteYear
    model: SiteYear


def _months(year: SiteYear) -> np.ndarray:
    months = np.array([d.month for d in year.days])
    return np.array([year.yield_kwh[months == m].sum() for m in range(1, 13)])


def _lag1(values: np.ndarray) -> float:
    return float(np.corrcoef(values[:-1], values[1:])[0, 1])


def compare(site: TypicalYear) -> Comparison:
    real, model = typical_year(site), modelled_year(site)
    real_months, model_months = _months(real), _months(model)
    months = np.array([d.month for d in real.days])
    ks = {
        season: float(
            stats.ks_2samp(real.yield_kwh[np.isin(months, m)], model.yield_kwh[np.isin(months, m)]).statistic
        )
        for season, m in SEASONS.items()
    }
    return Comparison(
        site=site,
        yearly_ratio=float(model.yield_kwh.sum() / real.yield_kwh.sum()),
        monthly_mae=float(np.abs(model_months - real_months).mean() / real_months.mean()),
        ks_by_season=ks,
        hours_above_105=float((model.hourly_kc > 1.05).mean()),
        real_hours_above_105=float((real.hourly_kc > 1.05).mean()),
        lag1=_lag1(model.daily_kc),
        real_lag1=_lag1(real.daily_kc),
        real=real,
        model=model,
    )


def spread_given_the_month(site: TypicalYear) -> dict[str, float]:
    """KS distance per season between the file's daily kc and the sky's, the sky given the file's
    own monthly means: the spread of days within a month, apart from the climate table. A check of
    the sky only; the model is never calibrated on these files."""
    real = typical_year(site)
    first = date(COMPARED_YEAR, 1, 1).toordinal()
    clear = sky.clear_sky(site.latitude, site.longitude, first, 365).ghi.reshape(365, -1).sum(axis=1)
    months = np.array([d.month for d in real.days])
    own = tuple(
        float((real.daily_kc * clear)[months == m].sum() / clear[months == m].sum()) for m in range(1, 13)
    )
    model = weather.daily_clearness(site.latitude, site.longitude, COMPARED_YEAR, own)[:365]
    return {
        season: float(stats.ks_2samp(real.daily_kc[chosen], model[chosen]).statistic)
        for season, m in SEASONS.items()
        for chosen in [np.isin(months, m)]
    }


@dataclass(frozen=True, slots=True)
class Scatter:
    """The model against its own next year at a site: how far two years of one climate differ by
    chance (the floor under the real-data figures: a typical year is one sample, too)."""

    monthly_mae: float
    ks_by_season: dict[str, float]


def self_scatter(site: TypicalYear) -> Scatter:
    one, other = modelled_year(site), modelled_year(site, COMPARED_YEAR + 1)
    months = np.array([d.month for d in one.days])
    one_months, other_months = _months(one), _months(other)
    return Scatter(
        monthly_mae=float(np.abs(one_months - other_months).mean() / other_months.mean()),
        ks_by_season={
            season: float(stats.ks_2samp(one.yield_kwh[chosen], other.yield_kwh[chosen]).statistic)
            for season, m in SEASONS.items()
            for chosen in [np.isin(months, m)]
        },
    )


# --- a fleet of homes against the standard load profile (BDEW H0) -------------------------------

H0_SEASONS = {"winter": (11, 12, 1, 2, 3), "transition": (4, 5, 9, 10), "summer": (6, 7, 8)}
DAY_TYPES = ("workday", "saturday", "sunday")
QUARTERS_PER_DAY = 96


def fleet_profiles(
    where: City, devices: Sequence[DeviceState], homes: int, days: Sequence[date], seed: str = "fleet"
) -> dict[tuple[str, str], np.ndarray]:
    """The fleet's mean 15-minute appliance load (W) per (season, day type), from the production
    physics over the given local days (a holiday counts as a Sunday)."""
    tz = ZoneInfo(where.timezone)
    country = appliances_country(where.timezone)
    sums: dict[tuple[str, str], np.ndarray] = {}
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for day in days:
        season = next(name for name, months in H0_SEASONS.items() if day.month in months)
        key = (season, DAY_TYPES[appliances.day_type(day.toordinal(), country)])
        start = datetime(day.year, day.month, day.day, tzinfo=tz)
        for home in range(homes):
            load = np.zeros(QUARTERS_PER_DAY)
            for quarter in range(QUARTERS_PER_DAY):
                at = (start.astimezone(UTC) + timedelta(minutes=15 * quarter)).astimezone(tz)
                outcomes = simulate_household(
                    devices,
                    local_time=at,
                    dt_hours=0.25,
                    seed=f"{seed}|{home}",
                    latitude=where.latitude,
                    longitude=where.longitude,
                )
                load[quarter] = -sum(o.power_w for o in outcomes if o.power_w < 0)
            sums[key] = sums.get(key, np.zeros(QUARTERS_PER_DAY)) + load
            counts[key] += 1
    return {key: total / counts[key] for key, total in sums.items()}


def fleet_profiles_by_day(
    where: City, devices: Sequence[DeviceState], homes: int, days: Sequence[date], seed: str = "fleet"
) -> dict[tuple[str, str], np.ndarray]:
    """fleet_profiles' figures read straight from each home's appliance day (the five-minute kernels
    simulate_household takes a tick's mean of), about twenty times faster: a fleet large enough that
    a 15-minute peak is the fleet's, not chance. Days on which the clocks change are left out."""
    tz = ZoneInfo(where.timezone)
    country = appliances_country(where.timezone)
    per_quarter = BLOCKS_PER_DAY // QUARTERS_PER_DAY
    sums: dict[tuple[str, str], np.ndarray] = {}
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for day in days:
        start = datetime(day.year, day.month, day.day, tzinfo=tz)
        if (start + timedelta(days=1)).utcoffset() != start.utcoffset():
            continue
        season = next(name for name, months in H0_SEASONS.items() if day.month in months)
        key = (season, DAY_TYPES[appliances.day_type(day.toordinal(), country)])
        place = appliances.Place(where.latitude, where.longitude, start.timestamp(), country)
        for home in range(homes):
            household_day = appliances.HouseholdDay(f"{seed}|{home}", day.toordinal(), place)
            load = np.zeros(BLOCKS_PER_DAY)
            for device in devices:
                kernel = household_day.appliance(device.id, device.category)
                load += (device.average_power_w or 0.0) * np.array(
                    [kernel.value(block) for block in range(BLOCKS_PER_DAY)]
                )
            sums[key] = sums.get(key, np.zeros(QUARTERS_PER_DAY)) + load.reshape(-1, per_quarter).mean(axis=1)
            counts[key] += 1
    return {key: total / counts[key] for key, total in sums.items()}


def appliances_country(timezone: str) -> str | None:
    return locations.zone_countries().get(timezone)


def h0_profiles() -> dict[tuple[str, str], np.ndarray]:
    """BDEW's standard household profile (H25, as `demandlib` ships it) per (season, day type):
    the mean of its months' 15-minute values times BDEW's seasonal dynamisation, scaled to a mean of 1.
    Read from demandlib's table: its profile builder fails under pandas 3. demandlib is a dev
    dependency, imported here only."""
    from demandlib.bdew import elec_slp

    table = resources.files("demandlib.bdew").joinpath("bdew_data", "h25.csv")
    frame = pd.read_csv(io.StringIO(table.read_text(encoding="utf-8")), header=[0, 1], index_col=0)
    months = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ]
    columns = {"workday": "WT", "saturday": "SA", "sunday": "FT"}
    profiles = {}
    for season, numbers in H0_SEASONS.items():
        for day_type in DAY_TYPES:
            values = np.mean(
                [frame[(months[m - 1], columns[day_type])].to_numpy(float) for m in numbers], axis=0
            )
            profiles[(season, day_type)] = values
    # BDEW scales a household's profile through the year with its dynamisation polynomial (winter
    # days up to ~1.24, summer ~0.8); each season takes the mean factor of its days.
    year = pd.date_range(f"{COMPARED_YEAR}-01-01", periods=365 * QUARTERS_PER_DAY, freq="15min")
    factor = elec_slp.dynamisation_function(year).to_numpy()
    months = year.month.to_numpy()
    for (season, day_type), values in profiles.items():
        profiles[(season, day_type)] = values * factor[np.isin(months, H0_SEASONS[season])].mean()
    overall = np.mean([p.mean() for p in profiles.values()])
    return {key: value / overall for key, value in profiles.items()}


def sample_days(year: int, every: int = 7, offset: int = 0) -> list[date]:
    """Every `every`-th day of a year from `offset`, so every weekday and season is sampled."""
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range(offset, 365, every)]


@dataclass(frozen=True, slots=True)
class ProfileMatch:
    """One season x day type: the fleet's mean 15-minute profile against H0's."""

    pearson_r: float
    peak_to_mean: float
    h0_peak_to_mean: float


def h0_comparison(
    fleet: dict[tuple[str, str], np.ndarray],
) -> tuple[dict[tuple[str, str], ProfileMatch], float, float]:
    """(per profile: r and peak/mean, the fleet's winter/summer kWh per day, H0's)."""
    h0 = h0_profiles()
    matches = {
        key: ProfileMatch(
            float(np.corrcoef(fleet[key], h0[key])[0, 1]),
            float(fleet[key].max() / fleet[key].mean()),
            float(h0[key].max() / h0[key].mean()),
        )
        for key in h0
        if key in fleet
    }

    def winter_over_summer(profiles: dict[tuple[str, str], np.ndarray]) -> float:
        weights = {"workday": 5.0, "saturday": 1.0, "sunday": 1.0}
        season = {
            name: sum(weights[d] * profiles[(name, d)].mean() for d in DAY_TYPES if (name, d) in profiles)
            / sum(weights[d] for d in DAY_TYPES if (name, d) in profiles)
            for name in ("winter", "summer")
        }
        return season["winter"] / season["summer"]

    return matches, winter_over_summer(fleet), winter_over_summer(h0)


def yearly_kwh_by_home(where: City, devices: Sequence[DeviceState], homes: int, every: int = 7) -> np.ndarray:
    """Each home's yearly appliance kWh, estimated from every `every`-th day (hourly ticks)."""
    tz = ZoneInfo(where.timezone)
    totals = np.zeros(homes)
    for day in sample_days(COMPARED_YEAR, every):
        start = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
        for home in range(homes):
            for hour in range(24):
                outcomes = simulate_household(
                    devices,
                    local_time=(start + timedelta(hours=hour)).astimezone(tz),
                    dt_hours=1.0,
                    seed=f"fleet|{home}",
                    latitude=where.latitude,
                    longitude=where.longitude,
                )
                totals[home] -= sum(o.energy_wh for o in outcomes if o.energy_wh < 0)
    return totals * every / 1000.0
