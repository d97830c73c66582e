"""The third round's attacks for bench.attack: the cost budget from variable defaults, variables
that are not an object, slow clients, sign-up enumeration, the device cap under concurrency,
cacheable tokens, names and time zones, and the production start's surface.

Each returns (held, what the server answered): a FAILED line shows what actually happened.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

from bench.attack import PASSWORD, SECOND, SIGN_UP, TOKEN_AUTH, Target, _email
from bench.front import health_seconds_while_trickling

ROOT = Path(__file__).resolve().parent.parent
HISTORY_FIELDS = "{ start producedWh }"
START, END = "2025-01-01T00:00:00+00:00", "2026-02-21T06:00:00+00:00"
DEVICE_CAP = 500


def _owner(target: Target) -> str:
    email = _email("edge")
    answer = target.sign_up(email)
    token = (answer.data("signUp") or {}).get("token")
    if not token:
        raise RuntimeError(f"could not sign up a household: {answer.status} {answer.body[:200]!r}")
    return token


def _histories(arguments: str) -> str:
    return " ".join(f"h{i}: energyHistory({arguments}) {HISTORY_FIELDS}" for i in range(30))


def history_dates_as_defaults(target: Target):
    defaults = f'$s: DateTime! = "{START}", $e: DateTime! = "{END}"'
    query = f"query Q({defaults}) {{ {_histories('start: $s, end: $e, interval: HOUR')} }}"
    answer = target.graphql(query, {}, token=_owner(target))
    held = answer.status == 400 and answer.codes == ["COST_HISTORY_BUCKETS"]
    return (
        held,
        f"30 x 9,990 buckets as defaults -> {answer.status} {answer.codes} in {answer.seconds * 1000:.0f} ms",
    )


def history_interval_as_default(target: Target):
    arguments = f'start: "{START}", end: "{END}", interval: $i'
    answer = target.graphql(
        f"query Q($i: Interval! = HOUR) {{ {_histories(arguments)} }}", {}, token=_owner(target)
    )
    held = answer.status == 400 and answer.codes == ["COST_HISTORY_BUCKETS"]
    return held, f"interval as a default -> {answer.status} {answer.codes} in {answer.seconds * 1000:.0f} ms"


def variables_not_an_object(target: Target):
    query = "query Q($s: DateTime!) { energyHistory(start: $s, end: $s, interval: HOUR) { start } }"
    answers = [
        target.request(
            "POST",
            "/graphql",
            json.dumps({"query": query, "variables": value}).encode(),
            {"Content-Type": "application/json"},
        )
        for value in ([1], 5, True, "x")
    ]
    answers.append(target.request("GET", f"/graphql?query={quote(query)}&variables={quote('[1]')}"))
    seen = [f"{a.status} {','.join(a.codes) or a.body[:40]!r}" for a in answers]
    held = all(a.status == 400 and a.codes == ["VARIABLES_NOT_AN_OBJECT"] for a in answers)
    return held, '[1], 5, true, "x", GET ?variables=[1] -> ' + "; ".join(sorted(set(seen)))


def slow_clients(target: Target):
    timings = health_seconds_while_trickling(target.port, target.host)
    slowest = max(timings) if timings else float("inf")
    held = bool(timings) and slowest < SECOND
    return (
        held,
        f"8 clients trickle a byte a second: /healthz {len(timings)} times, slowest {slowest * 1000:.0f} ms",
    )


def sign_up_enumeration(target: Target):
    email = _email("enumerated")
    target.sign_up(email)
    weak = target.sign_up(email.upper(), password="1").data("signUp") or {}
    weak_fields = sorted({e["code"] for e in weak.get("errors") or []})
    taken = target.sign_up(email)
    taken_codes = [e["code"] for e in (taken.data("signUp") or {}).get("errors") or []]
    hash_seconds = _one_password_hash()
    held = "taken" not in weak_fields and weak_fields != [] and taken_codes == ["taken"]
    held &= taken.seconds >= 0.5 * hash_seconds
    return held, (
        f"taken address, password '1' -> {weak_fields}; taken with a good password -> {taken_codes} in "
        f"{taken.seconds * 1000:.0f} ms (one PBKDF2 hash here: {hash_seconds * 1000:.0f} ms)"
    )


def _one_password_hash() -> float:
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    started = time.perf_counter()
    hasher.encode(PASSWORD, hasher.salt())
    return time.perf_counter() - started


def _register(target: Target, token: str, count: int, prefix: str) -> list[dict]:
    fields = " ".join(
        f'{prefix}{i}: registerDevice(input: {{name: "P{prefix}{i}", solarPanel: {{ratedCapacityW: 400}}}})'
        " { device { id } errors { code } }"
        for i in range(count)
    )
    answer = target.graphql(f"mutation {{ {fields} }}", token=token)
    return list((answer.json().get("data") or {}).values())


def device_cap_race(target: Target):
    token, room = _owner(target), 40
    for start in range(0, DEVICE_CAP - room, 30):
        _register(target, token, min(30, DEVICE_CAP - room - start), f"f{start}_")
    results: list[dict] = []
    racers = [
        threading.Thread(target=lambda r=r: results.extend(_register(target, token, 30, f"r{r}_")))
        for r in range(4)
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(120)
    added = sum(1 for payload in results if payload and payload.get("device"))
    devices = target.graphql("{ devices { id } }", token=token).data("devices") or []
    held = added == room and len(devices) == DEVICE_CAP
    return (
        held,
        f"4 x 30 aliased registerDevice at once with room for {room}: {added} added, {len(devices)} stored",
    )


def tokens_cacheable(target: Target):
    email = _email("no-store")
    sign_up = target.sign_up(email)
    login = target.graphql(TOKEN_AUTH, {"e": email, "p": PASSWORD}, ip=target.new_ip())
    headers = [(a.headers.get("Cache-Control", "") if a.headers else "") for a in (sign_up, login)]
    held = all("no-store" in h for h in headers) and login.data("tokenAuth") is not None
    return held, f"signUp, tokenAuth Cache-Control: {headers}"


def names_with_controls(target: Target):
    codes = []
    for name in ("Home\x1b[31m", "Home\nroot", "Home\u202egnp.exe"):
        variables = {"i": {"email": _email("name"), "password": PASSWORD, "householdName": name}}
        payload = target.graphql(SIGN_UP, variables, ip=target.new_ip()).data("signUp") or {}
        codes.append(",".join(e["code"] for e in payload.get("errors") or []) or "signed up")
    device = _register_named(target, _owner(target), "Panel\u2066x\u2069")
    held = codes == ["invalid"] * 3 and device == "invalid"
    return held, f"household ESC, newline, U+202E -> {codes}; device U+2066 -> {device}"


def _register_named(target: Target, token: str, name: str) -> str:
    query = (
        "mutation($i: RegisterDeviceInput!) { registerDevice(input: $i) { device { id } errors { code } } }"
    )
    variables = {"i": {"name": name, "solarPanel": {"ratedCapacityW": 400}}}
    payload = target.graphql(query, variables, token=token).data("registerDevice") or {}
    return ",".join(e["code"] for e in payload.get("errors") or []) or "registered"


def host_time_zones(target: Target):
    codes = []
    for zone in ("localtime", "posixrules", "posix/Europe/Berlin"):
        variables = {
            "i": {"email": _email("zone"), "password": PASSWORD, "householdName": "H", "timezone": zone}
        }
        payload = target.graphql(SIGN_UP, variables, ip=target.new_ip()).data("signUp") or {}
        codes.append(",".join(e["code"] for e in payload.get("errors") or []) or "signed up")
    return codes == ["invalid_timezone"] * 3, f"localtime, posixrules, posix/Europe/Berlin -> {codes}"


def production_debug_surface(target: Target):
    probe = (
        "from django.conf import settings as s; "
        "print(s.GRAPHQL_INTROSPECTION, s.GRAPHQL_SUGGESTIONS, s.GRAPHIQL, s.DEBUG)"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_DEBUG": "1",
    }
    environment.pop("GRAPHIQL", None)
    run = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {probe}"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    answer = run.stdout.strip() or run.stderr[-200:]
    return answer == "False False False False", f"introspection, suggestions, GraphiQL, DEBUG: {answer}"


def web_script_commands(target: Target):
    """What scripts/web.sh would start, read from stand-ins for python and gunicorn on PATH."""
    with tempfile.TemporaryDirectory() as stand_ins:
        for command in ("python", "gunicorn"):
            path = Path(stand_ins) / command
            path.write_text(f'#!/bin/sh\necho {command} "$@"\n')
            path.chmod(0o755)
        started = {}
        for settings_module in ("config.settings.production", "config.settings.local"):
            environment = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": settings_module,
                "DJANGO_DEBUG": "1",
                "WEB_PORT": "8000",
            }
            environment.pop("WEB_HOST", None)
            environment["PATH"] = os.pathsep.join([stand_ins, environment.get("PATH", os.defpath)])
            run = subprocess.run(
                ["sh", "scripts/web.sh"], env=environment, capture_output=True, text=True, cwd=ROOT
            )
            started[settings_module.rsplit(".", 1)[1]] = " ".join(run.stdout.split()[:4])
    held = started["production"].startswith("gunicorn") and "runserver 127.0.0.1:8000" in started["local"]
    return held, f"DJANGO_DEBUG=1: production -> {started['production']!r}; local -> {started['local']!r}"


REMOTE = [
    ("1  history: 30 aliases, dates as defaults", history_dates_as_defaults),
    ("1  history: interval as a default", history_interval_as_default),
    ("3  variables that are not an object", variables_not_an_object),
    ("2  8 slow clients + /healthz", slow_clients),
    ("4  signUp enumeration", sign_up_enumeration),
    ("L  device cap, concurrent aliases", device_cap_race),
    ("L  token answers cacheable", tokens_cacheable),
    ("L  names with controls, bidi", names_with_controls),
    ("L  host time zones (localtime)", host_time_zones),
]
LOCAL = [
    ("L  DJANGO_DEBUG=1 under production", production_debug_surface),
    ("L  web.sh: gunicorn, runserver loopback", web_script_commands),
]
