"""Shared fixtures: the test database is migrated once, with two households provisioned once.

Provisioning a schema costs ~0.1 s, so households `alice` and `bob` live for the whole session;
each test still runs in a transaction that is rolled back, so what a test writes disappears.
"""

import json
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client

from accounts.services import tokens_issue
from households.models import Household
from households.provisioning import template_sync
from households.services import household_sign_up

PASSWORD = "correct-Horse-battery-9"


@dataclass(frozen=True)
class Member:
    email: str
    household: Household
    token: str
    refresh_token: str


def _provision(email: str, name: str, timezone: str) -> Member:
    result = household_sign_up(email=email, password=PASSWORD, household_name=name, timezone=timezone)
    tokens = tokens_issue(user=result.user)
    return Member(email, result.household, tokens.token, tokens.refresh_token)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        # Never provision test households in a real database.
        assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
        template_sync(verbosity=0)
        members = {
            "alice": _provision("alice@example.com", "Alice's home", "Europe/Berlin"),
            "bob": _provision("bob@example.com", "Bob's flat", "America/New_York"),
        }
    connection.set_schema_to_public()
    return members


@pytest.fixture
def alice(django_db_setup, db) -> Member:
    return django_db_setup["alice"]


@pytest.fixture
def bob(django_db_setup, db) -> Member:
    return django_db_setup["bob"]


@pytest.fixture(autouse=True)
def _public_schema_after_each_test():
    yield
    connection.set_schema_to_public()


class GraphQLClient:
    """Posts to the real /graphql endpoint through every middleware, like a homeowner's app."""

    def __init__(self) -> None:
        self.http = Client(raise_request_exception=False)

    def post(self, query: str, variables: dict | None = None, token: str | None = None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.http.post(
            "/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            headers=headers,
        )

    def execute(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        response = self.post(query, variables, token)
        assert response.status_code in (200, 400), response.content[:500]
        return response.json()


@pytest.fixture
def gql(db) -> GraphQLClient:
    return GraphQLClient()
