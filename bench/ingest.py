"""Ingestion throughput: POST /ingest/readings through gunicorn, MQTT through Mosquitto and the bridge,
each beside a raw COPY of the same rows in the same run.

Setup: HOMES households, each with DEVICES REPORTED solar panels and a gateway key (with its broker
client). A body is 5,000 readings of one home: its devices every 10 s over ~83 minutes of a past day,
so each first send also computes those minutes (the never-ticked ones are ticked at once): the dearest
case, a gateway catching up; live readings leave their minute to the tick. Each run sends BATCHES
bodies from CLIENTS concurrent clients (HTTP connections, or MQTT sessions each waiting for its answer
before publishing its next body); a warm-up comes first, then RUNS runs whose median and spread are
reported, then the same bodies again (all duplicates). Latency is per request (per message: publish
to answer). Raw COPY: the run's rows COPYed into an unlogged table with the samples' primary key, one
transaction; the ratios to it are what compares across machines and loads. INGEST_PARTS (default
`http,mqtt`) runs one part alone.
"""

import http.client
import io
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from bench.load import serve
from bench.mosquitto import mosquitto
from devices.graphql.types import device_global_id
from devices.models import Device, DeviceKind, TelemetrySource
from gateways.services import gateway_key_create
from households.services import household_sign_up

HOMES = 4
DEVICES = 10
READINGS = 5_000
BATCHES = 24
CLIENTS = 4
RUNS = 3
WORKERS = 2  # gunicorn sync workers, as production runs them (WEB_CONCURRENCY, the Dockerfile)
HTTP_GOAL_READINGS_PER_S = 50_000
MQTT_GOAL_READINGS_PER_S = 20_000
DUPLICATE_COST_GOAL = 1.5
STEP_S = 10
UNLIMITED = {"GATEWAY_REQUESTS_PER_KEY": "1000000/m", "GATEWAY_READINGS_PER_KEY": "1000000000/h"}


def _homes(broker_settings: dict) -> list[tuple[str, list[str]]]:
    """(key, device ids) of each home."""
    made = []
    original = {name: getattr(settings, name) for name in broker_settings}
    for name, value in broker_settings.items():
        setattr(settings, name, value)
    try:
        for index in range(HOMES):
            household = household_sign_up(
                email=f"ingest-{index}-{time.time_ns()}@bench.invalid",
                password=f"Gw-{uuid.uuid4().hex}-Pass",
                household_name=f"Gateway home {index}",
                timezone="Europe/Berlin",
            ).household
            with schema_context(household.schema_name):
                devices = [
                    Device.objects.create(
                        name=f"Inverter {n}",
                        kind=DeviceKind.SOLAR_PANEL,
                        rated_capacity_w=10_000.0,
                        source=TelemetrySource.REPORTED,
                    )
                    for n in range(DEVICES)
                ]
            key = gateway_key_create(household=household, name="bench").key
            made.append((key, [device_global_id(d.uid) for d in devices]))
    finally:
        for name, value in original.items():
            setattr(settings, name, value)
    return made


def _bodies(homes, start: datetime, count: int) -> list[tuple[str, bytes, list[tuple]]]:
    """(key, body, rows) of `count` bodies, each of one home over its own time span."""
    per_device = READINGS // DEVICES
    bodies = []
    for index in range(count):
        key, devices = homes[index % len(homes)]
        first = start + timedelta(seconds=STEP_S * per_device * index)
        readings = [
            {
                "device": device,
                "at": (first + timedelta(seconds=STEP_S * step)).isoformat(),
                "powerW": 1000.0 + step,
            }
            for step in range(per_device)
            for device in devices
        ]
        rows = [(index % len(homes), n, r["at"], r["powerW"]) for n, r in enumerate(readings)]
        bodies.append((key, json.dumps({"readings": readings}).encode(), rows))
    return bodies


def _post_all(port: int, bodies) -> tuple[float, list[float], int]:
    """Send every body from CLIENTS threads; (seconds, request latencies, accepted + duplicates)."""
    work: queue.Queue = queue.Queue()
    for body in bodies:
        work.put(body)
    latencies: list[float] = []
    counted = [0]
    lock = threading.Lock()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            try:
                key, body, _ = work.get_nowait()
            except queue.Empty:
                break
            started = time.perf_counter()
            conn.request(
                "POST",
                "/ingest/readings",
                body=body,
                headers={"Authorization": f"Gateway {key}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            answer = json.loads(response.read())
            elapsed = time.perf_counter() - started
            if response.status != 200 or answer["rejected"]:
                raise RuntimeError(f"ingestion answered {response.status}: {str(answer)[:300]}")
            with lock:
                latencies.append(elapsed)
                counted[0] += answer["accepted"] + answer["duplicates"]
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, counted[0]


def _raw_copy(bodies) -> float:
    """Rows/s of a COPY of the same rows into an unlogged table keyed like the samples."""
    buffer = io.StringIO()
    for _, _, rows in bodies:
        for home, device, at, power in rows:
            buffer.write(f"{home}\t{device}\t{at}\t{power!r}\n")
    count = sum(len(rows) for _, _, rows in bodies)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE UNLOGGED TABLE IF NOT EXISTS bench_raw_samples (household_id bigint, device_id bigint, "
            "at timestamptz, power_w float8, PRIMARY KEY (household_id, device_id, at))"
        )
        cursor.execute("TRUNCATE bench_raw_samples")
        buffer.seek(0)
        started = time.perf_counter()
        cursor.copy_expert("COPY bench_raw_samples FROM STDIN", buffer)
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_raw_samples")
    return count / seconds


def _mqtt_all(broker, bodies) -> tuple[float, list[float], int]:
    """Like _post_all over MQTT: one session per home, each publishing its next body once the bridge
    answered the last; (seconds from the first publish to the last answer, message latencies, count)."""
    by_key: dict[str, list[bytes]] = {}
    for key, body, _ in bodies:
        by_key.setdefault(key, []).append(body)
    sessions = []
    for key in by_key:
        answers: queue.Queue = queue.Queue()
        key_id = key.split(".")[0]
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        client.username_pw_set(key_id, key)
        client.on_message = lambda c, u, message, answers=answers: answers.put(json.loads(message.payload))
        client.connect(broker.host, broker.port)
        client.loop_start()
        client.subscribe(f"homes/{key_id}/results", qos=1)
        sessions.append((key_id, client, answers, by_key[key]))
    time.sleep(0.5)
    latencies: list[float] = []
    counted = [0]
    failures: list[str] = []
    lock = threading.Lock()

    def gateway(key_id: str, client: mqtt.Client, answers: queue.Queue, own: list[bytes]) -> None:
        for body in own:
            sent = time.perf_counter()
            client.publish(f"homes/{key_id}/readings", body, qos=1)
            answer = answers.get(timeout=600)
            elapsed = time.perf_counter() - sent
            with lock:
                if answer.get("status") != 200 or answer["rejected"]:
                    failures.append(str(answer)[:300])
                    return
                latencies.append(elapsed)
                counted[0] += answer["accepted"] + answer["duplicates"]

    threads = [threading.Thread(target=gateway, args=session) for session in sessions]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    for _, client, _, _ in sessions:
        client.disconnect()
        client.loop_stop()
    if failures:
        raise RuntimeError(f"MQTT ingestion answered {failures[0]}")
    return seconds, latencies, counted[0]


def _measured(send, bodies_of_run, goal: float) -> dict:
    """RUNS runs of first sends then the same bodies again, each beside a raw COPY of its rows."""
    firsts, duplicates, copies, latencies = [], [], [], []
    for index in range(RUNS):
        bodies = bodies_of_run(index)
        seconds, run_latencies, counted = send(bodies)
        firsts.append(counted / seconds)
        latencies += run_latencies
        seconds, _, counted = send(bodies)
        duplicates.append(counted / seconds)
        copies.append(_raw_copy(bodies))
    ordered = sorted(latencies)
    first, copy = statistics.median(firsts), statistics.median(copies)
    return {
        "readings_per_s": _spread(firsts),
        "goal_readings_per_s": goal,
        "latency_s": {
            "p50": ordered[len(ordered) // 2],
            "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        },
        "duplicates_readings_per_s": _spread(duplicates),
        "duplicate_cost_vs_first_send": first / statistics.median(duplicates),
        "duplicate_cost_goal": DUPLICATE_COST_GOAL,
        "raw_copy_rows_per_s": _spread(copies),
        "vs_raw_copy": first / copy,
    }


def _spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def _load() -> str:
    with open("/proc/loadavg") as source:
        return source.read().split(" ")[0]


def run() -> dict:
    parts = os.environ.get("INGEST_PARTS", "http,mqtt").split(",")
    figures: dict = {}
    with mosquitto() as broker:
        homes = _homes(broker.settings())
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=20)
        span = timedelta(seconds=STEP_S * (READINGS // DEVICES) * BATCHES)
        environment = {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DJANGO_HTTPS": "false",
            **UNLIMITED,
        }
        loads = [_load()]
        if "http" in parts:
            with serve(environment, workers=WORKERS) as port:
                _post_all(port, _bodies(homes, start - timedelta(days=1), CLIENTS * 2))  # warm-up
                figures["http"] = _measured(
                    lambda bodies: _post_all(port, bodies),
                    lambda index: _bodies(homes, start + span * index, BATCHES),
                    HTTP_GOAL_READINGS_PER_S,
                )
            loads.append(_load())
        if "mqtt" in parts:
            figures["mqtt"] = _mqtt_measured(broker, homes, environment, start, span)
            loads.append(_load())
    return {
        "conditions": f"{HOMES} homes x {DEVICES} REPORTED devices, {READINGS:,}-reading bodies of one home "
        f"(10 s samples over {READINGS // DEVICES * STEP_S // 60} min of a past day), {BATCHES} bodies a run "
        f"from {CLIENTS} clients, gunicorn {WORKERS} sync workers, one MQTT bridge process; "
        "1-min load average before and after each part: " + ", ".join(loads),
        "runs": RUNS,
        **figures,
    }


def _mqtt_measured(broker, homes, environment: dict, start: datetime, span: timedelta) -> dict:
    """The MQTT part: the bridge (`manage.py ingest_mqtt`) as its own process, like production's."""
    bridge_env = {**os.environ, **environment, **broker.environment(), "DATABASE_URL": _database_url()}
    bridge = subprocess.Popen(
        [sys.executable, "manage.py", "ingest_mqtt"],
        env=bridge_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        if bridge.stdout is not None:
            bridge.stdout.readline()
        time.sleep(1)
        _mqtt_all(broker, _bodies(homes, start - timedelta(days=2), CLIENTS))  # warm-up
        return _measured(
            lambda bodies: _mqtt_all(broker, bodies),
            lambda index: _bodies(homes, start + span * (RUNS + index), BATCHES),
            MQTT_GOAL_READINGS_PER_S,
        )
    finally:
        bridge.terminate()
        bridge.wait(timeout=30)


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
