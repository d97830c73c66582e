"""Aliases cannot multiply the expensive fields: a per-request budget refused before any resolver
runs, a sign-up throttle per client IP, and a bound on every answer."""

import json
import time
import uuid

from axes.models import AccessAttempt
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from accounts.models import RefreshToken, User
from tests.conftest import PASSWORD
from tests.hardening.servers import gunicorn
from tests.hardening.test_email_identity import SIGN_UP, TOKEN_AUTH, _client_ip

WELL_UNDER_A_SECOND = 1.0
CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"
HISTORY = 'energyHistory(start: "{start}", end: "{end}", interval: HOUR) {{ start producedWh }}'
JANUARY = HISTORY.format(start="2025-01-01T00:00:00+00:00", end="2025-02-01T00:00:00+00:00")


def _post(query, variables=None, *, token=None, ip=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    started = time.perf_counter()
    response = Client(raise_request_exception=False).post(
        "/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        headers=headers,
        REMOTE_ADDR=ip or _client_ip(),
    )
    assert response.status_code in (200, 400), response.content[:300]
    return response, time.perf_counter() - started


def _codes(response) -> list[str]:
    return [error["extensions"]["code"] for error in response.json().get("errors", [])]


def _aliases(count: int, field: str) -> str:
    return " ".join(f"a{i}: {field}" for i in range(count))


def test_30_aliased_logins_are_refused_before_any_password_is_hashed(alice):
    attempts = AccessAttempt.objects.count()
    logins = [f'a{i}: tokenAuth(email: "{alice.email}", password: "x{i}") {{ token }}' for i in range(30)]
    query = "mutation { " + " ".join(logins) + " }"

    response, _ = _post(query)

    assert response.status_code == 400 and _codes(response) == ["COST_ONCE"]
    assert "`tokenAuth` may be called once per request" in response.json()["errors"][0]["message"]
    assert AccessAttempt.objects.count() == attempts  # no attempt was even counted


def test_10_aliased_sign_ups_create_nothing(db):
    users = User.objects.count()
    sign_up = 'signUp(input: {{email: "x{}@example.com", password: "{}", householdName: "H"}}) {{ token }}'
    query = "mutation { " + " ".join(f"a{i}: " + sign_up.format(i, PASSWORD) for i in range(10)) + " }"

    response, _ = _post(query)

    assert _codes(response) == ["COST_ONCE"]
    assert User.objects.count() == users


def test_two_aliased_refreshes_rotate_nothing(alice):
    field = f'refreshToken(refreshToken: "{alice.refresh_token}") {{ token }}'

    response, _ = _post(f"mutation {{ {_aliases(2, field)} }}")

    assert _codes(response) == ["COST_ONCE"]
    assert RefreshToken.objects.filter(revoked__isnull=True, user__email=alice.email).exists()


def test_20_aliased_10000_bucket_histories_are_refused_before_they_run(alice):
    field = HISTORY.format(start="2020-01-01T00:00:00+00:00", end="2021-02-21T00:00:00+00:00")

    with CaptureQueriesContext(connection) as queries:
        response, _ = _post(f"{{ {_aliases(20, field)} }}", token=alice.token)

    assert response.status_code == 400 and _codes(response) == ["COST_HISTORY_BUCKETS"]
    assert not [q for q in queries if "telemetry" in q["sql"]], "a history ran"


def test_buckets_are_summed_across_variables_and_fragments(alice):
    query = """
    query($start: DateTime!, $end: DateTime!) {
      a: energyHistory(start: $start, end: $end, interval: HOUR) { start }
      ...More
    }
    fragment More on Query { b: energyHistory(start: $start, end: $end, interval: HOUR) { start } }
    """
    seven_months = {"start": "2025-01-01T00:00:00+00:00", "end": "2025-08-01T00:00:00+00:00"}  # 5,088 hours

    response, _ = _post(query, seven_months, token=alice.token)

    assert _codes(response) == ["COST_HISTORY_BUCKETS"]
    assert "up to 10,184 energyHistory buckets" in response.json()["errors"][0]["message"]


def test_one_history_within_the_budget_runs(alice):
    response, _ = _post(f"{{ {JANUARY} }}", token=alice.token)

    assert response.status_code == 200 and "errors" not in response.json()
    assert len(response.json()["data"]["energyHistory"]) == 31 * 24


def test_no_answer_grows_past_the_response_bound(alice):
    with override_settings(GRAPHQL_MAX_RESPONSE_BYTES=10_000):
        response, _ = _post(f"{{ {JANUARY} }}", token=alice.token)

    assert response.status_code == 400 and _codes(response) == ["RESPONSE_TOO_LARGE"]


def test_sign_ups_are_throttled_per_client_ip(db):
    ip, neighbour = _client_ip(), _client_ip()

    def sign_up(client_ip):
        email = f"throttled-{uuid.uuid4().hex[:8]}@example.com"
        variables = {"input": {"email": email, "password": PASSWORD, "householdName": "Home"}}
        return _post(SIGN_UP, variables, ip=client_ip)[0]

    with override_settings(SIGN_UP_RATE_PER_IP="2/h"):
        answers = [sign_up(ip) for _ in range(3)]
        other = sign_up(neighbour)

    assert [_codes(answer) for answer in answers] == [[], [], ["RATE_LIMITED"]]
    assert answers[2].json()["data"]["signUp"] is None
    assert _codes(other) == []


def test_with_the_throttle_store_down_sign_up_fails_closed_and_login_still_works(alice):
    variables = {"input": {"email": "nobody-redis@example.com", "password": PASSWORD, "householdName": "H"}}
    with gunicorn(THROTTLE_REDIS_URL=CLOSED_PORT_REDIS) as server:
        started = time.perf_counter()
        refused = server.graphql(SIGN_UP, variables)
        elapsed = time.perf_counter() - started
        login = server.graphql(TOKEN_AUTH, {"email": alice.email, "password": PASSWORD})

    assert refused.status == 200
    assert refused.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert elapsed < 2 * WELL_UNDER_A_SECOND
    assert login.status == 200 and login.json()["data"]["tokenAuth"]["token"]
    assert not User.objects.filter(email="nobody-redis@example.com").exists()
