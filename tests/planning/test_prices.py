"""A plan's prices come from the home's tariff and the published market, never from unpublished days."""

from datetime import UTC, datetime, timedelta

import numpy as np

from households.services import household_sign_up
from planning.prices import chunk_prices, household_prices
from planning.services import households_plan, market_published, plans_to_refresh
from tariffs.selectors import prices_for
from tariffs.services import tariff_set
from tests.conftest import PASSWORD
from tests.planning.conftest import planned_home
from tests.planning.test_services import NOW


def test_a_plans_prices_are_the_tariffs_for_each_step(alice):
    start = NOW
    prices = household_prices(alice.household, start, 8, NOW)
    published = prices_for(household=alice.household, start=start, end=start + timedelta(hours=2), now=NOW)

    assert len(prices.import_per_kwh) == 8 and np.isfinite(prices.import_per_kwh).all()
    assert prices.import_per_kwh.tolist() == [float(p.import_price_per_kwh) for p in published]
    assert prices.export_per_kwh.tolist() == [float(p.export_price_per_kwh) for p in published]
    assert prices.currency == "EUR"


def test_steps_beyond_the_published_market_repeat_the_day_before(alice):
    # 10:00 in Berlin: tomorrow's DE-LU prices are not published before 13:00. A day months before
    # the suite's other instants, so no tariff version another test committed falls in the horizon.
    now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    tariff_set(
        household=alice.household,
        kind="DYNAMIC",
        currency="EUR",
        import_price_per_kwh="0.18",
        export_price_per_kwh="0.08",
        market_zone="DE-LU",
        now=now - timedelta(days=2),
    )
    prices = household_prices(alice.household, now, 144, now)
    known = prices_for(household=alice.household, start=now, end=now + timedelta(hours=36), now=now)

    assert len(known) < 144  # the market has not published tomorrow
    assert np.isfinite(prices.import_per_kwh).all()
    day_before = prices_for(household=alice.household, start=now - timedelta(days=1), end=now, now=now)
    missing = len(known)
    assert prices.import_per_kwh[missing] == float(day_before[missing].import_price_per_kwh)


def test_a_market_publication_makes_every_planned_home_due(alice, prices):
    planned_home(alice)
    # 13:00 CET, DE-LU publishes tomorrow's prices.
    published = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    households_plan(household_ids=[alice.household.pk], prices=prices, now=published - timedelta(minutes=20))

    assert market_published(since=published - timedelta(minutes=5), until=published + timedelta(minutes=1))
    assert alice.household.pk not in plans_to_refresh(now=published - timedelta(minutes=10))
    assert alice.household.pk in plans_to_refresh(now=published + timedelta(minutes=1))


def test_a_chunk_shares_the_prices_of_homes_on_the_same_tariff_and_no_others(alice, bob):
    # alice and a neighbour live in Berlin on the country's default tariff: one computation serves
    # both. bob (another country's default) and, once she sets her own, alice get their own.
    neighbour = household_sign_up(
        email="neighbour@example.com", password=PASSWORD, household_name="Next door", timezone="Europe/Berlin"
    ).household
    now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    source = chunk_prices()
    shared = source(alice.household, now, 8, now)
    assert source(neighbour, now, 8, now) is shared
    assert shared.import_per_kwh.tolist() == household_prices(neighbour, now, 8, now).import_per_kwh.tolist()
    assert source(bob.household, now, 8, now).currency != shared.currency

    tariff_set(
        household=alice.household,
        kind="FIXED",
        currency="EUR",
        import_price_per_kwh="0.5000",
        export_price_per_kwh="0.0100",
        now=now - timedelta(days=1),
    )
    later = chunk_prices()
    assert later(alice.household, now, 8, now).import_per_kwh.tolist() == [0.5] * 8
    assert later(neighbour, now, 8, now).import_per_kwh.tolist() == shared.import_per_kwh.tolist()


def test_a_chunk_reads_its_tariffs_at_once_and_prices_each_home_as_alone(
    alice, bob, django_assert_max_num_queries
):
    now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    alone = {m.household.pk: household_prices(m.household, now, 8, now) for m in (alice, bob)}
    source = chunk_prices([alice.household.pk, bob.household.pk])
    for member in (alice, bob):
        together = source(member.household, now, 8, now)
        assert together.import_per_kwh.tolist() == alone[member.household.pk].import_per_kwh.tolist()
        assert together.currency == alone[member.household.pk].currency
    with django_assert_max_num_queries(0):
        source(alice.household, now, 8, now)
