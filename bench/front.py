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
