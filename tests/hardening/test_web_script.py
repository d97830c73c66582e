"""scripts/web.sh as the Procfile and the container start it: production settings always get
gunicorn with introspection, suggestions and GraphiQL off, even with DJANGO_DEBUG=1 (it ran
runserver, and the settings switched all three on); runserver under local settings listens on
127.0.0.1 only unless WEB_HOST asks (it bound 0.0.0.0, serving the demo's published passwords)."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from tests.hardening.servers import database_url

pytestmark = [pytest.mark.django_db, pytest.mark.server]

INTROSPECTION = "{ __schema { queryType { name } } }"
TYPO = "{ me { emial } }"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def web_sh(**environment: str):
    """`sh scripts/web.sh` on a free port until /healthz answers; yields (port, its output so far)."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url(), "WEB_PORT": str(port), "PYTHONUNBUFFERED": "1"}
    env.update(environment)
    # web.sh runs `python` and `gunicorn` from PATH: this interpreter's (the virtualenv's).
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            ["sh", "scripts/web.sh"],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # runserver's reloader and gunicorn's workers end with it
        )
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and process.poll() is None:
                if _status(port, "/healthz") == 200:
                    break
                time.sleep(0.2)
            log.seek(0)
            yield port, log.read().decode(errors="replace")
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)


def _status(port: int, path: str) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def _post(port: int, query: str) -> tuple[dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/graphql", json.dumps({"query": query}), {"Content-Type": "application/json"})
        response = conn.getresponse()
        return json.loads(response.read()), response.getheader("Server", "")
    finally:
        conn.close()


def _listening_addresses(port: int) -> set[str]:
    """Local addresses of TCP sockets listening on `port` (Linux /proc/net/tcp, hex little-endian)."""
    addresses = set()
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                addresses.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return addresses


def test_production_settings_with_debug_on_run_gunicorn_with_the_surface_off(production_env):
    with web_sh(**production_env, DJANGO_DEBUG="1", WEB_CONCURRENCY="1") as (port, _):
        introspection, server = _post(port, INTROSPECTION)
        typo, _ = _post(port, TYPO)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/graphql", headers={"Accept": "text/html"})
        page = conn.getresponse().read()
        conn.close()

    assert server.startswith("gunicorn"), server
    assert introspection["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"
    assert "Did you mean" not in typo["errors"][0]["message"]
    assert b"graphiql" not in page.lower()


def test_runserver_under_local_settings_listens_on_loopback_only():
    with web_sh(DJANGO_SETTINGS_MODULE="config.settings.local") as (port, output):
        addresses = _listening_addresses(port)

    assert "Starting development server" in output or "Watching for file changes" in output, output[-500:]
    assert addresses == {"127.0.0.1"}
