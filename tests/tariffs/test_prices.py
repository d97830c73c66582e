"""prices_for: what a home pays per kWh, interval by interval, whatever its tariff."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tariffs import market
from tariffs.models import MarketPrice
from tariffs.selectors import prices_for, tariff_current
from tariffs.services import tariff_set
from tariffs.terms import TariffKind
from tariffs.zones import ZONES

pytestmark = pytest.mark.django_db


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_new_home_pays_its_countrys_default(alice):
    current = tariff_current(alice.household)
    assert current.terms.kind == TariffKind.FIXED
    assert current.terms.currency == "EUR"
    intervals = prices_for(household=alice.household, start=utc(2026, 3, 2), end=utc(2026, 3, 2, 1))
    assert len(intervals) == 4
    assert {i.import_price_per_kwh for i in intervals} == {Decimal("0.3950")}
    assert intervals[0].start == utc(2026, 3, 2) and intervals[-1].end == utc(2026, 3, 2, 1)


def test_dynamic_prices_are_the_market_plus_fees_and_tomorrow_appears_at_publication(alice):
    tariff_set(
        household=alice.household,
        kind="DYNAMIC",
        currency="EUR",
        import_price_per_kwh="0.20",
        export_price_per_kwh="0.07",
        market_zone="DE-LU",
        now=utc(2026, 6, 1),
    )
    # 12:59 CEST on 10 June (10:59 UTC): tomorrow is not published yet.
    before = utc(2026, 6, 10, 10, 59)
    start, end = utc(2026, 6, 10, 22), utc(2026, 6, 12, 22)  # local 11 and 12 June
    assert prices_for(household=alice.household, start=start, end=end, now=before) == []
    after = utc(2026, 6, 10, 11, 0)
    intervals = prices_for(household=alice.household, start=start, end=end, now=after)
    assert len(intervals) == 96  # 11 June only, in 15-minute intervals
    market_prices = {p.start: p.price_per_mwh for p in MarketPrice.objects.filter(zone="DE-LU")}
    for interval in intervals:
        assert interval.import_price_per_kwh == market_prices[interval.start] / 1000 + Decimal("0.20")
        assert interval.export_price_per_kwh == Decimal("0.07")


def test_time_of_use_windows_follow_local_time_across_daylight_saving(alice):
    tariff_set(
        household=alice.household,
        kind="TIME_OF_USE",
        currency="EUR",
        import_price_per_kwh="0.30",
        export_price_per_kwh="0.08",
        windows=[
            {"days": [7], "start_local": "00:00", "end_local": "06:00", "import_price_per_kwh": "0.10"},
            {"days": [7], "start_local": "17:00", "end_local": "24:00", "import_price_per_kwh": "0.45"},
        ],
        now=utc(2026, 3, 1),
    )
    # Sunday 29 March 2026: Berlin moves from UTC+1 to UTC+2 at 02:00 local.
    intervals = prices_for(household=alice.household, start=utc(2026, 3, 28, 23), end=utc(2026, 3, 29, 22))
    by_start = {i.start: i.import_price_per_kwh for i in intervals}
    assert len(intervals) == 23 * 4
    assert by_start[utc(2026, 3, 28, 23)] == Decimal("0.10")  # 00:00 CET
    assert by_start[utc(2026, 3, 29, 3, 45)] == Decimal("0.10")  # 05:45 CEST
    assert by_start[utc(2026, 3, 29, 4)] == Decimal("0.30")  # 06:00 CEST
    assert by_start[utc(2026, 3, 29, 15)] == Decimal("0.45")  # 17:00 CEST
    assert by_start[utc(2026, 3, 29, 21, 45)] == Decimal("0.45")  # 23:45 CEST


def test_a_tariff_change_splits_the_interval_it_falls_in(alice):
    tariff_set(
        household=alice.household,
        kind="FIXED",
        currency="EUR",
        import_price_per_kwh="0.25",
        export_price_per_kwh="0.05",
        now=utc(2026, 5, 4, 9, 7, 30),
    )
    intervals = prices_for(household=alice.household, start=utc(2026, 5, 4, 9), end=utc(2026, 5, 4, 9, 30))
    assert [(i.start, i.end, i.import_price_per_kwh) for i in intervals] == [
        (utc(2026, 5, 4, 9), utc(2026, 5, 4, 9, 7, 30), Decimal("0.3950")),
        (utc(2026, 5, 4, 9, 7, 30), utc(2026, 5, 4, 9, 15), Decimal("0.25")),
        (utc(2026, 5, 4, 9, 15), utc(2026, 5, 4, 9, 30), Decimal("0.25")),
    ]


def test_a_zone_prices_one_market_day_whatever_its_homes_clocks():
    """NSW1 runs on AEST all year; Broken Hill (in NSW1) keeps South Australian time."""
    zone = ZONES["NSW1"]
    day = datetime(2026, 1, 15).date()
    intervals = market.day_prices("NSW1", day)
    assert len(intervals) == 48  # half-hourly, no daylight saving in market time
    assert intervals[0].start == utc(2026, 1, 14, 14)  # midnight AEST
    assert market.publication_instant(zone, day) == utc(2026, 1, 14, 2, 30)  # 12:30 AEST the day before
    assert intervals == market.day_prices("NSW1", day)  # deterministic


def test_dst_market_days_have_23_and_25_hours():
    assert len(market.day_prices("DE-LU", datetime(2026, 3, 29).date())) == 23 * 4
    assert len(market.day_prices("DE-LU", datetime(2026, 10, 25).date())) == 25 * 4
    assert len(market.day_prices("ERCOT", datetime(2026, 11, 1).date())) == 25
