"""signUp: a new owner gets a household with its own schema, or nothing at all."""

import pytest
from django_tenants.utils import schema_exists

from accounts.models import User
from households.models import Household, Membership

SIGN_UP = """
mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) {
    user { email household { name timezone } }
    household { name timezone }
    token refreshToken
    errors { field message code }
  }
}
"""


def _input(**overrides):
    data = {
        "email": "carol@example.com",
        "password": "a-Strong-pass-123",
        "householdName": "Carol's cottage",
        "timezone": "Asia/Kolkata",
    }
    data.update(overrides)
    return data


def _counts():
    return User.objects.count(), Household.objects.count(), Membership.objects.count()


def test_sign_up_creates_household_schema_and_owner(gql):
    body = gql.execute(SIGN_UP, {"input": _input()})

    payload = body["data"]["signUp"]
    assert payload["errors"] == []
    assert payload["household"] == {"name": "Carol's cottage", "timezone": "Asia/Kolkata"}
    assert payload["user"]["household"]["name"] == "Carol's cottage"
    assert payload["token"] and payload["refreshToken"]
    household = Household.objects.get(name="Carol's cottage")
    assert schema_exists(household.schema_name)
    membership = Membership.objects.get(household=household)
    assert membership.user.email == "carol@example.com"
    assert membership.role == Membership.Role.OWNER


def test_new_owner_token_answers_me(gql):
    token = gql.execute(SIGN_UP, {"input": _input()})["data"]["signUp"]["token"]

    me = gql.execute("{ me { email isStaff household { name timezone } } }", token=token)

    assert me["data"]["me"] == {
        "email": "carol@example.com",
        "isStaff": False,
        "household": {"name": "Carol's cottage", "timezone": "Asia/Kolkata"},
    }


def test_timezone_defaults_to_utc(gql):
    body = gql.execute(SIGN_UP, {"input": _input(timezone=None)})

    assert body["data"]["signUp"]["household"]["timezone"] == "UTC"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"email": "alice@example.com"}, "email", "taken"),
        ({"email": "ALICE@example.com"}, "email", "taken"),
        ({"email": "not-an-email"}, "email", "invalid"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "invalid_timezone"),
        ({"password": "123"}, "password", "password_too_short"),
        ({"password": "password"}, "password", "password_too_common"),
        ({"householdName": "   "}, "householdName", "required"),
        ({"householdName": "x" * 101}, "householdName", "max_length"),
    ],
)
def test_bad_sign_up_is_refused_with_field_error_and_writes_nothing(gql, alice, overrides, field, code):
    before = _counts()

    payload = gql.execute(SIGN_UP, {"input": _input(**overrides)})["data"]["signUp"]

    assert payload["token"] is None and payload["household"] is None
    assert {(e["field"], e["code"]) for e in payload["errors"]} >= {(field, code)}
    assert _counts() == before


def test_failure_while_provisioning_leaves_no_user_household_or_schema(gql, settings):
    settings.TENANT_TEMPLATE_SCHEMA = "missing_template_schema"
    before = _counts()

    response = gql.post(SIGN_UP, {"input": _input()})

    assert response.status_code == 200
    assert response.json()["data"]["signUp"] is None
    assert response.json()["errors"]
    assert _counts() == before
    assert not User.objects.filter(email="carol@example.com").exists()
