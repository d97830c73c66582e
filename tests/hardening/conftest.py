"""Fixtures for the hardening tests: households signed up through real servers, cleaned up after."""

import uuid

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import User
from households.models import Household
from tests.hardening.servers import collect_static, gunicorn


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


@pytest.fixture(scope="session")
def production_env(django_db_setup, tmp_path_factory):
    """Production settings with collectstatic run into a scratch directory, as the Docker build does.

    The keys are this run's (random, see config/settings/test.py): production refuses any key in
    the repository, and the servers verify the tokens the tests issue.
    """
    return collect_static(
        str(tmp_path_factory.mktemp("static")),
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        JWT_SECRET_KEY=settings.GRAPHQL_JWT["JWT_SECRET_KEY"],
        DJANGO_HTTPS="false",
        REDIS_URL=settings.CELERY_BROKER_URL,
        THROTTLE_REDIS_URL=settings.CACHES["throttle"]["LOCATION"],
        THROTTLE_KEY_PREFIX=settings.CACHES["throttle"]["KEY_PREFIX"],
        LOGIN_FAILURES_PER_IP=settings.LOGIN_FAILURES_PER_IP,
        SIGN_UP_RATE_PER_IP=settings.SIGN_UP_RATE_PER_IP,
    )


@pytest.fixture(scope="session")
def production_server(production_env):
    """One gunicorn with production settings for the whole run (tests that need others start them)."""
    with gunicorn(**production_env) as server:
        yield server
