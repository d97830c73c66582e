"""Real processes for fault tests: a gunicorn server on loopback and a TCP proxy that can cut PostgreSQL.

What a server writes is committed (it runs in its own process), so tests that use one clean up the
households they sign up.
"""

import http.client
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from bench.load import serve
from households.models import Household
from reporting.models import FleetTotals
from reporting.services import fleet_totals_refresh


def database_url(host: str | None = None, port: int | None = None, **options: str) -> str:
    """The test database's URL (what pytest-django created), optionally through another host/port."""
    db = connection.settings_dict
    query = "&".join(f"{key}={value}" for key, value in options.items())
    return f"postgres://{db['USER']}@{host or db['HOST']}:{port or db['PORT']}/{db['NAME']}" + (
        f"?{query}" if query else ""
    )


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self):
        return json.loads(self.body)


class Server:
    def __init__(self, port: int):
        self.port = port

    def request(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        headers: dict | None = None,
        raw: bytes | None = None,
    ) -> Response:
        """`body` is sent as JSON; `raw` as it is (any JSON value, or none at all)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            payload = json.dumps(body).encode() if body is not None else raw
            all_headers = {"Content-Type": "application/json"} if body is not None else {}
            conn.request(method, path, body=payload, headers={**all_headers, **(headers or {})})
            response = conn.getresponse()
            return Response(response.status, response.headers, response.read())
        finally:
            conn.close()

    def get(self, path: str, **headers: str) -> Response:
        return self.request("GET", path, headers=headers)

    def graphql(self, query: str, variables: dict | None = None, token: str | None = None) -> Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.request("POST", "/graphql", {"query": query, "variables": variables or {}}, headers)


# Five days of 15-minute ticks: quick to seed, enough for the servers tests start.
DEMO_SEED = ("--days", "5", "--step-seconds", "900", "--until", "2026-11-27T04:00:00+00:00")


@contextmanager
def demo_data(django_db_blocker, *seed_arguments: str):
    """seed_demo's homes and logins (DEMO_SEED unless other arguments are given), committed so servers
    see them; afterwards every household and user created meanwhile (by the seed or a server) is dropped."""
    with django_db_blocker.unblock():
        households = set(Household.objects.values_list("pk", flat=True))
        users = set(User.objects.values_list("pk", flat=True))
        had_totals = FleetTotals.objects.filter(pk=1).exists()
        call_command("seed_demo", *(seed_arguments or DEMO_SEED), stdout=io.StringIO())
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            for household in Household.objects.exclude(pk__in=households):
                household.delete(force_drop=True)
            User.objects.exclude(pk__in=users).delete()
            if had_totals:
                fleet_totals_refresh()
            else:
                FleetTotals.objects.filter(pk=1).delete()
        connection.set_schema_to_public()


def collect_static(directory: str, **environment: str) -> dict[str, str]:
    """collectstatic into `directory` as the Docker build does; returns the environment serving it."""
    environment = {**environment, "DJANGO_STATIC_ROOT": directory}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **environment},
        cwd=settings.BASE_DIR,
        check=True,
        timeout=120,
    )
    return environment


@contextmanager
def gunicorn(workers: int = 1, **environment: str):
    """gunicorn (sync workers, one unless told, as bench.load starts it) with the test settings unless
    told otherwise.

    It signs and verifies tokens with this run's keys, so tokens the tests issue work there too, and
    counts throttles under this run's prefix.
    """
    defaults = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "JWT_SECRET_KEY": settings.GRAPHQL_JWT["JWT_SECRET_KEY"],
        "THROTTLE_REDIS_URL": settings.CACHES["throttle"]["LOCATION"],
        "THROTTLE_KEY_PREFIX": settings.CACHES["throttle"]["KEY_PREFIX"],
    }
    with serve({**defaults, **environment}, workers=workers) as port:
        yield Server(port)


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; cut() refuses and drops connections, restore() reopens.

    From the server's side this is PostgreSQL going away (connections reset, new ones refused) and
    coming back on the same address.
    """

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = None
        self._listener = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port or 0))
        listener.listen(64)
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    restore = start

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with self._lock:
                    self._sockets.discard(sock)
                _close(sock)


def _close(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def wait_for(condition, timeout: float = 30.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False
