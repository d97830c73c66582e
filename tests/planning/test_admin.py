"""The operators' household page shows the next 24 hours of the home's plan over its price curve."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from planning.services import households_plan
from tests.conftest import PASSWORD
from tests.planning.conftest import planned_home, two_price_levels
from tests.planning.test_services import NOW


@pytest.fixture
def operator(db) -> Client:
    user = User.objects.create_user(email="planner-op@example.com", password=PASSWORD, is_staff=True)
    user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def _page(operator, member) -> str:
    return operator.get(f"/admin/households/household/{member.household.pk}/change/").content.decode()


def test_the_household_page_draws_the_plan_over_the_price(operator, alice):
    planned_home(alice)
    households_plan(household_ids=[alice.household.pk], prices=two_price_levels(), now=NOW)

    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        page = _page(operator, alice)

    assert 'id="plan-chart"' in page
    chart = page[page.index('id="plan-chart"') :]
    assert "Battery" in chart and "Car" in chart and "0.100-0.400 EUR/kWh" in chart
    assert page.count("<polyline") >= 3  # two stores and the price


def test_a_home_without_a_plan_shows_no_plan_chart(operator, bob):
    assert 'id="plan-chart"' not in _page(operator, bob)
