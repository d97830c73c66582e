"""Writes: an owner sets the tariff; market days are generated once; ENTSO-E prices are imported."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone as django_timezone

from households.models import Household
from tariffs import entsoe, market
from tariffs.models import MarketDay, MarketPrice, Tariff
from tariffs.terms import Terms, TermsError, terms_parse
from tariffs.zones import ZONES


def tariff_set(
    *,
    household: Household,
    kind: str,
    currency: str,
    import_price_per_kwh: Any,
    export_price_per_kwh: Any,
    windows: Sequence[Mapping[str, Any]] = (),
    market_zone: str | None = None,
    now: datetime | None = None,
) -> Tariff:
    """A new tariff version, in force for every tick from now on; stored costs keep their prices.

    Every field is checked first: on any error a ValidationError names each field and nothing is
    written.
    """
    try:
        terms = terms_parse(
            kind=kind,
            currency=currency,
            import_price_per_kwh=import_price_per_kwh,
            export_price_per_kwh=export_price_per_kwh,
            windows=windows,
            market_zone=market_zone,
        )
    except TermsError as error:
        raise ValidationError(
            {
                field: [ValidationError(message, code=code) for message, code in problems]
                for field, problems in error.errors.items()
            }
        ) from error
    return _tariff_store(household, terms, now or django_timezone.now())


def _tariff_store(household: Household, terms: Terms, effective_from: datetime) -> Tariff:
    with transaction.atomic():
        tariff, _ = Tariff.objects.update_or_create(
            household=household,
            effective_from=effective_from,
            defaults={
                "kind": terms.kind.value,
                "currency": terms.currency,
                "import_price_per_kwh": terms.import_per_kwh,
                "export_price_per_kwh": terms.export_per_kwh,
                "windows": terms.windows_json(),
                "market_zone": terms.market_zone or "",
            },
        )
    return tariff


def market_days_ensure(zone_code: str, days: Iterable[date]) -> int:
    """Generate the zone's simulated prices for the days not generated yet; returns how many.

    Idempotent and safe to race: a day's prices are deterministic, and an interval already stored
    (an imported one, or a concurrent generation) is left as it is.
    """
    wanted = set(days)
    done = set(MarketDay.objects.filter(zone=zone_code, day__in=wanted).values_list("day", flat=True))
    missing = sorted(wanted - done)
    if not missing:
        return 0
    rows = [
        MarketPrice(zone=zone_code, start=i.start, end=i.end, price_per_mwh=i.price_per_mwh)
        for day in missing
        for i in market.day_prices(zone_code, day)
    ]
    MarketPrice.objects.bulk_create(rows, ignore_conflicts=True)
    MarketDay.objects.bulk_create(
        [MarketDay(zone=zone_code, day=day) for day in missing], ignore_conflicts=True
    )
    return len(missing)


def market_publish(*, now: datetime | None = None) -> dict[str, list[date]]:
    """Every zone's today, and tomorrow once its publication time has passed (the beat runs this)."""
    now = now or django_timezone.now()
    published = {}
    for code, zone in ZONES.items():
        today = market.market_day(zone, now)
        days = [today]
        if market.publication_instant(zone, today + timedelta(days=1)) <= now:
            days.append(today + timedelta(days=1))
        market_days_ensure(code, days)
        published[code] = days
    return published


def prices_import(zone_code: str, text: str) -> int:
    """Load an ENTSO-E Transparency day-ahead CSV for a zone; imported prices replace simulated
    ones over their intervals. Returns the number of intervals stored; a bad file writes nothing."""
    zone = ZONES.get(zone_code)
    if zone is None:
        raise entsoe.ImportProblem(f"Unknown zone {zone_code!r}: one of {', '.join(ZONES)}.")
    parsed = entsoe.parse_day_ahead_csv(text)
    if parsed.currency != zone.currency:
        raise entsoe.ImportProblem(
            f"The file is in {parsed.currency}; {zone_code} is priced in {zone.currency}."
        )
    intervals = parsed.intervals
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM tariffs_marketprice AS p "
            "USING unnest(%s::timestamptz[], %s::timestamptz[]) AS i(s, e) "
            "WHERE p.zone = %s AND p.source = %s AND p.start >= i.s AND p.start < i.e",
            [
                [i.start for i in intervals],
                [i.end for i in intervals],
                zone_code,
                MarketPrice.Source.SIMULATED,
            ],
        )
        MarketPrice.objects.bulk_create(
            [
                MarketPrice(
                    zone=zone_code,
                    start=i.start,
                    end=i.end,
                    price_per_mwh=i.price_per_mwh,
                    source=MarketPrice.Source.IMPORTED,
                )
                for i in intervals
            ],
            update_conflicts=True,
            unique_fields=["zone", "start"],
            update_fields=["end", "price_per_mwh", "source"],
        )
    return len(intervals)
