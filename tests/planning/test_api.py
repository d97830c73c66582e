"""energyForecast and energyPlan through /graphql: the household's own, never another's."""

from datetime import timedelta

import pytest
import time_machine

from accounts.models import User
from accounts.services import tokens_issue
from planning.services import households_plan
from tests.planning.conftest import planned_home, two_price_levels
from tests.planning.test_services import NOW

PLAN = """
query { energyPlan { createdAt expectedCost { amount currency } expectedCostWithoutPlan { amount currency }
  steps { start end powerW device { id kind } } notes { code device { id } } } }
"""
FORECAST = """
query Forecast($hours: Int) { energyForecast(hours: $hours) {
  start end solarWh loadWh importPricePerKwh exportPricePerKwh } }
"""


@pytest.fixture
def planned_alice(alice):
    devices = planned_home(alice)
    households_plan(household_ids=[alice.household.pk], prices=two_price_levels(), now=NOW)
    return devices


def _data(gql, query, member, variables=None):
    """The answer to a call made now (a token issued now, so it holds under time_machine)."""
    token = tokens_issue(user=User.objects.get(email=member.email)).token
    body = gql.execute(query, variables, token)
    assert "errors" not in body, body
    return body["data"]


def test_a_home_without_a_plan_has_none(gql, alice):
    assert _data(gql, PLAN, alice) == {"energyPlan": None}


def test_the_plan_from_now_with_its_expected_saving(gql, alice, planned_alice):
    with time_machine.travel(NOW + timedelta(minutes=40), tick=False):
        plan = _data(gql, PLAN, alice)["energyPlan"]

    assert plan["expectedCost"]["currency"] == "EUR"
    assert float(plan["expectedCost"]["amount"]) < float(plan["expectedCostWithoutPlan"]["amount"])
    # Two stores, from the step 40 minutes in (the third) to the horizon's end.
    assert len(plan["steps"]) == 2 * (144 - 2)
    assert plan["steps"][0]["start"].startswith("2026-12-07T21:30:00")
    assert {s["device"]["kind"] for s in plan["steps"]} == {"BATTERY", "ELECTRIC_VEHICLE"}


def test_the_forecast_has_fifteen_minute_intervals(gql, alice, planned_alice):
    with time_machine.travel(NOW + timedelta(minutes=7), tick=False):
        forecast = _data(gql, FORECAST, alice, {"hours": 2})["energyForecast"]

    assert len(forecast) == 8
    assert forecast[0]["start"].startswith("2026-12-07T21:00:00")
    assert all(i["solarWh"] == 0.0 for i in forecast)  # a December night in Berlin
    assert all(i["loadWh"] > 0.0 for i in forecast)
    assert all(float(i["importPricePerKwh"]) > 0 for i in forecast)


@pytest.mark.parametrize("hours", [0, 49, -3])
def test_a_forecast_beyond_1_to_48_hours_is_refused_without_a_server_error(gql, alice, hours):
    body = gql.execute(FORECAST, {"hours": hours}, alice.token)
    assert body["errors"][0]["message"] == "hours must be between 1 and 48."
    assert body["data"] is None


def test_another_households_plan_and_forecast_stay_hidden(gql, alice, bob, planned_alice):
    with time_machine.travel(NOW + timedelta(minutes=7), tick=False):
        assert _data(gql, PLAN, bob) == {"energyPlan": None}
        forecast = _data(gql, FORECAST, bob, {"hours": 1})["energyForecast"]
    assert all(i["loadWh"] == 0.0 and i["solarWh"] == 0.0 for i in forecast)  # Bob has no devices


def test_without_a_token_there_is_no_plan_or_forecast(gql):
    for query in (PLAN, FORECAST):
        body = gql.execute(query)
        assert body["errors"] and not any((body.get("data") or {}).values())
