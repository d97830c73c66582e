"""Fixtures for the hardening tests: households signed up through real servers, cleaned up after."""

import uuid

import pytest
from django.db import connection

from accounts.models import User
from households.models import Household


@pytest.fixture(scope="module")
def new_email(django_db_setup, django_db_blocker):
    """Hands out unique emails; households signed up with them (committed by a server) are dropped
    when the module is done, outside the tests' rolled-back transactions."""
    emails = []

    def make(prefix: str) -> str:
        emails.append(f"{prefix}-{uuid.uuid4().hex[:8]}@example.com")
        return emails[-1]

    yield make
    with django_db_blocker.unblock():
        for household in Household.objects.filter(memberships__user__email__in=emails):
            household.delete(force_drop=True)
        User.objects.filter(email__in=emails).delete()
    connection.set_schema_to_public()
