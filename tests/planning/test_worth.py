"""What planning is worth (planning.worth, `make realism`): the issue's goals.

The goals are a whole year's: docs/plan-worth.md is that year (`PUBLISH=1 scripts/plan_worth.py`),
and its goals column must say they are met. A year takes minutes of CPU per home, so the suite
simulates a sample instead: four windows of REALISM_DAYS / 4 days (default 16 in all) from the first
of January, April, July and October, the same three homes and four variants, costs summed over the
windows. Over so few days the share of perfect foresight's saving is noisy (a hot week, whose air
conditioning the forecast gets wrong, can sink it; the year's 69-84 % was 56-86 % on this sample), so
the sample is held to SAMPLE_SHARE_PERCENT; every other goal holds as the year's.
"""

import os
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from planning import worth

DAYS = int(os.environ.get("REALISM_DAYS") or 16)
SAMPLE_SHARE_PERCENT = 45.0
REPORT = Path(settings.BASE_DIR) / "docs" / "plan-worth.md"


@pytest.fixture(scope="module")
def sample() -> dict[str, dict[str, tuple[float, int, int]]]:
    """Per home and variant: (net cost, days the target was feasible, days it was met), summed."""
    summed: dict[str, dict[str, tuple[float, int, int]]] = {}
    for month in (1, 4, 7, 10):
        measured = worth.measure(max(DAYS // 4, 1), date(2025, month, 1), progress=lambda line: None)
        for name, home in measured.items():
            for variant, result in home.variants.items():
                cost, feasible, met = summed.setdefault(name, {}).get(variant, (0.0, 0, 0))
                summed[name][variant] = (
                    cost + result.net_cost,
                    feasible + result.target_days,
                    met + result.target_days_met,
                )
    return summed


def test_optimized_and_smart_cost_less_than_auto_and_charging_in_every_home(sample):
    for name, variants in sample.items():
        assert variants["c"][0] < variants["b"][0], name


def test_planning_from_forecasts_captures_much_of_what_perfect_foresight_saves(sample):
    for name, variants in sample.items():
        b, c, d = (variants[v][0] for v in "bcd")
        assert d < b, name
        assert (b - c) / (b - d) * 100.0 >= SAMPLE_SHARE_PERCENT, name
        # The bound is a bound: no forecast beats perfect foresight by more than float dust.
        assert d <= c + 0.01, name


def test_the_cars_target_is_met_on_the_days_it_could_be(sample):
    for name, variants in sample.items():
        _, feasible, met = variants["c"]
        assert feasible > 0, name
        assert met / feasible * 100.0 >= worth.TARGET_GOAL_PERCENT, name


def test_the_published_year_meets_every_goal():
    text = REPORT.read_text()
    assert "(365 days)" in text
    rows = [line for line in text.splitlines() if re.match(r"\| (Berlin|Austin|Sydney)", line)]
    goals = [row.rstrip(" |").rsplit("|", 1)[-1].strip() for row in rows if "nMAE" not in row]
    assert goals[:3] == ["met", "met", "met"]
