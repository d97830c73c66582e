"""seed_demo: the logins it prints work, and a second run creates nothing twice."""

from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from accounts.models import User
from demo.seed import HOMES, OWNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD
from devices.models import Device
from households.models import Household, Membership
from telemetry.models import DeviceHour, HouseholdHour, Reading, Tick

ARGS = ("seed_demo", "--days", "0.5", "--step-seconds", "900", "--until", "2026-06-01T00:00:00+00:00")
TOKEN_AUTH = """
mutation($email: String!, $password: String!) { tokenAuth(email: $email, password: $password) { token } }
"""


def _seed() -> str:
    out = StringIO()
    call_command(*ARGS, stdout=out)
    return out.getvalue()


def _counts() -> dict:
    counts = {
        "users": User.objects.count(),
        "households": Household.objects.count(),
        "memberships": Membership.objects.count(),
    }
    for household in Household.objects.filter(name__in=[home.name for home in HOMES]):
        with schema_context(household.schema_name):
            counts[household.name] = {
                model.__name__: model.objects.count()
                for model in (Device, Reading, Tick, DeviceHour, HouseholdHour)
            }
    return counts


def test_a_second_run_creates_nothing_twice(db):
    first_output = _seed()
    first = _counts()
    second_output = _seed()

    assert _counts() == first
    for home in HOMES:
        assert first[home.name]["Device"] == len(home.devices)
        assert first[home.name]["Tick"] == 48
        assert first[home.name]["Reading"] == 48 * len(home.devices)
        assert f"{home.name} ({home.timezone}): created, 48 ticks written." in first_output
        assert f"{home.name} ({home.timezone}): already there, 0 ticks written." in second_output
    assert "already existed" in second_output


def test_the_printed_logins_work(db, gql):
    output = _seed()

    assert "DEMO ONLY" in output and "tokenAuth" in output
    for home in HOMES:
        assert home.email in output
        result = gql.execute(TOKEN_AUTH, {"email": home.email, "password": OWNER_PASSWORD})
        assert result["data"]["tokenAuth"]["token"], result
        assert User.objects.get(email=home.email).membership.household.name == home.name
    assert STAFF_EMAIL in output and STAFF_PASSWORD in output
    staff = User.objects.get(email=STAFF_EMAIL)
    assert staff.is_staff
    admin = Client()
    response = admin.post(
        "/admin/login/?next=/admin/households/household/",
        {"username": STAFF_EMAIL, "password": STAFF_PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert b"Austin house" in response.content


def _energy(household: Household) -> list[tuple]:
    with schema_context(household.schema_name):
        return list(HouseholdHour.objects.order_by("hour_start").values_list("produced_wh", "consumed_wh"))


def test_every_seeding_simulates_the_same_history(db):
    _seed()
    first = {home.name: _energy(Household.objects.get(name=home.name)) for home in HOMES}
    with connection.cursor() as cursor:  # fire the deferred foreign-key checks before dropping
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for home in HOMES:  # as on a fresh installation (rolled back with the test)
        Household.objects.get(name=home.name).delete(force_drop=True)
        User.objects.filter(email=home.email).delete()

    _seed()

    households = {home.name: Household.objects.get(name=home.name) for home in HOMES}
    assert {name: household.schema_name for name, household in households.items()} == {
        home.name: home.schema_name for home in HOMES
    }
    assert {name: _energy(household) for name, household in households.items()} == first
    assert all(first.values())
