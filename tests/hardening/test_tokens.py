"""Access tokens, RFC 8725 in spirit: HS256 with the server's key only, short-lived, strong key in production.

tests/accounts/test_tokens.py covers expiry, a wrong key, a tampered payload, `alg: none` and HS512;
these add the algorithm-confusion and empty-key forgeries, and what production refuses to start with.
"""

import base64
import hashlib
import hmac
import json

import jwt
import pytest
from django.conf import settings

from tests.conftest import access_claims

ME = "{ me { email } }"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _token(header: dict, claims: dict, key: bytes | None, digest=hashlib.sha256) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(key, signing_input.encode(), digest).digest() if key is not None else b""
    return f"{signing_input}.{_b64(signature)}"


def _server_key() -> bytes:
    return settings.GRAPHQL_JWT["JWT_SECRET_KEY"].encode()


def test_the_server_key_itself_is_accepted(gql, alice):
    """Control for the forgeries below: the same hand-made token with the real key and alg works."""
    token = _token({"alg": "HS256", "typ": "JWT"}, access_claims(), _server_key())

    assert gql.execute(ME, token=token)["data"]["me"]["email"] == "alice@example.com"


@pytest.mark.parametrize(
    ("header", "key", "digest"),
    [
        # Algorithm confusion: an asymmetric alg "signed" with the shared secret as if it were a public key.
        ({"alg": "RS256", "typ": "JWT"}, "server", hashlib.sha256),
        ({"alg": "ES256", "typ": "JWT"}, "server", hashlib.sha256),
        ({"alg": "PS256", "typ": "JWT"}, "server", hashlib.sha256),
        # Stronger HMACs with the right key are still not HS256.
        ({"alg": "HS384", "typ": "JWT"}, "server", hashlib.sha384),
        # An empty key, and the spellings of "none" with and without a signature.
        ({"alg": "HS256", "typ": "JWT"}, "empty", hashlib.sha256),
        ({"alg": "None", "typ": "JWT"}, None, None),
        ({"alg": "NONE", "typ": "JWT"}, None, None),
        ({"alg": "nOnE", "typ": "JWT"}, "server", hashlib.sha256),
        # The right alg with no signature at all.
        ({"alg": "HS256", "typ": "JWT"}, None, None),
        # A key the token brings along itself is never trusted.
        (
            {"alg": "HS256", "typ": "JWT", "jwk": {"kty": "oct", "k": _b64(b"attacker")}},
            "attacker",
            hashlib.sha256,
        ),
        ({"alg": "HS256", "typ": "JWT", "kid": "../../dev/null"}, "empty", hashlib.sha256),
    ],
)
def test_forged_algorithms_and_keys_are_refused(gql, alice, header, key, digest):
    keys = {"server": _server_key(), "empty": b"", "attacker": b"attacker", None: None}
    token = _token(header, access_claims(), keys[key], digest or hashlib.sha256)

    body = gql.execute(ME, token=token)

    assert body.get("data") is None or body["data"]["me"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_issued_access_tokens_are_hs256_and_short_lived(alice):
    header = jwt.get_unverified_header(alice.token)
    claims = jwt.decode(alice.token, options={"verify_signature": False})

    assert header["alg"] == "HS256"
    assert claims["exp"] - claims["origIat"] == settings.GRAPHQL_JWT["JWT_EXPIRATION_DELTA"].total_seconds()
    assert settings.GRAPHQL_JWT["JWT_EXPIRATION_DELTA"].total_seconds() <= 15 * 60


def test_token_verification_settings_cannot_drift():
    jwt_settings = settings.GRAPHQL_JWT

    assert jwt_settings["JWT_ALGORITHM"] == "HS256"
    assert jwt_settings.get("JWT_VERIFY", True) is True
    assert jwt_settings["JWT_VERIFY_EXPIRATION"] is True
    assert jwt_settings.get("JWT_PUBLIC_KEY") is None
    assert jwt_settings["JWT_ALLOW_ARGUMENT"] is False
