"""Reads: a home's tariff, its prices over a range, and the market prices a tick is charged at.

`prices_for` is the one way to ask what a home pays when: on a 15-minute grid (every market interval
and time-of-use edge falls on it), each interval split where a new tariff took effect, DYNAMIC
intervals only once their market day is published. The tick asks `tariff_histories` and
`market_prices_at` once per chunk of households, never per household.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from itertools import pairwise

from django.utils import timezone as django_timezone

from households.models import Household
from households.timezones import zone as tz_zone
from tariffs import market
from tariffs.models import MarketPrice, Tariff
from tariffs.services import market_days_ensure
from tariffs.terms import TariffKind, Terms
from tariffs.zones import ZONES, country_default, zone_of

GRID = timedelta(minutes=15)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class PriceInterval:
    start: datetime
    end: datetime
    import_price_per_kwh: Decimal
    export_price_per_kwh: Decimal


@dataclass(frozen=True, slots=True)
class TariffVersion:
    effective_from: datetime | None
    """None for the country default, in force before any version the owner set."""
    terms: Terms


@cache
def default_terms(timezone: str, latitude: float, longitude: float) -> Terms:
    """A home's tariff until its owner sets one: its country's typical prices (tariffs.zones)."""
    default = country_default(timezone)
    zone_code = zone_of(timezone=timezone, latitude=latitude, longitude=longitude)
    if default.dynamic and zone_code is not None and ZONES[zone_code].currency == default.currency:
        return Terms(
            TariffKind.DYNAMIC,
            default.currency,
            default.import_per_kwh,
            default.export_per_kwh,
            (),
            zone_code,
        )
    return Terms(TariffKind.FIXED, default.currency, default.import_per_kwh, default.export_per_kwh)


def tariff_histories(
    households: Sequence[tuple[int, str, float, float]], until: datetime
) -> dict[int, list[TariffVersion]]:
    """Per household (id, timezone, latitude, longitude): its versions in force up to `until`,
    oldest first, its default first of all. One statement for the whole batch."""
    histories = {
        household_id: [TariffVersion(None, default_terms(tz, latitude, longitude))]
        for household_id, tz, latitude, longitude in households
    }
    rows = Tariff.objects.filter(household_id__in=list(histories), effective_from__lte=until).order_by(
        "household_id", "effective_from"
    )
    for row in rows:
        histories[row.household_id].append(TariffVersion(row.effective_from, row.terms))
    return histories


def terms_at(history: Sequence[TariffVersion], at: datetime) -> Terms:
    """The terms in force at an instant: the newest version that took effect at or before it."""
    for version in reversed(history):
        if version.effective_from is None or version.effective_from <= at:
            return version.terms
    return history[0].terms


def household_history(household: Household, until: datetime) -> list[TariffVersion]:
    return tariff_histories(
        [(household.pk, household.timezone, household.latitude, household.longitude)], until
    )[household.pk]


def tariff_current(household: Household, *, now: datetime | None = None) -> TariffVersion:
    return household_history(household, now or django_timezone.now())[-1]


def _published_until(zone_code: str, now: datetime) -> datetime:
    """The end of the last market day whose prices are known at `now`."""
    zone = ZONES[zone_code]
    today = market.market_day(zone, now)
    tomorrow = today + timedelta(days=1)
    last = tomorrow if market.publication_instant(zone, tomorrow) <= now else today
    return market.day_start(zone, last + timedelta(days=1))


def market_intervals(zone_code: str, start: datetime, end: datetime) -> list[MarketPrice]:
    """The zone's stored prices overlapping [start, end), simulated days generated where missing;
    where an imported interval overlaps a simulated one, the imported one comes last (it wins)."""
    zone = ZONES[zone_code]
    day, last = market.market_day(zone, start), market.market_day(zone, end - timedelta(microseconds=1))
    days = []
    while day <= last:
        days.append(day)
        day += timedelta(days=1)
    market_days_ensure(zone_code, days)
    # Intervals last at most a day: the lower bound keeps the read on the primary key's range.
    rows = MarketPrice.objects.filter(
        zone=zone_code, start__gte=start - timedelta(days=1), start__lt=end, end__gt=start
    )
    return sorted(rows, key=lambda row: (row.start, row.source == MarketPrice.Source.IMPORTED))


class _Lookup:
    """Price at an instant from intervals sorted by start; an imported interval beats a simulated one."""

    def __init__(self, rows: Iterable[MarketPrice]) -> None:
        self.rows = list(rows)
        self.starts = [row.start for row in self.rows]

    def at(self, instant: datetime) -> Decimal | None:
        found: MarketPrice | None = None
        index = bisect_right(self.starts, instant) - 1
        while index >= 0 and instant - self.rows[index].start <= timedelta(days=1):
            row = self.rows[index]
            if instant < row.end and (found is None or row.source == MarketPrice.Source.IMPORTED):
                found = row
            index -= 1
        return None if found is None else found.price_per_mwh


def market_prices_at(zone_instants: dict[str, set[datetime]]) -> dict[tuple[str, datetime], Decimal]:
    """The market price per MWh in force at each (zone, instant): one range read per zone."""
    prices: dict[tuple[str, datetime], Decimal] = {}
    for zone_code, instants in zone_instants.items():
        if not instants:
            continue
        lookup = _Lookup(market_intervals(zone_code, min(instants), max(instants) + timedelta(seconds=1)))
        for instant in instants:
            price = lookup.at(instant)
            if price is not None:
                prices[(zone_code, instant)] = price
    return prices


def grid_floor(at: datetime) -> datetime:
    return at - (at - EPOCH) % GRID


def prices_for(
    *,
    household: Household,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    history: Sequence[TariffVersion] | None = None,
) -> list[PriceInterval]:
    """What the home pays per kWh from `start` to `end`: the grid's 15-minute intervals (each split
    where a new tariff took effect), import and export prices in the tariff's currency.

    DYNAMIC intervals exist only while their market day is published at `now` (up to the end of
    tomorrow after the zone's publication time); FIXED and TIME_OF_USE ones for any range.
    `history`: the household's tariff versions up to max(end, now), when the caller has read them.
    """
    now = now or django_timezone.now()
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if history is None:
        history = household_history(household, max(end, now))
    changes = sorted(
        {v.effective_from for v in history if v.effective_from and start < v.effective_from < end}
    )
    edges: list[datetime] = []
    at = grid_floor(start)
    while at < end:
        edges.append(max(at, start))
        at += GRID
    edges = [*sorted(set(edges) | set(changes)), end]
    spans = list(pairwise(edges))
    by_zone: dict[str, set[datetime]] = defaultdict(set)
    for span_start, _ in spans:
        terms = terms_at(history, span_start)
        zone_code = terms.market_zone
        if terms.kind == TariffKind.DYNAMIC and zone_code and span_start < _published_until(zone_code, now):
            by_zone[zone_code].add(span_start)
    market_prices = market_prices_at(by_zone)
    tz = tz_zone(household.timezone)
    intervals = []
    for span_start, span_end in spans:
        terms = terms_at(history, span_start)
        market_price = None
        if terms.kind == TariffKind.DYNAMIC:
            market_price = market_prices.get((terms.market_zone or "", span_start))
            if market_price is None:
                continue
        intervals.append(
            PriceInterval(
                span_start,
                span_end,
                terms.import_price(span_start.astimezone(tz), market_price),
                terms.export_per_kwh,
            )
        )
    return intervals


def price_at(*, household: Household, at: datetime) -> PriceInterval:
    """The prices in force at an instant (EnergySummary's): the interval of prices_for holding it.

    A DYNAMIC home whose market has no price then (a gap in imported data) pays its fees alone.
    """
    for interval in prices_for(household=household, start=at, end=grid_floor(at) + GRID, now=at):
        return interval
    terms = terms_at(household_history(household, at), at)
    return PriceInterval(at, grid_floor(at) + GRID, terms.import_price(at, Decimal(0)), terms.export_per_kwh)
