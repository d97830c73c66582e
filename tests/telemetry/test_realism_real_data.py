"""The model against real data: pvlib's shipped typical-year weather files through the same PV chain,
and BDEW's standard household load profile (H25 via `demandlib`) against a fleet of German flats.

In-process and seeded, so every run measures the same figures; `make realism` reports them in full.
A typical year holds ~90 days a season, so even a perfect model's daily-yield distribution scatters
by a Kolmogorov-Smirnov distance of about 0.15 against it.
"""

from datetime import date

import numpy as np
import pytest

from telemetry import realism

YEARLY_TOLERANCE = 0.07
MONTHLY_MAE_MAX = 0.10
SEASON_KS_MAX = 0.2
MEDIAN_KS_MAX = 0.12
LAG1_TOLERANCE = 0.1
PEAK_TOLERANCE = 0.2
FLEET_HOMES = 24
FLEET_EVERY_DAYS = 5


@pytest.fixture(scope="module")
def comparisons() -> dict[str, realism.Comparison]:
    return {site.name: realism.compare(site) for site in realism.TYPICAL_YEARS}


SITES = [site.name for site in realism.TYPICAL_YEARS]


@pytest.mark.parametrize("site", SITES)
def test_the_yearly_yield_matches_real_weather_through_the_same_chain(comparisons, site):
    assert abs(comparisons[site].yearly_ratio - 1.0) <= YEARLY_TOLERANCE


CLIMATE_GAP = (
    "a target not met yet: the monthly clearness the sky is calibrated on (telemetry/climate.py's stations, "
    "about +-10 %) is off at these sites; docs/realism.md shows the figures and the model's own "
    "year-to-year scatter"
)


@pytest.mark.parametrize(
    "site",
    [
        pytest.param(site, marks=pytest.mark.xfail(strict=True, reason=CLIMATE_GAP))
        if site.startswith("Sand Point")
        else site
        for site in SITES
    ],
)
def test_the_monthly_yields_match_real_weather(comparisons, site):
    assert comparisons[site].monthly_mae <= MONTHLY_MAE_MAX


@pytest.mark.xfail(strict=True, reason=CLIMATE_GAP)
def test_the_daily_yield_is_spread_like_real_weather_in_every_season(comparisons):
    ks = [v for comparison in comparisons.values() for v in comparison.ks_by_season.values()]
    assert max(ks) <= SEASON_KS_MAX
    assert np.median(ks) <= MEDIAN_KS_MAX


def test_given_the_months_mean_the_days_are_spread_like_real_weather():
    """The sky alone, apart from the climate table: given each file's own monthly means, the days'
    clear-sky indices fall like the file's (overcast floor, clear-day pile, the spread between)."""
    ks = [v for site in realism.TYPICAL_YEARS for v in realism.spread_given_the_month(site).values()]
    assert max(ks) <= SEASON_KS_MAX
    assert np.median(ks) <= MEDIAN_KS_MAX


@pytest.mark.parametrize("site", SITES)
def test_hours_brighter_than_clear_sky_are_as_rare_as_cloud_enhancement(comparisons, site):
    assert 0.005 <= comparisons[site].hours_above_105 <= 0.05


@pytest.mark.parametrize("site", SITES)
def test_clear_and_dull_spells_last_as_long_as_real_ones(comparisons, site):
    comparison = comparisons[site]
    assert abs(comparison.lag1 - comparison.real_lag1) <= LAG1_TOLERANCE


@pytest.fixture(scope="module")
def fleet() -> dict[tuple[str, str], np.ndarray]:
    days = realism.sample_days(realism.COMPARED_YEAR, FLEET_EVERY_DAYS)
    return realism.fleet_profiles(realism.city("Berlin"), realism.flat_in_germany(), FLEET_HOMES, days)


def test_german_flats_are_shaped_like_the_standard_load_profile(fleet):
    matches, winter_over_summer, _ = realism.h0_comparison(fleet)
    assert len(matches) == 9
    assert all(match.pearson_r >= 0.85 for match in matches.values()), matches
    assert 1.2 <= winter_over_summer <= 1.4


def test_a_fleets_load_read_from_its_appliance_days_is_what_the_tick_draws():
    berlin, flat = realism.city("Berlin"), realism.flat_in_germany()
    days = [date(2025, 2, 4), date(2025, 7, 6)]
    ticked = realism.fleet_profiles(berlin, flat, 3, days)
    read = realism.fleet_profiles_by_day(berlin, flat, 3, days)
    assert read.keys() == ticked.keys()
    for key, load in ticked.items():
        np.testing.assert_allclose(read[key], load, rtol=1e-9, atol=1e-6)


def test_german_flats_peak_no_sharper_than_the_standard_load_profile():
    # 100 homes on every third day (~400 home-days a profile): a smaller fleet's 15-minute peak is
    # mostly chance (24 homes: up to 1.37 times H0's).
    days = realism.sample_days(realism.COMPARED_YEAR, 3)
    fleet = realism.fleet_profiles_by_day(realism.city("Berlin"), realism.flat_in_germany(), 100, days)
    matches, _, _ = realism.h0_comparison(fleet)
    assert len(matches) == 9
    ratios = {key: match.peak_to_mean / match.h0_peak_to_mean for key, match in matches.items()}
    assert all(1 - PEAK_TOLERANCE <= ratio <= 1 + PEAK_TOLERANCE for ratio in ratios.values()), ratios


def test_homes_of_one_preset_differ_like_real_ones():
    kwh = realism.yearly_kwh_by_home(realism.city("Berlin"), realism.flat_in_germany(), homes=100, every=28)
    assert 0.2 <= kwh.std() / kwh.mean() <= 0.4
    assert 1_500 <= kwh.mean() <= 3_500
