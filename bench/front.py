"""The production front without Docker: nginx, configured by deploy/nginx.conf, before gunicorn.

docker-compose.yml runs the same two: gunicorn (sync workers) behind nginx, which buffers whole
requests so a slow client never holds a worker. Tests and `make attack` start them here on free
loopback ports; nginx comes from the system's packages (.ci/run installs Debian's).
"""

import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from bench.load import serve

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
# The header the front sets to the client's address: the per-IP throttles read it behind nginx.
CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def nginx_conf(*, listen: str, upstream: str, runtime: str) -> str:
    """deploy/nginx.conf with its placeholders filled in, as docker-compose.yml fills them."""
    text = NGINX_CONF.read_text()
    for placeholder, value in (("@LISTEN@", listen), ("@UPSTREAM@", upstream), ("@RUNTIME@", runtime)):
        text = text.replace(placeholder, value)
    return text


@contextmanager
def front(environment: dict, *, workers: int = 2):
    """gunicorn (as bench.load.serve starts it) behind nginx; yields nginx's port."""
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
    with serve({"CLIENT_IP_META_KEY": CLIENT_IP_META_KEY, **environment}, workers=workers) as upstream:
        runtime = tempfile.mkdtemp(prefix="front-")
        os.chmod(runtime, 0o755)  # nginx's workers (nobody, under root) write request bodies there
        port = _free_port()
        conf = Path(runtime) / "nginx.conf"
        conf.write_text(
            nginx_conf(listen=f"127.0.0.1:{port}", upstream=f"127.0.0.1:{upstream}", runtime=runtime)
        )
        with tempfile.TemporaryFile() as log:
            command = [nginx, "-p", runtime, "-e", "stderr", "-c", str(conf), "-g", "daemon off;"]
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
            try:
                _wait_until_answering(process, port, log)
                yield port
            finally:
                process.terminate()
                process.wait(timeout=30)
                shutil.rmtree(runtime, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_answering(process: subprocess.Popen, port: int, log, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
        finally:
            conn.close()
    log.seek(0)
    raise RuntimeError(f"nginx did not answer (exit code {process.poll()}): {log.read().decode()[-2000:]}")


# --- slow clients (tests/hardening/test_slow_clients.py and bench.attack) ---------------------
SLOW_CLIENTS = 8
SECONDS_BETWEEN_BYTES = 1.0
WATCH_SECONDS = 6.0


def _trickle(host: str, port: int, request: bytes, stop: threading.Event) -> None:
    """Send `request` one byte a second until told to stop (or the server hangs up)."""
    with socket.create_connection((host, port), timeout=30) as sock:
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


def health_seconds_while_trickling(port: int, host: str = "127.0.0.1") -> list[float]:
    """/healthz timings, one a half second for WATCH_SECONDS, while SLOW_CLIENTS trickle (an
    answer other than 200, or none, counts as infinitely slow)."""
    stop = threading.Event()
    clients = [
        threading.Thread(target=_trickle, args=(host, port, request, stop), daemon=True)
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
            conn = http.client.HTTPConnection(host, port, timeout=60)
            try:
                conn.request("GET", "/healthz")
                status = conn.getresponse().status
            except OSError:
                status = 0
            finally:
                conn.close()
            timings.append(time.perf_counter() - started if status == 200 else float("inf"))
            time.sleep(0.5)
    finally:
        stop.set()
        for client in clients:
            client.join(5)
    return timings
