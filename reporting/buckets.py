"""Bucket edges in a household's local time: plain Python, so the rules are easy to test alone.

Edges are computed on the local calendar and resolved to instants, so a day runs from local
midnight to local midnight (23 or 25 hours on daylight-saving days), weeks are ISO weeks
starting on Monday, and months are calendar months. Hours are one elapsed hour each, starting
where the local clock shows a whole hour (half-hour zones such as Asia/Kolkata included).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from telemetry.tick import local_hour_start

UTC = ZoneInfo("UTC")
MAX_BUCKETS = 10_000
# Far wider than any telemetry; keeps the calendar arithmetic clear of datetime's year limits.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)


class Interval(StrEnum):
    HOUR = "HOUR"
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


class BucketError(ValueError):
    """The requested range cannot be cut into buckets; the message is safe to show to callers."""


@dataclass(frozen=True, slots=True)
class Bucket:
    """[start, end) in UTC: Python compares and subtracts datetimes of one zone by wall clock."""

    start: datetime
    end: datetime

    @property
    def seconds(self) -> int:
        return round((self.end - self.start).total_seconds())


def local_hour_ceil(*, at: datetime, zone: ZoneInfo) -> datetime:
    floor = local_hour_start(at=at, zone=zone)
    return floor if floor == at else _next_hour(floor, zone)


def _next_hour(edge: datetime, zone: ZoneInfo) -> datetime:
    candidate = local_hour_start(at=edge + HOUR, zone=zone)
    return candidate if candidate > edge else edge + HOUR


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    """Local midnight in UTC; where a DST gap skips midnight, the day's first instant."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _first_day(interval: Interval, day: date) -> date:
    if interval is Interval.WEEK:
        return day - timedelta(days=day.weekday())
    if interval is Interval.MONTH:
        return day.replace(day=1)
    return day


def _next_day(interval: Interval, day: date) -> date:
    if interval is Interval.WEEK:
        return day + timedelta(weeks=1)
    if interval is Interval.MONTH:
        return date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return day + timedelta(days=1)


def _edges(*, start: datetime, interval: Interval, zone: ZoneInfo) -> Iterator[datetime]:
    """Bucket edges (UTC) from the one containing `start` onwards, without end."""
    if interval is Interval.HOUR:
        edge = local_hour_start(at=start, zone=zone)
        while True:
            yield edge
            edge = _next_hour(edge, zone)
    day = _first_day(interval, start.astimezone(zone).date())
    while True:
        yield _midnight(day, zone)
        day = _next_day(interval, day)


def buckets_between(
    *,
    start: datetime,
    end: datetime,
    interval: Interval,
    zone: ZoneInfo,
    max_buckets: int = MAX_BUCKETS,
) -> list[Bucket]:
    """Cut [start, end) into local buckets (edges in UTC), clipping the first and last to the range.

    The range is first widened to whole local hours, the resolution of the hourly rollups, so
    every bucket holds whole rollup hours and its edges show exactly what was counted.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise BucketError("start and end need a UTC offset, e.g. 2026-03-29T00:00:00+02:00.")
    if start >= end:
        raise BucketError("start must be before end.")
    if start < EARLIEST or end > LATEST:
        raise BucketError("start and end must lie between the years 1900 and 9000.")
    start = local_hour_start(at=start, zone=zone)
    end = local_hour_ceil(at=end, zone=zone)
    buckets: list[Bucket] = []
    edges = _edges(start=start, interval=interval, zone=zone)
    edge = next(edges)
    while edge < end:
        if len(buckets) == max_buckets:
            raise BucketError(
                f"The range holds more than {max_buckets} {interval.lower()} buckets: "
                "shorten it or choose a longer interval."
            )
        following = next(edges)
        buckets.append(Bucket(start=max(edge, start), end=min(following, end)))
        edge = following
    return buckets


# The shortest each interval's bucket can be (a DST day has 23 hours, a DST week 7 days less one).
_SHORTEST = {
    Interval.HOUR: HOUR,
    Interval.DAY: timedelta(hours=23),
    Interval.WEEK: timedelta(days=7) - HOUR,
    Interval.MONTH: timedelta(days=28) - HOUR,
}


def bucket_count_at_most(*, start: datetime, end: datetime, interval: Interval) -> int:
    """An upper bound of len(buckets_between(...)) in any zone, in constant time: what a request
    may be charged before it runs (the range widens by up to an hour at each end)."""
    if end <= start:
        return 0
    return int((end - start + 2 * HOUR) / _SHORTEST[interval]) + 2
