"""tokenAuth, refreshToken, verifyToken, revokeToken, and the tokens the server must refuse."""

import base64
import json
from datetime import timedelta

import jwt
from django.conf import settings
from django.utils import timezone

from accounts.models import RefreshToken, refresh_token_digest
from accounts.tasks import refresh_tokens_purge
from tests.conftest import PASSWORD, access_claims

TOKEN_AUTH = """
mutation Login($email: String!, $password: String!) {
  tokenAuth(email: $email, password: $password) { token refreshToken payload }
}
"""
REFRESH = """
mutation Refresh($refreshToken: String!) {
  refreshToken(refreshToken: $refreshToken) { token refreshToken payload }
}
"""
REVOKE = "mutation Revoke($t: String!) { revokeToken(refreshToken: $t) { revoked } }"
VERIFY = "mutation Verify($t: String!) { verifyToken(token: $t) { payload } }"
ME = "{ me { email household { name } } }"


def _login(gql, email, password=PASSWORD):
    return gql.execute(TOKEN_AUTH, {"email": email, "password": password})


def test_token_auth_with_right_password_returns_working_tokens(gql, alice):
    result = _login(gql, "alice@example.com")["data"]["tokenAuth"]

    assert result["payload"]["email"] == "alice@example.com"
    assert result["refreshToken"]
    me = gql.execute(ME, token=result["token"])
    assert me["data"]["me"] == {"email": "alice@example.com", "household": {"name": "Alice's home"}}


def test_token_auth_is_case_insensitive_on_email(gql, alice):
    assert _login(gql, "Alice@Example.com")["data"]["tokenAuth"]["token"]


def test_token_auth_with_wrong_password_is_a_graphql_error(gql, alice):
    body = _login(gql, "alice@example.com", "wrong-password")

    assert body["data"]["tokenAuth"] is None
    assert body["errors"][0]["message"] == "Please enter valid credentials"


def test_repeated_wrong_passwords_lock_the_account(gql, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(gql, "alice@example.com", "wrong-password")

    body = _login(gql, "alice@example.com")

    assert body["data"]["tokenAuth"] is None
    assert "Too many failed login attempts" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"] == "LOCKED_OUT"
    assert _login(gql, "bob@example.com")["data"]["tokenAuth"]["token"]


def test_refresh_rotates_and_old_refresh_token_is_dead(gql, alice):
    first = _login(gql, "alice@example.com")["data"]["tokenAuth"]

    second = gql.execute(REFRESH, {"refreshToken": first["refreshToken"]})["data"]["refreshToken"]
    replay = gql.execute(REFRESH, {"refreshToken": first["refreshToken"]})

    assert second["refreshToken"] != first["refreshToken"]
    assert gql.execute(ME, token=second["token"])["data"]["me"]["email"] == "alice@example.com"
    assert replay["data"] is None or replay["data"]["refreshToken"] is None
    assert replay["errors"][0]["extensions"]["code"] == "INVALID_REFRESH_TOKEN"


def test_rotation_keeps_the_session_start_so_chains_expire(gql, alice):
    first = _login(gql, "alice@example.com")["data"]["tokenAuth"]
    started = timezone.now() - settings.JWT_REFRESH_SESSION_MAX_AGE - timedelta(seconds=1)
    RefreshToken.objects.filter(token_hash=refresh_token_digest(first["refreshToken"])).update(
        session_started_at=started
    )

    body = gql.execute(REFRESH, {"refreshToken": first["refreshToken"]})

    assert body["errors"][0]["extensions"]["code"] == "INVALID_REFRESH_TOKEN"


def test_revoked_refresh_token_cannot_refresh(gql, alice):
    refresh = _login(gql, "alice@example.com")["data"]["tokenAuth"]["refreshToken"]

    assert gql.execute(REVOKE, {"t": refresh})["data"]["revokeToken"] == {"revoked": True}
    assert gql.execute(REVOKE, {"t": refresh})["data"]["revokeToken"] == {"revoked": False}
    assert gql.execute(REFRESH, {"refreshToken": refresh})["errors"]


def test_verify_token_returns_payload_or_error(gql, alice):
    assert gql.execute(VERIFY, {"t": alice.token})["data"]["verifyToken"]["payload"]["email"] == (
        "alice@example.com"
    )
    assert gql.execute(VERIFY, {"t": alice.token + "x"})["errors"]


def _forge(payload: dict, key: str | None = None, algorithm: str = "HS256") -> str:
    return jwt.encode(payload, key or settings.GRAPHQL_JWT["JWT_SECRET_KEY"], algorithm=algorithm)


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_forged_tokens_are_refused(gql, alice):
    now = int(timezone.now().timestamp())
    tampered = alice.token.split(".")
    tampered[1] = _b64(access_claims(email="bob@example.com"))
    refused = {
        "expired": _forge(access_claims(exp=now - 1)),
        "wrong key": _forge(access_claims(), key="another-secret-key-0123456789abcdef"),
        "tampered payload": ".".join(tampered),
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(access_claims())}.",
        "HS512": _forge(access_claims(), algorithm="HS512"),
        "garbage": "not-a-token",
    }

    for name, token in refused.items():
        body = gql.execute(ME, token=token)
        assert body.get("data") is None or body["data"].get("me") is None, name
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", name


def test_me_without_token_is_an_authentication_error(gql, alice):
    body = gql.execute(ME)

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body.get("data") is None or body["data"].get("me") is None


def test_jwt_prefix_is_accepted_too(gql, alice):
    response = gql.http.post(
        "/graphql",
        data=json.dumps({"query": ME}),
        content_type="application/json",
        headers={"Authorization": f"JWT {alice.token}"},
    )

    assert response.json()["data"]["me"]["email"] == "alice@example.com"


def _stored(*tokens: str) -> list[bool]:
    return [RefreshToken.objects.filter(token_hash=refresh_token_digest(token)).exists() for token in tokens]


def test_purge_deletes_tokens_no_family_can_use_and_keeps_what_reuse_detection_needs(gql, alice):
    live = _login(gql, "alice@example.com")["data"]["tokenAuth"]["refreshToken"]
    rotated = _login(gql, "alice@example.com")["data"]["tokenAuth"]["refreshToken"]
    gql.execute(REFRESH, {"refreshToken": rotated})
    signed_out = _login(gql, "alice@example.com")["data"]["tokenAuth"]["refreshToken"]
    gql.execute(REVOKE, {"t": signed_out})
    old = _login(gql, "alice@example.com")["data"]["tokenAuth"]["refreshToken"]
    long_ago = timezone.now() - timedelta(days=30)
    RefreshToken.objects.filter(token_hash=refresh_token_digest(old)).update(created=long_ago)
    before = RefreshToken.objects.count()

    purged = refresh_tokens_purge.apply().get()

    assert purged == 2
    assert RefreshToken.objects.count() == before - 2
    assert _stored(live, rotated, signed_out, old) == [True, True, False, False]
