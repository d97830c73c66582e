"""Server errors the fuzzers found, pinned as plain examples: each must become a clean refusal.

The FuzzClient fails on any 5xx, and on any resolver exception the code does not raise on
purpose (graphene shows those as a 200 carrying the exception's text). Each case names where the
error starts; they fail until the code there refuses the input itself.
"""

import pytest

from tests.conftest import PASSWORD
from tests.fuzz.conftest import changes, rows

SIGN_UP = """
mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { user { email } errors { field message code } }
}
"""
TOKEN_AUTH = """
mutation TokenAuth($email: String!, $password: String!) {
  tokenAuth(email: $email, password: $password) { token }
}
"""
REFRESH_TOKEN = "mutation Refresh($token: String!) { refreshToken(refreshToken: $token) { token } }"
REVOKE_TOKEN = "mutation Revoke($token: String!) { revokeToken(refreshToken: $token) { revoked } }"
VERIFY_TOKEN = "mutation Verify($token: String!) { verifyToken(token: $token) { payload } }"
ME = "{ me { email } }"

NUL, SURROGATE = "\x00", "\ud800"


def _sign_up_input(**overrides) -> dict:
    return {"email": "new-owner@example.com", "password": PASSWORD, "householdName": "Home", **overrides}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        # households/services.py _sign_up_errors: the name is never checked for characters
        # PostgreSQL cannot store, so Household.objects.create raises ValueError / UnicodeEncodeError.
        pytest.param(_sign_up_input(householdName=f"Home{NUL}"), "householdName", id="name-nul"),
        pytest.param(_sign_up_input(householdName=f"Home{SURROGATE}"), "householdName", id="name-surrogate"),
        # validate_email allows up to 320 characters; User.email holds 254 (DataError).
        pytest.param(_sign_up_input(email="a" * 250 + "@example.com"), "email", id="email-255-chars"),
        # set_password hashes password.encode(): a lone surrogate raises UnicodeEncodeError.
        pytest.param(_sign_up_input(password=PASSWORD + SURROGATE), "password", id="password-surrogate"),
    ],
)
def test_sign_up_refuses_unstorable_text_by_field(fuzz, data, field):
    # given
    before = rows()

    # when
    answer = fuzz.post(SIGN_UP, {"input": data})

    # then
    payload = answer.field("signUp")
    assert field in [error["field"] for error in payload["errors"]], answer.body
    assert changes(before, rows()) == {}


def test_sign_up_while_holding_a_token_creates_the_household(fuzz, alice):
    """The token middleware activates alice's schema; django-tenants refuses to create a tenant
    outside the public schema ("Can't create tenant outside the public schema"), which escapes
    SignUp.mutate (accounts/schema.py) as a bare Exception."""
    # given
    before = rows()

    # when
    answer = fuzz.post(SIGN_UP, {"input": _sign_up_input()}, token=alice.token)

    # then
    assert answer.field("signUp")["errors"] == [], answer.body
    assert changes(before, rows())["households"] == 1


@pytest.mark.parametrize(
    ("email", "password"),
    [
        # ModelBackend's lookup (and django-axes' attempt query) sends the NUL to PostgreSQL: ValueError.
        pytest.param(f"alice{NUL}@example.com", "x", id="email-nul"),
        pytest.param(f"alice{SURROGATE}@example.com", "x", id="email-surrogate"),
        # check_password / set_password encode the password: UnicodeEncodeError.
        pytest.param("alice@example.com", SURROGATE, id="password-surrogate"),
        pytest.param("nobody@example.com", SURROGATE, id="unknown-email-password-surrogate"),
        # django-axes records the failed attempt's email in a 255-character column: DataError.
        pytest.param("a" * 300 + "@example.com", "x", id="email-312-chars"),
    ],
)
def test_token_auth_refuses_unstorable_text_as_invalid_credentials(fuzz, alice, email, password):
    # when
    answer = fuzz.post(TOKEN_AUTH, {"email": email, "password": password})

    # then
    assert answer.field("tokenAuth") is None
    assert answer.codes == {"INVALID_CREDENTIALS"}, answer.body


@pytest.mark.parametrize("token", [f"{NUL}", f"ab{SURROGATE}"], ids=["nul", "surrogate"])
@pytest.mark.parametrize("mutation", [REFRESH_TOKEN, REVOKE_TOKEN], ids=["refresh", "revoke"])
def test_refresh_and_revoke_refuse_unstorable_tokens(fuzz, alice, mutation, token):
    """accounts/services.py refresh_token_rotate / refresh_token_revoke filter on the raw string."""
    # given
    before = rows(alice)

    # when
    answer = fuzz.post(mutation, {"token": token})

    # then
    assert answer.field("refreshToken") is None
    assert answer.errors or answer.field("revokeToken") == {"revoked": False}, answer.body
    assert changes(before, rows(alice)) == {}


def test_verify_token_refuses_a_token_with_a_lone_surrogate(fuzz):
    """PyJWT encodes the token to UTF-8 before decoding it; graphql_jwt catches only PyJWT's errors."""
    # when
    answer = fuzz.post(VERIFY_TOKEN, {"token": f"ey{SURROGATE}"})

    # then
    assert answer.field("verifyToken") is None and answer.errors


def test_a_query_with_a_lone_surrogate_is_a_bad_request(fuzz, alice):
    """core/graphql/validation.py query_errors hashes query.encode(): UnicodeEncodeError, a 500."""
    # when
    answer = fuzz.post(f"{{ me {{ email }} }} # {SURROGATE}", token=alice.token)

    # then
    assert answer.status in (200, 400), answer.body


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            '{"query": "{ me { email } }", "variables": ' + "[" * 100_000 + "]" * 100_000 + "}", id="list"
        ),
        pytest.param(
            '{"query": "{ me { email } }", "variables": ' + '{"a":' * 100_000 + "1" + "}" * 100_001,
            id="object",
        ),
    ],
)
def test_deeply_nested_json_is_a_bad_request(fuzz, alice, body):
    """graphene_django/views.py parse_body catches TypeError/ValueError; json.loads raises RecursionError."""
    # when
    answer = fuzz.post_raw(body, token=alice.token)

    # then
    assert answer.status == 400 and answer.errors


def test_a_graphql_body_that_is_not_utf8_is_a_bad_request(fuzz, alice):
    """graphene_django/views.py parse_body: `request.body.decode()` for application/graphql, unguarded."""
    # when
    answer = fuzz.post_raw(b"{ me { email } } \xff", token=alice.token, content_type="application/graphql")

    # then
    assert answer.status == 400 and answer.errors
