"""Shared fixtures: the test database is migrated once, with two households provisioned once.

Provisioning a schema costs ~0.1 s, so households `alice` and `bob` live for the whole session;
each test still runs in a transaction that is rolled back, so what a test writes disappears.
"""

import json
from dataclasses import dataclass, replace

import jwt
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.emails import canonical_email
from accounts.models import User
from accounts.services import tokens_issue
from households.models import Household
from households.provisioning import template_sync
from households.services import household_sign_up
from telemetry import partitions

PASSWORD = "correct-Horse-battery-9"


def access_claims(of: str = "alice@example.com", **overrides) -> dict:
    """The claims the server writes into access tokens of the user `of` (accounts.tokens.access_payload)."""
    user = User.objects.get(email=of)
    now = int(timezone.now().timestamp())
    claims = {"email": user.email, "exp": now + 300, "origIat": now}
    return {**claims, "uid": user.pk, "gen": user.token_generation, **overrides}


def token_owner(token: str) -> str | None:
    """The email of the user a token authenticates, by the contract, decided apart from the server:
    HS256 under the server's key, unexpired, exp/uid/gen/email present and typed, and the user
    active with that id, email and token generation."""
    key, required = settings.GRAPHQL_JWT["JWT_SECRET_KEY"], ["exp", "uid", "gen", "email"]
    try:
        claims = jwt.decode(token, key, algorithms=["HS256"], options={"require": required})
    except (jwt.InvalidTokenError, TypeError, ValueError):
        return None
    uid, gen, email = claims["uid"], claims["gen"], claims["email"]
    if type(uid) is not int or type(gen) is not int or not isinstance(email, str) or not 0 <= uid < 2**63:
        return None
    user = User.objects.filter(pk=uid, is_active=True, token_generation=gen).first()
    return user.email if user is not None and user.email == canonical_email(email) else None


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


def _signed_in_now(member: Member) -> Member:
    """The session's member with tokens issued now: access tokens live minutes, the suite longer."""
    tokens = tokens_issue(user=User.objects.get(email=member.email))
    return replace(member, token=tokens.token, refresh_token=tokens.refresh_token)


@pytest.fixture
def alice(django_db_setup, db) -> Member:
    return _signed_in_now(django_db_setup["alice"])


@pytest.fixture
def bob(django_db_setup, db) -> Member:
    return _signed_in_now(django_db_setup["bob"])


@pytest.fixture(autouse=True)
def _public_schema_after_each_test():
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _partition_days_forgotten_after_each_test():
    """A test's transaction is rolled back with the partitions made in it: the process forgets the
    days it confirmed (telemetry.partitions.confirmed_days), as after a failed tick."""
    yield
    partitions.confirmed_days.clear()


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
