"""A private Mosquitto with the dynamic-security plugin on a free loopback port (tests, benchmarks).

Never the shared broker on 1883: each run generates its own dynamic-security file (an admin with a
random password) and configuration in a temporary folder, which Mosquitto can read and write after it
drops root for its own user.
"""

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

PLUGIN_GLOB = "/usr/lib/*/mosquitto_dynamic_security.so"
MAX_PACKET_BYTES = 2_097_152
"""The broker refuses (and disconnects) a publisher whose packet is larger: twice the ingestion limit."""


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    username: str
    password: str

    def settings(self) -> dict[str, object]:
        return {
            "MQTT_HOST": self.host,
            "MQTT_PORT": self.port,
            "MQTT_USERNAME": self.username,
            "MQTT_PASSWORD": self.password,
        }

    def environment(self) -> dict[str, str]:
        return {key: str(value) for key, value in self.settings().items()}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(port: int, process: subprocess.Popen, log: str) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            with open(log) as output:
                raise RuntimeError(f"mosquitto exited: {output.read()[-2000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("mosquitto did not start listening within 10 s")


@contextmanager
def mosquitto() -> Iterator[Broker]:
    plugins = glob.glob(PLUGIN_GLOB)
    if not shutil.which("mosquitto") or not shutil.which("mosquitto_ctrl") or not plugins:
        raise RuntimeError(
            "Mosquitto 2 with its dynamic-security plugin is not installed (apt install mosquitto)"
        )
    folder = tempfile.mkdtemp(prefix="mosquitto-")
    os.chmod(folder, 0o777)
    dynsec = os.path.join(folder, "dynamic-security.json")
    password = secrets.token_urlsafe(16)
    subprocess.run(
        ["mosquitto_ctrl", "dynsec", "init", dynsec, "admin", password],
        check=True,
        capture_output=True,
        timeout=30,
    )
    os.chmod(dynsec, 0o666)
    port = _free_port()
    config = os.path.join(folder, "mosquitto.conf")
    with open(config, "w") as out:
        out.write(
            f"listener {port} 127.0.0.1\nallow_anonymous false\nplugin {plugins[0]}\n"
            f"plugin_opt_config_file {dynsec}\npersistence false\nmax_packet_size {MAX_PACKET_BYTES}\n"
        )
    os.chmod(config, 0o644)
    log = os.path.join(folder, "mosquitto.log")
    with open(log, "w") as output:
        process = subprocess.Popen(["mosquitto", "-c", config], stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait(port, process, log)
        yield Broker("127.0.0.1", port, "admin", password)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)
