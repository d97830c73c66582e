"""Answers that carry tokens are never stored by a browser or proxy (RFC 6749 section 5.1): every
/graphql answer says `Cache-Control: no-store`, over HTTP against production settings."""

import pytest

from tests.conftest import PASSWORD
from tests.hardening.test_email_identity import SIGN_UP, TOKEN_AUTH

pytestmark = [pytest.mark.django_db, pytest.mark.server]

TOKEN_AUTH_WITH_REFRESH = TOKEN_AUTH.replace("{ token }", "{ token refreshToken }")
REFRESH = "mutation($r: String!) { refreshToken(refreshToken: $r) { token refreshToken } }"


def _no_store(answer) -> bool:
    directives = {part.strip() for part in answer.headers.get("Cache-Control", "").split(",")}
    return "no-store" in directives


def test_token_answers_say_no_store(production_server, new_email):
    email = new_email("no-store")
    variables = {"input": {"email": email, "password": PASSWORD, "householdName": "H"}}
    sign_up = production_server.graphql(SIGN_UP, variables)
    login = production_server.graphql(TOKEN_AUTH_WITH_REFRESH, {"email": email, "password": PASSWORD})
    refresh = production_server.graphql(REFRESH, {"r": login.json()["data"]["tokenAuth"]["refreshToken"]})

    assert sign_up.json()["data"]["signUp"]["token"]
    assert refresh.json()["data"]["refreshToken"]["token"]
    assert [_no_store(a) for a in (sign_up, login, refresh)] == [True, True, True]


def test_refusals_and_reads_say_no_store_too(production_server, alice):
    refused = production_server.request(
        "POST", "/graphql", raw=b"[1]", headers={"Content-Type": "application/json"}
    )
    read = production_server.graphql("{ me { email } }", token=alice.token)

    assert refused.status == 400 and _no_store(refused)
    assert read.status == 200 and _no_store(read)
