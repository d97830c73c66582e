"""Faults against a real gunicorn server: Redis unreachable, PostgreSQL cut and restarted."""

import pytest
from django.db import connection

from tests.conftest import PASSWORD
from tests.hardening.servers import TcpProxy, database_url, gunicorn, wait_for

pytestmark = [pytest.mark.django_db, pytest.mark.server]

CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"
SIGN_UP = """
mutation SignUp($email: String!, $password: String!) {
  signUp(input: {email: $email, password: $password, householdName: "Fault home", timezone: "Europe/Paris"}) {
    token errors { field message code }
  }
}
"""
TOKEN_AUTH = "mutation L($e: String!, $p: String!) { tokenAuth(email: $e, password: $p) { token } }"
ME = "{ me { email household { name } } }"
REGISTER = """
mutation { registerDevice(input: {name: "Roof", solarPanel: {ratedCapacityW: 5000}}) {
  device { id name kind } errors { field message code } } }
"""
DEVICES = "{ devices { id name kind powerW } }"
SUMMARY = "{ energySummary { producedW consumedW netW storageChargeWh } }"
HISTORY = """
{ energyHistory(start: "2026-03-01T00:00:00+01:00", end: "2026-03-02T00:00:00+01:00", interval: HOUR) {
  start producedWh } }
"""
SERVICE_UNAVAILABLE = {
    "errors": [{"message": "Service temporarily unavailable", "extensions": {"code": "SERVICE_UNAVAILABLE"}}]
}


def _data(response):
    assert response.status == 200, response.body[:500]
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def _sign_up(server, email) -> str:
    result = _data(server.graphql(SIGN_UP, {"email": email, "password": PASSWORD}))["signUp"]
    assert result["errors"] == []
    return result["token"]


def test_api_reads_and_writes_with_redis_unreachable(new_email):
    """Only the simulation needs the broker: accounts, devices and reporting work without it."""
    with gunicorn(TEST_REDIS_URL=CLOSED_PORT_REDIS) as server:
        email = new_email("redis-down")
        _sign_up(server, email)
        token = _data(server.graphql(TOKEN_AUTH, {"e": email, "p": PASSWORD}))["tokenAuth"]["token"]

        assert _data(server.graphql(ME, token=token))["me"]["email"] == email
        registered = _data(server.graphql(REGISTER, token=token))["registerDevice"]
        assert registered["errors"] == [] and registered["device"]["kind"] == "SOLAR_PANEL"
        assert [d["name"] for d in _data(server.graphql(DEVICES, token=token))["devices"]] == ["Roof"]
        assert _data(server.graphql(SUMMARY, token=token))["energySummary"]["netW"] == 0
        assert len(_data(server.graphql(HISTORY, token=token))["energyHistory"]) == 24

        ready = server.get("/readyz")  # the API answers: ready, with the broker reported apart
        assert (ready.status, ready.json()) == (200, {"database": "ok", "broker": "error"})
        assert server.get("/healthz").json() == {"status": "ok"}


def test_postgres_outage_is_a_clean_503_and_the_server_recovers_by_itself(new_email):
    db = connection.settings_dict
    proxy = TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    proxy.start()
    # Persistent connections, as in production: the outage kills the one the worker holds.
    with gunicorn(DATABASE_URL=database_url("127.0.0.1", proxy.port), TEST_CONN_MAX_AGE="60") as server:
        email = new_email("pg-outage")
        token = _sign_up(server, email)
        assert _data(server.graphql(ME, token=token))["me"]["email"] == email

        proxy.cut()
        for response in (
            server.graphql(ME, token=token),  # fails in the token middleware
            server.graphql(TOKEN_AUTH, {"e": email, "p": PASSWORD}),  # fails inside a resolver
            server.graphql(SUMMARY, token=token),
        ):
            assert response.status == 503, response.body[:500]
            assert response.json() == SERVICE_UNAVAILABLE
            assert response.headers["Retry-After"] == "5"
        assert _data(server.graphql("{ __typename }")) == {"__typename": "Query"}  # needs no database
        ready = server.get("/readyz")
        assert (ready.status, ready.json()) == (503, {"database": "error", "broker": "ok"})
        assert server.get("/healthz").status == 200

        proxy.restore()
        assert _data(server.graphql(ME, token=token))["me"]["email"] == email
        assert server.get("/readyz").json() == {"database": "ok", "broker": "ok"}
    proxy.cut()


def test_connections_killed_by_postgres_are_replaced_without_an_error(new_email):
    """A PostgreSQL restart or failover ends every connection; the next request opens a new one."""
    application_name = "hardening-terminated"
    url = database_url(application_name=application_name)
    with gunicorn(DATABASE_URL=url, TEST_CONN_MAX_AGE="60") as server:
        email = new_email("pg-terminated")
        token = _sign_up(server, email)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
                [application_name],
            )
            assert cursor.fetchone()[0] >= 1
            assert wait_for(lambda: not _backends(cursor, application_name), timeout=10)

        for _ in range(3):
            assert _data(server.graphql(ME, token=token))["me"]["email"] == email


def _backends(cursor, application_name) -> int:
    cursor.execute("SELECT pg_stat_clear_snapshot()")  # pg_stat_activity is frozen per transaction
    cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [application_name])
    return cursor.fetchone()[0]
