"""The MQTT bridge (manage.py ingest_mqtt) as a real process on the test database and a private broker."""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager

from django.conf import settings

from bench.mosquitto import Broker
from tests.hardening.servers import database_url


@contextmanager
def mqtt_bridge(broker: Broker):
    environment = {
        **os.environ,
        **broker.environment(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "THROTTLE_REDIS_URL": settings.CACHES["throttle"]["LOCATION"],
        "THROTTLE_KEY_PREFIX": f"mqtt-test-{uuid.uuid4().hex[:8]}",
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "ingest_mqtt"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        started = process.stdout.readline() if process.stdout else b""
        assert b"running" in started, f"the bridge did not start: {started!r}"
        time.sleep(0.5)  # its subscription
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)
