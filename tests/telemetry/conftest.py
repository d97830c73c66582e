"""Households whose rows are committed, for tests that cross connections or processes.

Celery workers and concurrent threads cannot see a test's uncommitted transaction, so these
homes are created for real and dropped (schema and all) when the module is done.
"""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from accounts.models import User
from households.services import household_sign_up
from telemetry.models import HouseholdHour, HouseholdSnapshot, Tick
from telemetry.tick import local_hour_start
from tests.conftest import PASSWORD
from tests.telemetry.homes import typical_home_devices


@pytest.fixture(scope="module")
def committed_homes(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        homes = []
        for email, name, tz in [
            ("sun@example.com", "Sunny house", "Australia/Sydney"),
            ("rain@example.com", "Rainy house", "Europe/London"),
        ]:
            household = household_sign_up(email=email, password=PASSWORD, household_name=name, timezone=tz)
            with schema_context(household.household.schema_name):
                typical_home_devices()
            homes.append(household.household)
    connection.set_schema_to_public()
    yield homes
    with django_db_blocker.unblock():
        for household in homes:
            household.delete(force_drop=True)
        User.objects.filter(email__in=["sun@example.com", "rain@example.com"]).delete()
    connection.set_schema_to_public()


def undo_committed_ticks(members, instants) -> None:
    """Remove what committed fleet ticks at `instants` wrote into the session's shared households.

    A fleet tick visits every household, the session's too; only the rows of those instants go,
    so data other modules committed stays. (The session households have no committed devices.)
    """
    for member in members:
        household = member.household
        with schema_context(household.schema_name):
            Tick.objects.filter(at__in=instants).delete()
            hours = {local_hour_start(at=at, zone=household.zoneinfo) for at in instants}
            HouseholdHour.objects.filter(hour_start__in=hours).delete()
        HouseholdSnapshot.objects.filter(household=household, at__in=instants).delete()
    connection.set_schema_to_public()
