"""/healthz and /readyz answer JSON, quickly, whatever state the broker is in."""

import socket
import time

import pytest
from django.test import Client, override_settings


@pytest.fixture
def client(db):
    return Client(raise_request_exception=False)


def test_healthz_is_ok_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_is_ok_when_database_and_broker_answer(client):
    response = client.get("/readyz")

    assert (response.status_code, response.json()) == (200, {"database": "ok", "broker": "ok"})


def test_readyz_reports_a_refused_broker_and_stays_ready(client):
    """The API never needs the broker: readiness follows the database only."""
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = client.get("/readyz")

    assert (response.status_code, response.json()) == (200, {"database": "ok", "broker": "error"})


def test_readyz_gives_up_on_a_silent_broker_within_its_timeout(client):
    """A broker that accepts the connection and never answers must not hang the probe."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel completes the handshake; nobody ever reads or writes
        started = time.monotonic()
        with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{silent.getsockname()[1]}/0"):
            response = client.get("/readyz")
        elapsed = time.monotonic() - started

    assert (response.status_code, response.json()["broker"]) == (200, "error")
    assert elapsed < 3
