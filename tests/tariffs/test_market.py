"""The day-ahead market: its shape, its yearly statistics, publication, ENTSO-E import, zones."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tariffs import market
from tariffs.models import MarketDay, MarketPrice
from tariffs.selectors import default_terms, market_prices_at
from tariffs.services import market_publish
from tariffs.zones import ZONES, zone_of

DOC = Path(__file__).resolve().parents[2] / "docs" / "money.md"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("code", list(ZONES))
def test_the_yearly_statistics_in_the_docs_are_the_models(code):
    """docs/money.md's table is what the model gives for 2024, and near the published means."""
    row = re.search(
        rf"^\| {re.escape(code)} \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| (\d+) \| [^|]+ \| ([\d.]+) \|$",
        DOC.read_text(),
        re.M,
    )
    assert row is not None, f"{code} missing from docs/money.md"
    stats = market.year_statistics(code, 2024)
    assert float(row[1]) == round(stats.mean_per_mwh, 1)
    assert float(row[3]) == round(stats.std_per_mwh, 1)
    assert int(row[4]) == round(stats.negative_hours)
    assert float(row[5]) == round(stats.peak_base_ratio, 2)
    assert stats.mean_per_mwh == pytest.approx(ZONES[code].mean_per_mwh, rel=0.05)
    if ZONES[code].negative_hours:
        assert stats.negative_hours == pytest.approx(ZONES[code].negative_hours, rel=0.2)


def _hourly_means(code: str, days: list[date]) -> list[float]:
    zone = ZONES[code]
    sums, counts = [0.0] * 24, [0] * 24
    for day in days:
        for interval in market.day_prices(code, day):
            hour = interval.start.astimezone(market.ZoneInfo(zone.timezone)).hour
            sums[hour] += float(interval.price_per_mwh)
            counts[hour] += 1
    return [s / c for s, c in zip(sums, counts, strict=True)]


def test_the_daily_shape_has_a_night_trough_two_peaks_and_a_solar_dip_that_deepens_in_summer():
    winter = [
        date(2024, 1, 8) + timedelta(days=d)
        for d in range(60)
        if (date(2024, 1, 8) + timedelta(days=d)).weekday() < 5
    ]
    summer = [
        date(2024, 6, 3) + timedelta(days=d)
        for d in range(60)
        if (date(2024, 6, 3) + timedelta(days=d)).weekday() < 5
    ]
    for days in (winter, summer):
        means = _hourly_means("DE-LU", days)
        assert min(means[2:6]) < means[8] and min(means[2:6]) < means[19]  # night trough below both peaks
    winter_dip = _hourly_means("DE-LU", winter)[19] - _hourly_means("DE-LU", winter)[13]
    summer_dip = _hourly_means("DE-LU", summer)[19] - _hourly_means("DE-LU", summer)[13]
    assert summer_dip > winter_dip + 30


def test_negative_hours_in_de_lu_are_spring_and_summer_middays_mostly_on_weekends_and_holidays():
    zone = ZONES["DE-LU"]
    negative: list[tuple[date, int]] = []
    day = date(2024, 1, 1)
    while day.year == 2024:
        for interval in market.day_prices("DE-LU", day):
            if interval.price_per_mwh < 0:
                negative.append((day, interval.start.astimezone(market.ZoneInfo(zone.timezone)).hour))
        day += timedelta(days=1)
    assert all(3 <= d.month <= 9 for d, _ in negative)
    assert all(8 <= hour <= 17 for _, hour in negative)
    days = {d for d, _ in negative}
    summer = [date(2024, 3, 1) + timedelta(days=n) for n in range(214)]
    low = [d for d in summer if market.is_low_demand(zone, d)]
    high = [d for d in summer if not market.is_low_demand(zone, d)]
    # A weekend or holiday day is far likelier to go negative than a working day.
    assert len(days & set(low)) / len(low) > 1.5 * len(days & set(high)) / len(high)


def test_weekends_and_holidays_are_cheaper():
    days = [date(2024, 1, 1) + timedelta(days=d) for d in range(366)]
    daily = {d: sum(float(i.price_per_mwh) for i in market.day_prices("ES", d)) / 96 for d in days}
    low = [v for d, v in daily.items() if market.is_low_demand(ZONES["ES"], d)]
    high = [v for d, v in daily.items() if not market.is_low_demand(ZONES["ES"], d)]
    assert sum(low) / len(low) < 0.9 * sum(high) / len(high)


@pytest.mark.django_db
def test_tomorrow_is_published_at_the_markets_publication_time():
    before = market_publish(now=utc(2026, 12, 7, 11, 59))  # 12:59 CET
    assert before["DE-LU"] == [date(2026, 12, 7)]
    assert not MarketDay.objects.filter(zone="DE-LU", day=date(2026, 12, 8)).exists()
    after = market_publish(now=utc(2026, 12, 7, 12, 0))  # 13:00 CET
    assert after["DE-LU"] == [date(2026, 12, 7), date(2026, 12, 8)]
    assert MarketPrice.objects.filter(zone="DE-LU", start__gte=utc(2026, 12, 7, 23)).count() == 96
    # ERCOT publishes at 13:30 Central time (19:30 UTC in December): not yet.
    assert after["ERCOT"] == [date(2026, 12, 7)]
    market_publish(now=utc(2026, 12, 7, 12, 5))  # generated once: nothing doubles
    assert MarketPrice.objects.filter(zone="DE-LU", start__gte=utc(2026, 12, 7, 23)).count() == 96


def test_a_zone_is_found_from_the_homes_time_zone_and_location():
    assert zone_of(timezone="Europe/Berlin", latitude=52.5, longitude=13.4) == "DE-LU"
    assert zone_of(timezone="Europe/Luxembourg", latitude=49.6, longitude=6.1) == "DE-LU"
    assert zone_of(timezone="Europe/Oslo", latitude=59.9, longitude=10.7) == "NO1"
    assert zone_of(timezone="America/Chicago", latitude=30.3, longitude=-97.7) == "ERCOT"  # Austin
    assert zone_of(timezone="America/Chicago", latitude=41.9, longitude=-87.6) is None  # Chicago
    assert zone_of(timezone="Australia/Broken_Hill", latitude=-31.95, longitude=141.45) == "NSW1"
    assert default_terms("Europe/Oslo", 59.9, 10.7).market_zone == "NO1"


@pytest.mark.django_db
def test_homes_of_one_zone_on_two_clocks_pay_the_same_market_price_at_each_instant():
    """Sydney (AEDT, UTC+11 in January) and Broken Hill (ACDT, UTC+10:30) share NSW1's AEST day."""
    instants = {utc(2026, 1, 15, 13, 45), utc(2026, 1, 15, 14, 0), utc(2026, 1, 15, 14, 15)}
    prices = market_prices_at({"NSW1": instants})
    day_of_14th, day_of_15th = (
        market.day_prices("NSW1", date(2026, 1, 15)),
        market.day_prices("NSW1", date(2026, 1, 16)),
    )
    # 13:45 UTC is 23:45 AEST on the 15th; 14:00 UTC is midnight AEST, the 16th's first interval.
    assert prices[("NSW1", utc(2026, 1, 15, 13, 45))] == day_of_14th[-1].price_per_mwh
    assert prices[("NSW1", utc(2026, 1, 15, 14, 0))] == day_of_15th[0].price_per_mwh
    assert prices[("NSW1", utc(2026, 1, 15, 14, 15))] == day_of_15th[0].price_per_mwh  # half-hourly


ENTSOE_CSV = """\ufeff"MTU (CET/CEST)","Day-ahead Price [EUR/MWh]","Currency","BZN|DE-LU"
"25.10.2026 00:00 - 25.10.2026 01:00","91.05","EUR",""
"25.10.2026 01:00 - 25.10.2026 02:00","-3.50","EUR",""
"25.10.2026 02:00 (CEST) - 25.10.2026 03:00 (CEST)","80.00","EUR",""
"25.10.2026 02:00 (CET) - 25.10.2026 03:00 (CET)","70.00","EUR",""
"25.10.2026 03:00 - 25.10.2026 04:00","-","EUR",""
"""


@pytest.mark.django_db
def test_entsoe_prices_are_imported_and_win_over_simulated_ones(tmp_path):
    market_prices_at({"DE-LU": {utc(2026, 10, 24, 22)}})  # the simulated day exists first
    path = tmp_path / "prices.csv"
    path.write_text(ENTSOE_CSV, encoding="utf-8")
    call_command("import_prices", "DE-LU", str(path))
    at = [
        utc(2026, 10, 24, 22),
        utc(2026, 10, 24, 23, 30),
        utc(2026, 10, 25, 0, 15),
        utc(2026, 10, 25, 1, 45),
    ]
    prices = market_prices_at({"DE-LU": set(at)})
    assert [prices[("DE-LU", a)] for a in at] == [
        Decimal("91.05"),
        Decimal("-3.50"),
        Decimal("80.00"),
        Decimal("70.00"),
    ]
    # The hour without a price ("-") keeps its simulated quarter hours.
    assert MarketPrice.objects.filter(zone="DE-LU", start=utc(2026, 10, 25, 2), source="simulated").exists()
    assert not MarketPrice.objects.filter(
        zone="DE-LU", start=utc(2026, 10, 24, 22, 15), source="simulated"
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"MTU (CET/CEST)","Day-ahead Price [USD/MWh]"\n"01.01.2026 00:00 - 01.01.2026 01:00","1"\n', "USD"),
        ('"Time","Price"\n"x","1"\n', "MTU"),
        (
            '"MTU (CET/CEST)","Day-ahead Price [EUR/MWh]"\n"01.01.2026 00:00 - 01.01.2026 01:00","abc"\n',
            "Line 2",
        ),
    ],
)
def test_a_bad_entsoe_file_is_refused_and_writes_nothing(tmp_path, text, message):
    path = tmp_path / "prices.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("import_prices", "DE-LU", str(path))
    assert not MarketPrice.objects.filter(source="imported").exists()
