"""Local bucket edges: plain Python, no database."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reporting.buckets import Bucket, BucketError, Interval, buckets_between
from tests.reporting.conftest import utc

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
SANTIAGO = ZoneInfo("America/Santiago")


def local(bucket: Bucket, zone: ZoneInfo) -> tuple[str, str]:
    return bucket.start.astimezone(zone).isoformat(), bucket.end.astimezone(zone).isoformat()


def hours(bucket: Bucket) -> float:
    return bucket.seconds / 3600


@pytest.mark.parametrize(
    ("zone", "day", "length"),
    [
        (BERLIN, datetime(2026, 3, 29), 23),
        (BERLIN, datetime(2026, 10, 25), 25),
        (NEW_YORK, datetime(2026, 3, 8), 23),
        (NEW_YORK, datetime(2026, 11, 1), 25),
        (BERLIN, datetime(2026, 6, 1), 24),
    ],
)
def test_a_day_runs_from_local_midnight_to_local_midnight(zone, day, length):
    start = day.replace(tzinfo=zone)
    end = (day + timedelta(days=1)).replace(tzinfo=zone)

    [bucket] = buckets_between(start=start, end=end, interval=Interval.DAY, zone=zone)

    assert bucket.start == start
    assert bucket.end == end
    assert hours(bucket) == length


def test_day_buckets_carry_the_offset_of_each_edge():
    buckets = buckets_between(
        start=datetime(2026, 3, 28, tzinfo=BERLIN),
        end=datetime(2026, 3, 31, tzinfo=BERLIN),
        interval=Interval.DAY,
        zone=BERLIN,
    )

    assert [local(b, BERLIN) for b in buckets] == [
        ("2026-03-28T00:00:00+01:00", "2026-03-29T00:00:00+01:00"),
        ("2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00"),
        ("2026-03-30T00:00:00+02:00", "2026-03-31T00:00:00+02:00"),
    ]
    assert [hours(b) for b in buckets] == [24, 23, 24]


def test_hours_of_a_fall_back_day_include_the_repeated_hour():
    day = buckets_between(
        start=datetime(2026, 11, 1, tzinfo=NEW_YORK),
        end=datetime(2026, 11, 2, tzinfo=NEW_YORK),
        interval=Interval.HOUR,
        zone=NEW_YORK,
    )

    assert len(day) == 25
    assert {hours(b) for b in day} == {1}
    assert [local(b, NEW_YORK)[0] for b in day[1:3]] == [
        "2026-11-01T01:00:00-04:00",
        "2026-11-01T01:00:00-05:00",
    ]


def test_hours_of_a_spring_forward_day_skip_the_missing_hour():
    day = buckets_between(
        start=datetime(2026, 3, 29, tzinfo=BERLIN),
        end=datetime(2026, 3, 30, tzinfo=BERLIN),
        interval=Interval.HOUR,
        zone=BERLIN,
    )

    assert len(day) == 23
    assert [local(b, BERLIN)[0][11:] for b in day[1:3]] == ["01:00:00+01:00", "03:00:00+02:00"]


def test_half_hour_zone_hours_start_at_half_past_utc():
    buckets = buckets_between(
        start=utc(2026, 1, 1, 10, 0), end=utc(2026, 1, 1, 12, 30), interval=Interval.HOUR, zone=KOLKATA
    )

    assert [b.start for b in buckets] == [
        utc(2026, 1, 1, 9, 30),
        utc(2026, 1, 1, 10, 30),
        utc(2026, 1, 1, 11, 30),
    ]
    assert local(buckets[0], KOLKATA) == ("2026-01-01T15:00:00+05:30", "2026-01-01T16:00:00+05:30")


def test_weeks_are_iso_weeks_from_monday_across_a_month_boundary():
    buckets = buckets_between(
        start=datetime(2026, 1, 26, tzinfo=BERLIN),  # a Monday
        end=datetime(2026, 2, 9, tzinfo=BERLIN),
        interval=Interval.WEEK,
        zone=BERLIN,
    )

    assert [local(b, BERLIN) for b in buckets] == [
        ("2026-01-26T00:00:00+01:00", "2026-02-02T00:00:00+01:00"),
        ("2026-02-02T00:00:00+01:00", "2026-02-09T00:00:00+01:00"),
    ]


def test_a_week_with_a_dst_change_has_167_hours():
    [week] = buckets_between(
        start=datetime(2026, 3, 23, tzinfo=BERLIN),
        end=datetime(2026, 3, 30, tzinfo=BERLIN),
        interval=Interval.WEEK,
        zone=BERLIN,
    )

    assert hours(week) == 7 * 24 - 1


def test_months_are_calendar_months_across_a_year_boundary():
    buckets = buckets_between(
        start=datetime(2025, 11, 1, tzinfo=NEW_YORK),
        end=datetime(2026, 4, 1, tzinfo=NEW_YORK),
        interval=Interval.MONTH,
        zone=NEW_YORK,
    )

    assert [local(b, NEW_YORK)[0][:10] for b in buckets] == [
        "2025-11-01",
        "2025-12-01",
        "2026-01-01",
        "2026-02-01",
        "2026-03-01",
    ]
    assert [hours(b) for b in buckets] == [30 * 24 + 1, 31 * 24, 31 * 24, 28 * 24, 31 * 24 - 1]


def test_partial_buckets_are_clipped_after_widening_to_whole_hours():
    buckets = buckets_between(
        start=datetime(2026, 1, 15, 9, 20, tzinfo=BERLIN),
        end=datetime(2026, 3, 3, 17, 5, tzinfo=BERLIN),
        interval=Interval.MONTH,
        zone=BERLIN,
    )

    assert [local(b, BERLIN) for b in buckets] == [
        ("2026-01-15T09:00:00+01:00", "2026-02-01T00:00:00+01:00"),
        ("2026-02-01T00:00:00+01:00", "2026-03-01T00:00:00+01:00"),
        ("2026-03-01T00:00:00+01:00", "2026-03-03T18:00:00+01:00"),
    ]


def test_the_range_may_be_given_in_any_offset():
    in_utc = buckets_between(
        start=utc(2026, 3, 28, 23), end=utc(2026, 3, 29, 22), interval=Interval.DAY, zone=BERLIN
    )

    assert [local(b, BERLIN) for b in in_utc] == [("2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00")]


def test_a_day_whose_midnight_is_skipped_starts_at_the_first_instant():
    # Chile springs forward at local midnight: 2026-09-06 starts at 01:00 -03:00.
    buckets = buckets_between(
        start=datetime(2026, 9, 5, tzinfo=SANTIAGO),
        end=datetime(2026, 9, 7, tzinfo=SANTIAGO),
        interval=Interval.DAY,
        zone=SANTIAGO,
    )

    assert [local(b, SANTIAGO)[0] for b in buckets] == [
        "2026-09-05T00:00:00-04:00",
        "2026-09-06T01:00:00-03:00",
    ]
    assert [hours(b) for b in buckets] == [24, 23]


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (utc(2026, 1, 2), utc(2026, 1, 1), "start must be before end"),
        (utc(2026, 1, 1), utc(2026, 1, 1), "start must be before end"),
        (datetime(2026, 1, 1), utc(2026, 1, 2), "need a UTC offset"),
        (utc(1, 1, 1), utc(2026, 1, 2), "between the years"),
    ],
)
def test_bad_ranges_are_refused(start, end, message):
    with pytest.raises(BucketError, match=message):
        buckets_between(start=start, end=end, interval=Interval.DAY, zone=BERLIN)


def test_too_many_buckets_are_refused():
    with pytest.raises(BucketError, match="more than 10000 hour buckets"):
        buckets_between(start=utc(2025, 1, 1), end=utc(2026, 3, 1), interval=Interval.HOUR, zone=BERLIN)

    assert (
        len(buckets_between(start=utc(2025, 1, 1), end=utc(2026, 1, 1), interval=Interval.HOUR, zone=BERLIN))
        == 8760
    )
