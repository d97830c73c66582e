"""signUp tells a prober whether an address has an account only when the rest of the request would
have signed up, and only after the work of a sign-up's password hash, over HTTP against production
settings (a real PBKDF2 hasher). The answer `taken` itself stays: docs/security.md says why the
per-IP sign-up limit bounds it."""

import time

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.conftest import PASSWORD
from tests.hardening.test_email_identity import SIGN_UP

pytestmark = [pytest.mark.django_db, pytest.mark.server]


def _sign_up(server, email: str, password: str):
    variables = {"input": {"email": email, "password": password, "householdName": "Probe"}}
    started = time.perf_counter()
    answer = server.graphql(SIGN_UP, variables)
    elapsed = time.perf_counter() - started
    assert answer.status == 200, answer.body[:300]
    payload = answer.json()["data"]["signUp"]
    return {(e["field"], e["code"]) for e in payload["errors"]}, elapsed


@pytest.mark.parametrize("spelling", [str.lower, str.upper], ids=["as-registered", "upper-case"])
def test_a_taken_address_with_a_weak_password_hears_only_about_the_password(
    production_server, alice, spelling
):
    errors, _ = _sign_up(production_server, spelling(alice.email), "1")

    assert ("password", "password_too_short") in errors
    assert not any(field == "email" for field, _ in errors), errors


def test_a_taken_address_costs_the_same_password_hash_as_a_sign_up(production_server, alice):
    hasher = PBKDF2PasswordHasher()
    hashes = []
    for _ in range(3):
        started = time.perf_counter()
        hasher.encode(PASSWORD, hasher.salt())
        hashes.append(time.perf_counter() - started)
    _sign_up(production_server, alice.email, PASSWORD)  # warm the worker

    errors, elapsed = _sign_up(production_server, alice.email, PASSWORD)

    assert errors == {("email", "taken")}
    # A lower bound only, and a loose one: this process and the server share a busy machine.
    assert elapsed >= 0.5 * min(hashes), (elapsed, hashes)
