"""Deterministic weather, coherent in space and time: a clear-sky index and an outdoor temperature.

Daily clearness. Each day's clear-sky index kc (the day's GHI over pvlib's clear-sky GHI) is drawn
from the distribution of Bendt, Collares-Pereira and Rabl (1981, "The frequency distribution of
daily insolation values", Solar Energy 27): f(kc) ∝ exp(g·kc) on [KC_MIN, KC_MAX], g chosen so the
mean is the month's climate (telemetry.climate.local). The floor KC_MIN is an overcast day's: Kasten
and Czeplak (1980, Solar Energy 24) put GHI under a fully overcast sky (8 oktas) at 0.25 of clear
sky on average, so thick overcast days sit just below it; no day of pvlib's typical-year files falls
under 0.2. The draw goes through a Gaussian copula: a standard normal "weather state" per place and
day, autoregressive from day to day (lag-1 DAY_RHO), so spells of clear and dull days last as long
as real ones (typical-year files: 0.32-0.34). Each calendar month's states are then shifted by one
offset so the month averages its climate, as Aguiar, Collares-Pereira and Conde's procedure (1988,
Solar Energy 40) and Meteonorm keep a generated month on its mean: a month's chance excursion from
its climate would otherwise dominate the spread of its days; the shift keeps the days' ranking.

Space. The weather state is a smooth random field: seeded standard normals at the nodes of
LATTICES coarse lattices (km apart, each with its own offset), interpolated bilinearly and
normalised so the variance is 1 everywhere. Neighbours therefore share most of their weather, the
correlation falls smoothly with distance (about 0.9 at 25 km and 0.2 at 500 km) and no grid line is
a seam. The same holds for the temperature anomaly, a second field.

Within a day, five-minute blocks vary around the day's kc (AR(1), BLOCK_RHO): most on broken days,
little under overcast and nearly none on clear days; bright cloud edges lift some blocks above 1
(cloud enhancement). The blocks are rescaled so the day keeps its drawn kc.

Temperature: the climate's daily normal, plus a day anomaly (its own field, DAY_RHO_T, scaled by
the month's day-to-day SD, skewed toward cold snaps in the cold half of the year and heat waves in
the warm half, warmer on clear summer days and colder on clear winter days) and a diurnal cycle
peaking mid-afternoon whose swing is widest under clear skies.
"""

from __future__ import annotations

import math
from datetime import date
from functools import lru_cache

import numpy as np
from scipy import special
from scipy.signal import lfilter

from telemetry import climate
from telemetry.profiles import BLOCK_S, BLOCKS_PER_DAY

KC_MIN, KC_MAX = 0.2, 1.05
DAY_RHO = 0.40
DAY_RHO_T = 0.75
WARMUP_DAYS = 30
LATTICES = ((120.0, 0.45), (400.0, 0.35), (1_500.0, 0.20))
"""(node spacing km, share of the variance) of the lattices the weather fields are built from."""
KM_PER_DEGREE = 111.2
BLOCK_RHO = 0.88
BLOCK_SD_MAX = 0.33
ENHANCED_KC_MAX = 1.45
SKEW = 0.12
CLEAR_SKY_WARMING_C = 2.5
"""A clear day's anomaly vs an average one in midsummer (the opposite in midwinter)."""
STATE_SWING = (0.55, 1.35)
"""Diurnal swing multiplier from an overcast (kc 0) to a clear day (kc 1)."""
WARMEST_HOUR = 15.0
SKY, TEMPERATURE = 1, 2


def _position_km(latitude: float, longitude: float) -> tuple[float, float]:
    return longitude * KM_PER_DEGREE * math.cos(math.radians(latitude)), latitude * KM_PER_DEGREE


def _node_noise(stream: int, lattice: int, i: int, j: int, year: int) -> np.ndarray:
    """Standard normals of one lattice node, for every day of `year` (366 values; seeded)."""
    rng = np.random.default_rng([stream, lattice, i + (1 << 20), j + (1 << 20), year])
    return rng.standard_normal(366)


def _node_days(stream: int, lattice: int, i: int, j: int, first: int, days: int) -> np.ndarray:
    """A node's normals over consecutive day ordinals [first, first + days)."""
    start, end = date.fromordinal(first), date.fromordinal(first + days - 1)
    parts = []
    for year in range(start.year, end.year + 1):
        jan1 = date(year, 1, 1).toordinal()
        lo = max(first, jan1) - jan1
        hi = min(first + days, date(year + 1, 1, 1).toordinal()) - jan1
        parts.append(_node_noise(stream, lattice, i, j, year)[lo:hi])
    return np.concatenate(parts)


def field_innovations(stream: int, latitude: float, longitude: float, first: int, days: int) -> np.ndarray:
    """The spatial field's standard normals at a place over consecutive days (variance 1)."""
    x, y = _position_km(latitude, longitude)
    total = np.zeros(days)
    for lattice, (spacing, share) in enumerate(LATTICES):
        offset = 0.37 * (lattice + 1) * spacing
        u, v = (x + offset) / spacing, (y + 0.61 * offset) / spacing
        i, j = math.floor(u), math.floor(v)
        fu, fv = u - i, v - j
        corners = ((0, 0, (1 - fu) * (1 - fv)), (1, 0, fu * (1 - fv)), (0, 1, (1 - fu) * fv), (1, 1, fu * fv))
        norm = math.sqrt(sum(w * w for _, _, w in corners))
        for di, dj, weight in corners:
            if weight > 0.0:
                noise = _node_days(stream, lattice, i + di, j + dj, first, days)
                total += math.sqrt(share) * weight / norm * noise
    return total


def _state(stream: int, rho: float, latitude: float, longitude: float, year: int) -> np.ndarray:
    """The AR(1) weather state over a calendar year (stationary: warmed up on the days before)."""
    first = date(year, 1, 1).toordinal() - WARMUP_DAYS
    days = date(year + 1, 1, 1).toordinal() - first
    shocks = field_innovations(stream, latitude, longitude, first, days) * math.sqrt(1.0 - rho * rho)
    series = lfilter([1.0], [1.0, -rho], shocks)
    return series[WARMUP_DAYS:]


def _bendt_mean(gamma: float) -> float:
    a, b = KC_MIN, KC_MAX
    if abs(gamma) < 1e-6:
        return (a + b) / 2
    return (b * math.exp(gamma * (b - a)) - a) / (math.exp(gamma * (b - a)) - 1.0) - 1.0 / gamma


_GAMMAS = np.linspace(-40.0, 40.0, 801)
_MEANS = np.array([_bendt_mean(g) for g in _GAMMAS])


def _bendt_gamma(mean_kc: np.ndarray) -> np.ndarray:
    """Bendt et al.'s exponent g for days whose month has mean `mean_kc`."""
    mean = np.clip(mean_kc, _MEANS[0] + 1e-4, _MEANS[-1] - 1e-4)
    gamma = np.interp(mean, _MEANS, _GAMMAS)
    return np.where(np.abs(gamma) < 1e-6, 1e-6, gamma)


_MID_MONTH_DOY = np.array(climate.MID_MONTH_DOY)
SHIFT_STEPS = 20
SHIFT_RANGE = 3.0


@lru_cache(maxsize=8)
def _month_of_day(year: int) -> np.ndarray:
    """The month (0-11) of each day of a calendar year."""
    days = np.arange(f"{year}-01-01", f"{year + 1}-01-01", dtype="datetime64[D]")
    return days.astype("datetime64[M]").astype(int) % 12


def _months_on_climate(mean_kc: np.ndarray, state: np.ndarray, year: int) -> np.ndarray:
    """Daily kc (Bendt et al.'s quantile of the day's weather state) whose calendar months each
    average their climate: each month's states shifted by one offset, found by bisection (monotone:
    a higher state is a clearer day)."""
    month = _month_of_day(year)
    counts = np.bincount(month, minlength=12)
    target = np.bincount(month, weights=mean_kc, minlength=12) / counts
    gamma = _bendt_gamma(mean_kc)
    scale = np.expm1(gamma * (KC_MAX - KC_MIN))

    def kc_at(shift: np.ndarray) -> np.ndarray:
        u = np.clip(special.ndtr(state + shift[month]), 1e-9, 1.0 - 1e-9)
        return KC_MIN + np.log1p(u * scale) / gamma

    low, high = np.full(12, -SHIFT_RANGE), np.full(12, SHIFT_RANGE)
    for _ in range(SHIFT_STEPS):
        middle = (low + high) / 2
        above = np.bincount(month, weights=kc_at(middle), minlength=12) / counts > target
        high = np.where(above, middle, high)
        low = np.where(above, low, middle)
    return kc_at((low + high) / 2)


def _on_days(monthly: tuple[float, ...], doy: np.ndarray) -> np.ndarray:
    """A monthly climate value on each day of the year, interpolated between mid-months."""
    return np.interp(doy, _MID_MONTH_DOY, np.asarray(monthly), period=365.0)


def daily_clearness(latitude: float, longitude: float, year: int, clearness: tuple[float, ...]) -> np.ndarray:
    """Each day's kc at a place over a calendar year, for a climate of monthly mean `clearness`."""
    doy = np.arange(1, date(year + 1, 1, 1).toordinal() - date(year, 1, 1).toordinal() + 1)
    state = _state(SKY, DAY_RHO, latitude, longitude, year)
    return _months_on_climate(_on_days(clearness, doy), state, year)


@lru_cache(maxsize=2048)
def _year(latitude: float, longitude: float, year: int) -> tuple[np.ndarray, np.ndarray]:
    """(daily kc, daily temperature anomaly °C) at a place over a calendar year."""
    local = climate.local(latitude, longitude)
    days = date(year + 1, 1, 1).toordinal() - date(year, 1, 1).toordinal()
    doy = np.arange(1, days + 1)
    mean_kc = _on_days(local.clearness, doy)
    kc = daily_clearness(latitude, longitude, year, local.clearness)
    normals = _on_days(local.temperature_c, doy)
    sd = _on_days(local.daily_sd_c, doy)
    midpoint = (max(local.temperature_c) + min(local.temperature_c)) / 2
    spread = max(max(local.temperature_c) - min(local.temperature_c), 0.1) / 2
    warmth = np.clip((normals - midpoint) / spread, -1.0, 1.0)  # +1 midsummer, -1 midwinter
    z = _state(TEMPERATURE, DAY_RHO_T, latitude, longitude, year)
    skewed = z + SKEW * warmth * (z * z - 1.0)
    anomaly = sd * skewed + CLEAR_SKY_WARMING_C * warmth * (kc - mean_kc) / 0.3
    return kc, anomaly


def daily(latitude: float, longitude: float, ordinal: int) -> tuple[float, float]:
    """(the day's clear-sky index, its temperature anomaly °C) at a place."""
    when = date.fromordinal(ordinal)
    kc, anomaly = _year(round(latitude, 2), round(longitude, 2), when.year)
    index = when.timetuple().tm_yday - 1
    return float(kc[index]), float(anomaly[index])


def block_sd(kc: float) -> float:
    """Block-to-block spread of kc on a day of mean kc: widest on broken days."""
    broken = min(max(4.0 * kc * (1.0 - kc), 0.0), 1.0)
    return BLOCK_SD_MAX * broken**1.2


def clear_sky_index(latitude: float, longitude: float, ordinal: int, clear_ghi: np.ndarray) -> np.ndarray:
    """The 288 block values of the clear-sky index for a solar day; the day keeps its drawn kc
    (weighted by the clear-sky GHI `clear_ghi` of its blocks)."""
    kc, _ = daily(latitude, longitude, ordinal)
    sd = block_sd(kc)
    if sd <= 1e-6:
        return np.full(BLOCKS_PER_DAY, kc)
    cell = (round(latitude * 100), round(longitude * 100))
    rng = np.random.default_rng([cell[0] + 100_000, cell[1] + 100_000, ordinal])
    shocks = rng.standard_normal(BLOCKS_PER_DAY) * sd * math.sqrt(1.0 - BLOCK_RHO**2)
    start = rng.standard_normal() * sd
    series = lfilter([1.0], [1.0, -BLOCK_RHO], shocks, zi=[BLOCK_RHO * start])[0]
    blocks = np.clip(kc + series, 0.02, ENHANCED_KC_MAX)
    weight = float(np.sum(clear_ghi))
    if weight > 0.0:
        blocks = np.clip(blocks * (kc * weight / float(np.sum(blocks * clear_ghi))), 0.02, ENHANCED_KC_MAX)
    return blocks


def temperature_c(latitude: float, longitude: float, ordinal: int) -> np.ndarray:
    """The 288 block values of the outdoor air temperature for a solar day."""
    local = climate.local(round(latitude, 2), round(longitude, 2))
    kc, anomaly = daily(latitude, longitude, ordinal)
    normal = float(
        _on_days(local.temperature_c, np.array([date.fromordinal(ordinal).timetuple().tm_yday]))[0]
    )
    hours = (np.arange(BLOCKS_PER_DAY) + 0.5) * BLOCK_S / 3600.0
    low, high = STATE_SWING
    swing = 0.5 * local.diurnal_range_c * (low + (high - low) * min(max(kc, 0.0), 1.0))
    return normal + anomaly + swing * np.cos(2.0 * math.pi * (hours - WARMEST_HOUR) / 24.0)
