"""The operators' money view: a home's tariff, today's cost and savings, tomorrow's price curve;
the fleet list's cost-today column."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from tariffs.services import tariff_set
from telemetry import services
from tests.tariffs.test_costs import backfill

LIST_URL = "/admin/households/household/"


@pytest.fixture
def operator(db) -> Client:
    from accounts.models import User

    user = User.objects.create_user(
        email="money-operator@example.com", password="x-Operator-pass-1", is_staff=True, is_superuser=True
    )
    client = Client()
    client.force_login(user)
    return client


def test_the_household_page_shows_tariff_cost_today_and_tomorrows_prices_once_published(
    operator, alice, time_machine
):
    tariff_set(
        household=alice.household,
        kind="DYNAMIC",
        currency="EUR",
        import_price_per_kwh="0.21",
        export_price_per_kwh="0.07",
        market_zone="DE-LU",
        now=datetime(2026, 12, 1, tzinfo=UTC),
    )
    morning = datetime(2026, 12, 9, 8, 0, tzinfo=UTC)  # 09:00 in Berlin: tomorrow is not published
    time_machine.move_to(morning, tick=False)
    backfill(alice, morning - timedelta(hours=8), morning)
    services.households_tick(households=[services.HouseholdRef.of(alice.household)], at=morning, seconds=60)

    page = operator.get(f"{LIST_URL}{alice.household.pk}/change/").content.decode()
    money = re.search(r'id="money".*?</fieldset>', page, re.S).group(0)
    assert "DYNAMIC in EUR" in money and "DE-LU day-ahead price" in money
    assert "Today so far (Europe/Berlin): import cost" in money and "savings" in money
    assert "not published yet" in money and "<polyline" not in money

    time_machine.move_to(datetime(2026, 12, 9, 12, 0, tzinfo=UTC), tick=False)  # 13:00 CET
    page = operator.get(f"{LIST_URL}{alice.household.pk}/change/").content.decode()
    money = re.search(r'id="money".*?</fieldset>', page, re.S).group(0)
    assert money.count("<polyline") == 1 and "Thursday 10 December" in money

    row = re.search(r"<tr>.*?Alice.*?</tr>", operator.get(LIST_URL).content.decode(), re.S).group(0)
    assert re.search(r"-?[\d,]+\.\d\d EUR", row), row
