"""setTariff, Household.tariff, prices and the money in energySummary, energyHistory and fleetSummary,
through the real /graphql endpoint, from the owner's and from another household's side."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import User
from households.models import Membership
from tariffs.models import Tariff
from tariffs.services import tariff_set
from telemetry import services
from tests.tariffs.test_costs import backfill

SET_TARIFF = """
mutation Set($input: SetTariffInput!) {
  setTariff(input: $input) {
    tariff { kind currency importPricePerKwh exportPricePerKwh marketZone
             windows { days startLocal endLocal importPricePerKwh } }
    errors { field message code }
  }
}
"""
ME = "{ me { household { tariff { kind currency importPricePerKwh exportPricePerKwh marketZone } } } }"
PRICES = """
query Prices($start: DateTime!, $end: DateTime!) {
  prices(start: $start, end: $end) { start end importPricePerKwh exportPricePerKwh }
}
"""
COSTS = """
query Costs($start: DateTime!, $end: DateTime!) {
  energyHistory(start: $start, end: $end, interval: DAY) {
    start loadWh importedWh exportedWh
    importCost { amount currency } exportRevenue { amount currency } netCost { amount currency }
    costWithoutDevices { amount currency } savings { amount currency }
  }
}
"""

TOU = {
    "kind": "TIME_OF_USE",
    "currency": "EUR",
    "importPricePerKwh": "0.32",
    "exportPricePerKwh": "0.08",
    "windows": [
        {"days": [1, 2, 3, 4, 5], "startLocal": "00:00", "endLocal": "06:00", "importPricePerKwh": "0.12"},
        {"days": [6, 7], "startLocal": "10:00", "endLocal": "24:00", "importPricePerKwh": "0.20"},
    ],
}


def set_tariff(gql, token, tariff: dict) -> dict:
    body = gql.execute(SET_TARIFF, {"input": tariff}, token=token)
    assert "errors" not in body, body
    return body["data"]["setTariff"]


def test_a_new_home_shows_its_countrys_default(gql, alice, bob):
    alice_tariff = gql.execute(ME, token=alice.token)["data"]["me"]["household"]["tariff"]
    bob_tariff = gql.execute(ME, token=bob.token)["data"]["me"]["household"]["tariff"]
    assert alice_tariff == {
        "kind": "FIXED",
        "currency": "EUR",
        "importPricePerKwh": "0.395",
        "exportPricePerKwh": "0.0786",
        "marketZone": None,
    }
    assert bob_tariff["currency"] == "USD"


def test_the_owner_sets_a_time_of_use_tariff(gql, alice):
    payload = set_tariff(gql, alice.token, TOU)
    assert payload["errors"] == []
    assert payload["tariff"]["kind"] == "TIME_OF_USE"
    assert payload["tariff"]["windows"][1] == {
        "days": [6, 7],
        "startLocal": "10:00",
        "endLocal": "24:00",
        "importPricePerKwh": "0.20",
    }
    # Saturday 12 Dec 2026, 09:45 and 10:00 in Berlin (UTC+1).
    prices = gql.execute(
        PRICES, {"start": "2026-12-12T09:45:00+01:00", "end": "2026-12-12T10:15:00+01:00"}, token=alice.token
    )["data"]["prices"]
    assert [(p["start"], p["importPricePerKwh"]) for p in prices] == [
        ("2026-12-12T09:45:00+01:00", "0.32"),
        ("2026-12-12T10:00:00+01:00", "0.20"),
    ]


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"currency": "EURO"}, "currency", "invalid_currency"),
        ({"currency": "XYZ"}, "currency", "invalid_currency"),
        ({"importPricePerKwh": "10.5"}, "importPricePerKwh", "out_of_range"),
        ({"exportPricePerKwh": "-1.01"}, "exportPricePerKwh", "out_of_range"),
        ({"importPricePerKwh": "0.1234567"}, "importPricePerKwh", "invalid"),
        (
            {
                "windows": [
                    {"days": [8], "startLocal": "00:00", "endLocal": "06:00", "importPricePerKwh": "0.1"}
                ]
            },
            "windows.0.days",
            "invalid_weekday",
        ),
        (
            {
                "windows": [
                    {"days": [1], "startLocal": "24:00", "endLocal": "24:00", "importPricePerKwh": "0.1"}
                ]
            },
            "windows.0.startLocal",
            "invalid_time",
        ),
        (
            {
                "windows": [
                    {"days": [1], "startLocal": "7:00", "endLocal": "09:00", "importPricePerKwh": "0.1"}
                ]
            },
            "windows.0.startLocal",
            "invalid_time",
        ),
        (
            {
                "windows": [
                    {"days": [1], "startLocal": "09:00", "endLocal": "07:00", "importPricePerKwh": "0.1"}
                ]
            },
            "windows.0.endLocal",
            "invalid_time",
        ),
        (
            {
                "windows": [
                    {"days": [1, 2], "startLocal": "00:00", "endLocal": "08:00", "importPricePerKwh": "0.1"},
                    {"days": [2], "startLocal": "07:00", "endLocal": "09:00", "importPricePerKwh": "0.2"},
                ]
            },
            "windows.1",
            "overlapping_windows",
        ),
        ({"kind": "DYNAMIC", "windows": [], "marketZone": "ATLANTIS"}, "marketZone", "unknown_zone"),
        ({"kind": "DYNAMIC", "windows": [], "marketZone": "ERCOT"}, "currency", "currency_mismatch"),
        ({"kind": "FIXED"}, "windows", "not_allowed"),
    ],
)
def test_bad_tariffs_are_refused_field_by_field_and_nothing_is_written(gql, alice, change, field, code):
    payload = set_tariff(gql, alice.token, {**TOU, **change})
    assert payload["tariff"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert not Tariff.objects.filter(household=alice.household).exists()


def test_only_the_owner_sets_the_tariff(gql, alice):
    member = User.objects.create_user(email="lodger@example.com", password="x-Lodger-password-1")
    Membership.objects.create(user=member, household=alice.household, role=Membership.Role.MEMBER)
    from accounts.services import tokens_issue

    body = gql.execute(SET_TARIFF, {"input": TOU}, token=tokens_issue(user=member).token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert not Tariff.objects.filter(household=alice.household).exists()


def test_another_homes_tariff_is_out_of_reach(gql, alice, bob):
    """Bob, the attacker, sets a tariff and asks for prices: only his own home's change and answer."""
    set_tariff(gql, bob.token, {**TOU, "currency": "USD", "importPricePerKwh": "9.99"})
    assert not Tariff.objects.filter(household=alice.household).exists()
    alice_prices = gql.execute(
        PRICES, {"start": "2026-12-14T12:00:00+01:00", "end": "2026-12-14T12:15:00+01:00"}, token=alice.token
    )["data"]["prices"]
    assert alice_prices[0]["importPricePerKwh"] == "0.395"
    assert gql.execute(ME, token=alice.token)["data"]["me"]["household"]["tariff"]["currency"] == "EUR"


def test_prices_refuse_a_range_over_31_days_or_without_offset(gql, alice):
    too_long = gql.execute(
        PRICES, {"start": "2026-01-01T00:00:00+00:00", "end": "2026-03-01T00:00:00+00:00"}, token=alice.token
    )
    naive = gql.execute(
        PRICES, {"start": "2026-01-01T00:00:00", "end": "2026-01-02T00:00:00"}, token=alice.token
    )
    for body in (too_long, naive):
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_a_days_cost_and_savings_in_energy_history(gql, alice):
    tariff_set(
        household=alice.household,
        kind="FIXED",
        currency="EUR",
        import_price_per_kwh="0.40",
        export_price_per_kwh="0.08",
        now=datetime(2026, 7, 1, tzinfo=UTC),
    )
    backfill(alice, datetime(2026, 7, 4, 22, tzinfo=UTC), datetime(2026, 7, 5, 22, tzinfo=UTC))
    (day,) = gql.execute(
        COSTS, {"start": "2026-07-05T00:00:00+02:00", "end": "2026-07-06T00:00:00+02:00"}, token=alice.token
    )["data"]["energyHistory"]
    amounts = {
        key: float(day[key]["amount"])
        for key in ("importCost", "exportRevenue", "netCost", "costWithoutDevices", "savings")
    }
    assert {day[key]["currency"] for key in amounts} == {"EUR"}
    assert amounts["importCost"] == pytest.approx(day["importedWh"] / 1000 * 0.40, abs=1e-3)
    assert amounts["exportRevenue"] == pytest.approx(day["exportedWh"] / 1000 * 0.08, abs=1e-3)
    assert amounts["costWithoutDevices"] == pytest.approx(day["loadWh"] / 1000 * 0.40, abs=1e-3)
    assert Decimal(day["savings"]["amount"]) == Decimal(day["costWithoutDevices"]["amount"]) - Decimal(
        day["netCost"]["amount"]
    )


def test_energy_summary_shows_the_prices_in_force(gql, alice):
    set_tariff(
        gql,
        alice.token,
        {"kind": "FIXED", "currency": "EUR", "importPricePerKwh": "0.29", "exportPricePerKwh": "0.081"},
    )
    summary = gql.execute("{ energySummary { importPricePerKwh exportPricePerKwh } }", token=alice.token)
    assert summary["data"]["energySummary"] == {"importPricePerKwh": "0.29", "exportPricePerKwh": "0.081"}


def test_fleet_summary_totals_todays_costs_per_currency(gql, alice):
    staff = User.objects.create_user(email="ops@example.com", password="x-Ops-password-1", is_staff=True)
    from accounts.services import tokens_issue

    at = services.tick_instant()
    backfill(alice, at - timedelta(hours=2), at)
    services.fleet_tick_in_process(at=at, seconds=60)
    fleet = gql.execute(
        "{ fleetSummary { importCost { amount currency } costsToday { currency importCost } } }",
        token=tokens_issue(user=staff).token,
    )["data"]["fleetSummary"]
    currencies = {row["currency"] for row in fleet["costsToday"]}
    assert "EUR" in currencies
    if currencies == {"EUR"}:
        assert fleet["importCost"]["currency"] == "EUR"
    else:
        assert fleet["importCost"] is None
    connection.set_schema_to_public()
