"""Slow clients cannot stall the server: the production front (nginx before gunicorn's two sync
workers, as docker-compose.yml runs them, started here without Docker) keeps answering /healthz
while eight clients trickle their headers or bodies a byte at a time."""

import http.client
import re
import socket
import threading
import time

import pytest
from django.conf import settings

from bench.front import NGINX_CONF, front

pytestmark = [pytest.mark.django_db, pytest.mark.server]

SLOW_CLIENTS = 8
SECONDS_BETWEEN_BYTES = 1.0
WATCH_SECONDS = 6.0
UNDER_A_SECOND = 1.0


def _trickle(port: int, request: bytes, stop: threading.Event) -> None:
    """Send `request` one byte a second until told to stop (or the server hangs up)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        for byte in request:
            if stop.is_set():
                return
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                return
            stop.wait(SECONDS_BETWEEN_BYTES)


def _slow_requests() -> list[bytes]:
    """Half stall in the headers, half announce a 20,000-byte body and send it a byte at a time."""
    body = b'{"query": "{ me { email } }"' + b" " * 20_000
    slow_body = (
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 20000\r\n\r\n" + body[:20_000]
    )
    slow_headers = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 2000 + b"\r\n\r\n"
    return [slow_body, slow_headers] * (SLOW_CLIENTS // 2)


def health_seconds_while_trickling(port: int) -> list[float]:
    """/healthz timings, one a half second for WATCH_SECONDS, while SLOW_CLIENTS trickle."""
    stop = threading.Event()
    clients = [
        threading.Thread(target=_trickle, args=(port, request, stop), daemon=True)
        for request in _slow_requests()
    ]
    for client in clients:
        client.start()
    time.sleep(2 * SECONDS_BETWEEN_BYTES)  # every slow client is connected and has started
    timings = []
    try:
        deadline = time.monotonic() + WATCH_SECONDS
        while time.monotonic() < deadline:
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.request("GET", "/healthz")
                status = conn.getresponse().status
            finally:
                conn.close()
            timings.append(time.perf_counter() - started if status == 200 else float("inf"))
            time.sleep(0.5)
    finally:
        stop.set()
        for client in clients:
            client.join(5)
    return timings


def test_eight_slow_clients_do_not_stall_health_behind_the_front(production_env):
    with front(production_env, workers=2) as port:
        timings = health_seconds_while_trickling(port)

    assert len(timings) >= 5
    assert max(timings) < UNDER_A_SECOND, [f"{t:.2f}" for t in timings]


def test_compose_renders_the_same_front_configuration():
    """docker-compose.yml's front fills every placeholder of deploy/nginx.conf, the file tested above."""
    compose = (settings.BASE_DIR / "docker-compose.yml").read_text()
    web, front_service = compose.split("\n  web:\n")[1], compose.split("\n  front:\n")[1]
    placeholders = set(re.findall(r"@[A-Z]+@", NGINX_CONF.read_text()))

    assert placeholders == {"@LISTEN@", "@UPSTREAM@", "@RUNTIME@"}
    assert all(f"s|{placeholder}|" in front_service.split("\n\n")[0] for placeholder in placeholders)
    assert "ports:" not in web.split("\n\n")[0], "gunicorn must not be published past the front"
