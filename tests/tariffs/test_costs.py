"""Cost per tick, stored with the energy: what the home paid, earned and saved, exactly in Decimal."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.models import Device
from reporting.buckets import Interval
from reporting.selectors import energy_history
from tariffs.selectors import prices_for
from tariffs.services import tariff_set
from telemetry import costs, services
from telemetry.costs import money
from telemetry.models import HouseholdHour, Reading
from telemetry.tick import net_power_w
from tests.telemetry.homes import typical_home_devices

pytestmark = pytest.mark.django_db

STEP = 600


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def backfill(member, start: datetime, end: datetime, step: int = STEP) -> None:
    """The member's home with a typical set of devices, simulated over [start, end)."""
    with schema_context(member.household.schema_name):
        if not Device.objects.exists():
            typical_home_devices()
    services.household_backfill(
        household=services.HouseholdRef.of(member.household), start=start, end=end, seconds=step
    )


def hours(member) -> list[HouseholdHour]:
    with schema_context(member.household.schema_name):
        return list(HouseholdHour.objects.order_by("hour_start"))


def tick_energies(member) -> dict[datetime, tuple[float, float]]:
    """(imported Wh, exported Wh) of each stored tick, from its readings (the meter's view)."""
    powers: dict[datetime, list[float]] = {}
    with schema_context(member.household.schema_name):
        for at, power_w in Reading.objects.values_list("at", "power_w"):
            powers.setdefault(at, []).append(power_w)
    energies = {}
    for at, values in powers.items():
        produced = sum(p for p in values if p > 0)
        consumed = -sum(p for p in values if p < 0)
        net = net_power_w(produced, consumed)
        energies[at] = (max(-net, 0.0) * STEP / 3600, max(net, 0.0) * STEP / 3600)
    return energies


def test_each_tick_is_priced_at_its_intervals_dynamic_price(alice):
    tariff_set(
        household=alice.household,
        kind="DYNAMIC",
        currency="EUR",
        import_price_per_kwh="0.18",
        export_price_per_kwh="0.07",
        market_zone="DE-LU",
        now=utc(2026, 5, 1),
    )
    start, end = utc(2026, 5, 9, 22), utc(2026, 5, 10, 22)  # Sunday 10 May, local
    backfill(alice, start, end)
    prices = {p.start: p for p in prices_for(household=alice.household, start=start, end=end, now=end)}
    expected_import: dict[datetime, Decimal] = {}
    expected_export: dict[datetime, Decimal] = {}
    for at, (imported, exported) in tick_energies(alice).items():
        price = prices[at - timedelta(minutes=at.minute % 15)]
        hour = at.replace(minute=0)
        expected_import[hour] = expected_import.get(hour, Decimal(0)) + money(
            imported, price.import_price_per_kwh
        )
        expected_export[hour] = expected_export.get(hour, Decimal(0)) + money(
            exported, price.export_price_per_kwh
        )
    stored = hours(alice)
    assert len(stored) == 24
    for hour in stored:
        assert hour.currency == "EUR"
        assert hour.import_cost == expected_import[hour.hour_start]
        assert hour.export_revenue == expected_export[hour.hour_start]


def test_a_negative_price_makes_import_earn_and_export_cost(alice):
    tariff_set(
        household=alice.household,
        kind="FIXED",
        currency="EUR",
        import_price_per_kwh="-0.05",
        export_price_per_kwh="-0.10",
        now=utc(2026, 6, 1),
    )
    backfill(alice, utc(2026, 6, 14, 22), utc(2026, 6, 15, 22))
    (day,) = energy_history(
        household=alice.household, start=utc(2026, 6, 14, 22), end=utc(2026, 6, 15, 22), interval=Interval.DAY
    )
    assert day.imported_wh > 0 and day.exported_wh > 0
    assert day.import_cost < 0  # the home was paid to import
    assert day.export_revenue < 0  # and paid to export
    assert day.net_cost == day.import_cost - day.export_revenue


def test_a_tariff_change_mid_day_prices_the_ticks_before_and_after_it(alice):
    tariff_set(
        household=alice.household,
        kind="FIXED",
        currency="EUR",
        import_price_per_kwh="0.30",
        export_price_per_kwh="0.05",
        now=utc(2026, 2, 1),
    )
    change = utc(2026, 2, 10, 11, 5)
    tariff_set(
        household=alice.household,
        kind="FIXED",
        currency="EUR",
        import_price_per_kwh="0.50",
        export_price_per_kwh="0.02",
        now=change,
    )
    backfill(alice, utc(2026, 2, 9, 23), utc(2026, 2, 10, 23))
    energies = tick_energies(alice)
    for hour in hours(alice):
        ticks = {
            at: e
            for at, e in energies.items()
            if hour.hour_start <= at < hour.hour_start + timedelta(hours=1)
        }
        expected = sum(
            (
                money(imported, Decimal("0.50") if at >= change else Decimal("0.30"))
                for at, (imported, _) in ticks.items()
            ),
            Decimal(0),
        )
        assert hour.import_cost == expected, hour.hour_start


def test_a_tariff_set_between_two_chunks_prices_the_next_though_the_process_holds_the_old_price(alice):
    household = alice.household
    home = costs.Home(household.pk, household.timezone, household.latitude, household.longitude)
    at = utc(2026, 7, 1, 10)

    def fixed(import_price: str, now: datetime) -> None:
        tariff_set(
            household=household,
            kind="FIXED",
            currency="EUR",
            import_price_per_kwh=import_price,
            export_price_per_kwh="0.05",
            now=now,
        )

    fixed("0.30", at - timedelta(days=1))
    (before,) = costs.tick_prices([home], {home.id: [at]})[home.id]
    (again,) = costs.tick_prices([home], {home.id: [at + timedelta(minutes=1)]})[home.id]
    fixed("0.40", at + timedelta(minutes=1, seconds=30))
    (after,) = costs.tick_prices([home], {home.id: [at + timedelta(minutes=2)]})[home.id]

    assert again is before  # the process's price, the terms not asked again
    assert (before.import_micro, after.import_micro) == (300_000, 400_000)
    assert before.export_micro == after.export_micro == 50_000


@pytest.fixture
def priced_month_end(alice):
    """Alice's home over Berlin's spring DST day and March's month end, on a dynamic tariff."""
    tariff_set(
        household=alice.household,
        kind="DYNAMIC",
        currency="EUR",
        import_price_per_kwh="0.15",
        export_price_per_kwh="0.06",
        market_zone="DE-LU",
        now=utc(2026, 3, 1),
    )
    backfill(alice, utc(2026, 3, 28, 23), utc(2026, 4, 1, 22), step=1800)
    return alice


SPAN_HOURS = (datetime(2026, 4, 1, 22, tzinfo=UTC) - datetime(2026, 3, 28, 23, tzinfo=UTC)).days * 24 + 23


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.integers(0, SPAN_HOURS - 2), length=st.integers(1, SPAN_HOURS))
def test_buckets_add_up_exactly_across_dst_and_month_end(priced_month_end, first, length):
    household = priced_month_end.household
    start = utc(2026, 3, 28, 23) + timedelta(hours=first)
    end = min(start + timedelta(hours=length), utc(2026, 4, 1, 22))
    by_interval = {
        interval: energy_history(household=household, start=start, end=end, interval=interval)
        for interval in (Interval.HOUR, Interval.DAY, Interval.WEEK, Interval.MONTH)
    }
    for field in ("import_cost", "export_revenue", "cost_without_devices"):
        totals = {
            interval: sum((getattr(b, field) for b in buckets), Decimal(0))
            for interval, buckets in by_interval.items()
        }
        assert len(set(totals.values())) == 1, (field, totals)
    for buckets in by_interval.values():
        for bucket in buckets:
            assert bucket.net_cost == bucket.import_cost - bucket.export_revenue
            assert bucket.savings == bucket.cost_without_devices - bucket.net_cost
            assert isinstance(bucket.import_cost, Decimal)


def test_one_homes_tariff_never_prices_anothers_ticks(alice, bob):
    """Alice sets an absurd tariff; Bob's hours stay priced at his own (New York's default, USD)."""
    tariff_set(
        household=alice.household,
        kind="FIXED",
        currency="EUR",
        import_price_per_kwh="9.99",
        export_price_per_kwh="-0.99",
        now=utc(2026, 1, 1),
    )
    backfill(bob, utc(2026, 1, 5, 5), utc(2026, 1, 6, 5))
    energies = tick_energies(bob)
    for hour in hours(bob):
        assert hour.currency == "USD"
        ticks = [
            e for at, e in energies.items() if hour.hour_start <= at < hour.hour_start + timedelta(hours=1)
        ]
        assert hour.import_cost == sum((money(i, Decimal("0.1700")) for i, _ in ticks), Decimal(0))
