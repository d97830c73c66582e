"""Ingestion throughput: POST /ingest/readings through gunicorn, MQTT through Mosquitto and the bridge,
beside a raw COPY of the same rows in the same run.

Setup: HOMES households, each with DEVICES REPORTED solar panels and a gateway key (with its broker
client). A body is 5,000 readings of one home: its devices every 10 s over ~83 minutes of a past day,
so each first send also computes those minutes (the never-ticked ones are ticked at once). Each run
sends BATCHES bodies from CLIENTS concurrent clients; a warm-up comes first, then RUNS runs whose
median and spread are reported, then the same bodies again (all duplicates). Latency is per request.
Raw COPY: the same rows COPYed into an unlogged table with the same primary key, one transaction.
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
BATCHES = 16
CLIENTS = 4
RUNS = 3
WORKERS = 2
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


def _mqtt_all(broker, bodies) -> float:
    """Readings/s from the first publish to the last answer, one MQTT session per home."""
    sessions: dict[str, tuple[mqtt.Client, queue.Queue]] = {}
    for key, _, _ in bodies:
        if key in sessions:
            continue
        answers: queue.Queue = queue.Queue()
        key_id = key.split(".")[0]
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        client.username_pw_set(key_id, key)
        client.on_message = lambda c, u, message, answers=answers: answers.put(json.loads(message.payload))
        client.connect(broker.host, broker.port)
        client.loop_start()
        client.subscribe(f"homes/{key_id}/results", qos=1)
        sessions[key] = (client, answers)
    time.sleep(0.5)
    started = time.perf_counter()
    for key, body, _ in bodies:
        sessions[key][0].publish(f"homes/{key.split('.')[0]}/readings", body, qos=1)
    counted = 0
    for key, _, _ in bodies:
        answer = sessions[key][1].get(timeout=600)
        if answer.get("status") != 200 or answer["rejected"]:
            raise RuntimeError(f"MQTT ingestion answered {str(answer)[:300]}")
        counted += answer["accepted"] + answer["duplicates"]
    seconds = time.perf_counter() - started
    for client, _ in sessions.values():
        client.disconnect()
        client.loop_stop()
    return counted / seconds


def _spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def _load() -> str:
    with open("/proc/loadavg") as source:
        return source.read().split(" ")[0]


def run() -> dict:
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
        http_runs, dup_runs, latencies, copies = [], [], [], []
        with serve(environment, workers=WORKERS) as port:
            _post_all(port, _bodies(homes, start - timedelta(days=1), CLIENTS * 2))  # warm-up
            for index in range(RUNS):
                bodies = _bodies(homes, start + span * index, BATCHES)
                seconds, run_latencies, counted = _post_all(port, bodies)
                http_runs.append(counted / seconds)
                latencies += run_latencies
                seconds, _, counted = _post_all(port, bodies)
                dup_runs.append(counted / seconds)
                copies.append(_raw_copy(bodies))
                loads.append(_load())
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
            mqtt_runs = [
                _mqtt_all(broker, _bodies(homes, start + span * (RUNS + index), BATCHES))
                for index in range(RUNS)
            ]
            loads.append(_load())
        finally:
            bridge.terminate()
            bridge.wait(timeout=30)
    ordered = sorted(latencies)
    http_median = statistics.median(http_runs)
    return {
        "conditions": f"{HOMES} homes x {DEVICES} REPORTED devices, {READINGS:,}-reading bodies of one home "
        f"(10 s samples over {READINGS // DEVICES * STEP_S // 60} min of a past day), {BATCHES} bodies a run "
        f"from {CLIENTS} clients, gunicorn {WORKERS} sync workers; 1-min load average during the runs: "
        + ", ".join(loads),
        "runs": RUNS,
        "http_readings_per_s": _spread(http_runs),
        "http_request_latency_s": {
            "p50": ordered[len(ordered) // 2],
            "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        },
        "http_duplicates_readings_per_s": _spread(dup_runs),
        "duplicate_cost_vs_first_send": http_median / statistics.median(dup_runs),
        "mqtt_readings_per_s": _spread(mqtt_runs),
        "raw_copy_rows_per_s": _spread(copies),
        "http_vs_raw_copy": http_median / statistics.median(copies),
    }


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
