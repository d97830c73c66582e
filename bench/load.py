"""Load on loopback: gunicorn with the production settings, real tokens, mixed GraphQL reads.

`run()` signs up a few households with devices and a day of telemetry, starts gunicorn on a free
127.0.0.1 port, and measures two things in the same run:
- a bounded load (default 20 client threads for 30 s) mixing energySummary, devices and
  energyHistory: requests/s, p50/p95/p99 latency, errors;
- energySummary through the full GraphQL stack against `plain_energy_summary`, a plain Django
  JSON view calling the same selector behind the same middleware (served only with bench.settings),
  one request at a time, interleaved: the price of the GraphQL layer (goal: within 2x).
Nothing is sent anywhere but 127.0.0.1, and every loop stops at its deadline or request cap.
"""

import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.http import JsonResponse

from accounts.services import tokens_issue
from bench.homes import devices_create
from bench.setup import IN_PROCESS_ONLY
from households.services import household_sign_up
from reporting import selectors
from telemetry import services

ROOT = Path(__file__).resolve().parent.parent
LISTENING = re.compile(rb"Listening at: http://127\.0\.0\.1:(\d+)")
MAX_REQUESTS_PER_CLIENT = 100_000
SUMMARY = (
    "{ energySummary { at producedW consumedW netW gridImportW gridExportW storage { capacityWh chargeWh"
    " chargePercent } storageCapacityWh storageChargeWh storageChargePercent } }"
)
DEVICES = (
    "{ devices { id name kind powerW lastReadingAt"
    " ... on Battery { chargeWh chargePercent mode } ... on ElectricVehicle { chargeWh evMode: mode }"
    " ... on Appliance { category isOn } } }"
)
HISTORY = (
    "query H($start: DateTime!, $end: DateTime!) { energyHistory(start: $start, end: $end, interval: HOUR)"
    " { start end producedWh consumedWh importedWh exportedWh netWh selfSufficiencyPercent complete } }"
)


def plain_energy_summary(request):
    """energySummary's selector answered as plain JSON: the baseline for the GraphQL layer's cost."""
    if request.household is None:
        return JsonResponse({"error": "authentication required"}, status=401)
    summary = selectors.energy_summary(household=request.household)
    return JsonResponse(
        {
            "at": summary.at.isoformat(),
            "producedW": summary.produced_w,
            "consumedW": summary.consumed_w,
            "netW": summary.net_w,
            "gridImportW": summary.grid_import_w,
            "gridExportW": summary.grid_export_w,
            "storage": [
                {"capacityWh": s.capacity_wh, "chargeWh": s.charge_wh, "chargePercent": s.charge_percent}
                for s in summary.storage
            ],
            "storageCapacityWh": summary.storage_capacity_wh,
            "storageChargeWh": summary.storage_charge_wh,
            "storageChargePercent": summary.storage_charge_percent,
        }
    )


@contextmanager
def serve(environment: dict, *, workers: int):
    """gunicorn on a free loopback port (it picks the port, we read it from its log); yields the port.

    It inherits this process's environment but not the benchmarks' in-process overrides.
    """
    inherited = {k: v for k, v in os.environ.items() if k not in IN_PROCESS_ONLY}
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", "127.0.0.1:0"]
    command += ["--workers", str(workers), "--timeout", "60", "--graceful-timeout", "2"]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, env={**inherited, **environment}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            yield _wait_until_serving(process, log)
        except BaseException:
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace")[-5000:])
            raise
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_until_serving(process: subprocess.Popen, log, timeout: float = 90.0) -> int:
    deadline = time.monotonic() + timeout
    port = None
    while time.monotonic() < deadline and process.poll() is None:
        if port is None:
            log.seek(0)
            found = LISTENING.search(log.read())
            port = int(found.group(1)) if found else None
        if port is not None:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                if _request(probe, "GET", "/healthz")[0] == 200:
                    return port
            except OSError:
                pass
            finally:
                probe.close()
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not start serving (exit code {process.poll()})")


def _request(conn: http.client.HTTPConnection, method: str, path: str, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.read()


def _households(count: int, appliances: int) -> tuple[list[str], int]:
    """Sign up households with devices and a day of telemetry; their access tokens, devices per home."""
    end = services.tick_instant(seconds=60)
    tokens, devices = [], 0
    for i in range(count):
        signed_up = household_sign_up(
            email=f"load-{i}-{uuid.uuid4().hex[:8]}@bench.invalid",
            password=f"Load-bench-{uuid.uuid4().hex}",
            household_name=f"Load home {i}",
            timezone="Europe/Berlin",
        )
        devices = devices_create(signed_up.household, appliances=appliances)
        services.household_backfill(
            household=services.HouseholdRef.of(signed_up.household),
            start=end - timedelta(days=1),
            end=end + timedelta(seconds=1),
            seconds=60,
        )
        tokens.append(tokens_issue(user=signed_up.user).token)
    return tokens, devices


def _headers(token: str) -> dict:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def _graphql_body(query: str, variables: dict | None = None) -> bytes:
    return json.dumps({"query": query, "variables": variables or {}}).encode()


def _operations() -> dict[str, bytes]:
    end = datetime.now(UTC)
    window = {"start": (end - timedelta(days=1)).isoformat(), "end": end.isoformat()}
    return {
        "energySummary": _graphql_body(SUMMARY),
        "devices": _graphql_body(DEVICES),
        "energyHistory": _graphql_body(HISTORY, window),
    }


def _ok(status: int, body: bytes) -> bool:
    if status != 200:
        return False
    answer = json.loads(body)
    return "errors" not in answer if isinstance(answer, dict) else False


def _percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    if not ordered:
        return {}

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "mean": round(statistics.fmean(ordered) * 1000, 2),
    }


def _load(port: int, tokens: list[str], *, clients: int, seconds: float) -> dict:
    """`clients` threads, each one household's token, cycling through the operations until the deadline."""
    operations = list(_operations().items())
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = _headers(tokens[index % len(tokens)])
        mine, failed = defaultdict(list), defaultdict(int)
        for n in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= deadline:
                break
            name, body = operations[(index + n) % len(operations)]
            started = time.perf_counter()
            try:
                ok = _ok(*_request(conn, "POST", "/graphql", body, headers))
            except (OSError, http.client.HTTPException, ValueError):
                conn.close()
                ok = False
            mine[name].append(time.perf_counter() - started)
            failed[name] += not ok
        conn.close()
        with lock:
            for name, samples in mine.items():
                latencies[name] += samples
                errors[name] += failed[name]

    started, cpu = time.monotonic(), time.process_time()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    every = [sample for samples in latencies.values() for sample in samples]
    return {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": len(every),
        "requests_per_s": round(len(every) / elapsed, 1),
        "errors": sum(errors.values()),
        "latency_ms": _percentiles(every),
        # The clients share the machine's cores with the server: their CPU time, in cores.
        "load_generator_cores": round(cpu / elapsed, 2),
        "by_operation": {
            name: {"requests": len(samples), "errors": errors[name], "latency_ms": _percentiles(samples)}
            for name, samples in sorted(latencies.items())
        },
    }


def _summary_vs_plain(port: int, token: str, *, requests: int) -> dict:
    """One client, alternating GraphQL energySummary and the plain view, so both see the same conditions."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    graphql = ("POST", "/graphql", _graphql_body(SUMMARY), _headers(token))
    plain = ("GET", "/bench/energy-summary", None, {"Authorization": f"Bearer {token}"})
    samples: dict[str, list[float]] = {"graphql": [], "plain": []}
    errors = 0
    for _ in range(requests):
        for name, (method, path, body, headers) in (("graphql", graphql), ("plain", plain)):
            started = time.perf_counter()
            status, answer = _request(conn, method, path, body, headers)
            samples[name].append(time.perf_counter() - started)
            errors += status != 200 or b'"errors"' in answer
    conn.close()
    graphql_ms, plain_ms = _percentiles(samples["graphql"]), _percentiles(samples["plain"])
    return {
        "requests_each": requests,
        "errors": errors,
        "graphql_ms": graphql_ms,
        "plain_view_ms": plain_ms,
        "ratio_p50": round(graphql_ms["p50"] / plain_ms["p50"], 2),
        "ratio_mean": round(graphql_ms["mean"] / plain_ms["mean"], 2),
        "goal_ratio_at_most": 2.0,
    }


def run(
    *, seconds: float = 30.0, clients: int = 20, households: int = 8, workers: int = 2, comparisons: int = 300
) -> dict:
    """Bounded in time (seconds, plus setup) and in requests (MAX_REQUESTS_PER_CLIENT per client).

    Two sync workers by default, as scripts/web.sh and the Docker image run gunicorn.
    """
    tokens, devices = _households(households, appliances=5)
    environment = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        # The server must verify the tokens this process issued.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "JWT_SECRET_KEY": settings.GRAPHQL_JWT["JWT_SECRET_KEY"],
        "DJANGO_HTTPS": "false",
    }
    with serve(environment, workers=workers) as port:
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for token in tokens:  # every worker imports, connects and caches before the clock starts
            for body in _operations().values():
                _request(warm, "POST", "/graphql", body, _headers(token))
        warm.close()
        load = _load(port, tokens, clients=clients, seconds=seconds)
        comparison = _summary_vs_plain(port, tokens[0], requests=comparisons)
    return {
        "server": f"gunicorn, {workers} sync workers, bench.settings (production + bench.urls), 127.0.0.1",
        "households": households,
        "devices_per_household": devices,
        "load": load,
        "energy_summary_vs_plain_view": comparison,
    }
