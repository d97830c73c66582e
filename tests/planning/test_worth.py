"""What planning is worth (planning.worth, `make realism`): the issue's goals, asserted over a window.

The published figures (docs/plan-worth.md) are whole simulated years; the suite simulates
REALISM_DAYS days (default 7) from New Year, the same three homes and four variants, in-process.
"""

import os
from datetime import date

import pytest

from planning import worth

DAYS = int(os.environ.get("REALISM_DAYS") or 7)


@pytest.fixture(scope="module")
def measured() -> dict[str, worth.Measured]:
    return worth.measure(DAYS, date(2025, 1, 1), progress=lambda line: None)


def test_optimized_and_smart_cost_less_than_auto_and_charging_in_every_home(measured):
    for name, home in measured.items():
        b, c = home.variants["b"].net_cost, home.variants["c"].net_cost
        assert c < b, name


def test_planning_from_forecasts_captures_most_of_what_perfect_foresight_saves(measured):
    for name, home in measured.items():
        share = worth.share_of_bound(home)
        assert share is not None and share >= worth.SHARE_GOAL_PERCENT, (name, share)
        # The bound is a bound: no forecast beats perfect foresight by more than float dust.
        assert home.variants["d"].net_cost <= home.variants["c"].net_cost + 0.01, name


def test_the_cars_target_is_met_on_the_days_it_could_be(measured):
    for name, home in measured.items():
        c = home.variants["c"]
        assert c.target_days > 0, name
        assert c.target_met_percent >= worth.TARGET_GOAL_PERCENT, name


def test_no_goal_is_missed_and_the_forecast_errors_are_those_of_a_forecast(measured):
    for name, home in measured.items():
        assert worth.missed_goals(home) == [], name
        assert 0.0 < home.errors.daily_solar_nmae < 1.0, name
        assert 0.0 < home.errors.hourly_load_nmae < 1.0, name
