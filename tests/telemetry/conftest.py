"""Households whose rows are committed, for tests that cross connections or processes.

Celery workers and concurrent threads cannot see a test's uncommitted transaction, so these
homes are created for real and dropped (schema and all) when the module is done.
"""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from accounts.models import User
from households.services import household_sign_up
from reporting.models import FleetTotals, HouseholdSnapshot
from telemetry.models import DeviceHour, HouseholdHour, Reading, Tick
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
        for member in django_db_setup.values():
            with schema_context(member.household.schema_name):
                for model in (Reading, DeviceHour, HouseholdHour, Tick):
                    model.objects.all().delete()
        HouseholdSnapshot.objects.all().delete()
        FleetTotals.objects.all().delete()
    connection.set_schema_to_public()
