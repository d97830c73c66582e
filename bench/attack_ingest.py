"""`make attack`'s ingestion attacks (POST /ingest/readings), from a gateway's and an attacker's side.

Each attack signs up its own homes through the target (bench.attack.Target), registers a REPORTED
device and creates a gateway key through the API, then tries what a hostile gateway would.
Answers are (held, what the server answered), like bench.attack's.
"""

import json
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

SECOND = 1.0
REGISTER = (
    'mutation { registerDevice(input: {name: "Roof", source: REPORTED, solarPanel: {ratedCapacityW: 5000}})'
    " { device { id } errors { code } } }"
)
CREATE_KEY = 'mutation { createGatewayKey(name: "gateway") { key gatewayKey { id } errors { code } } }'
REVOKE_KEY = "mutation($id: ID!) { revokeGatewayKey(id: $id) { revoked errors { code } } }"
LAST_REPORTED = "{ devices { id lastReportedAt } }"


def _home(target) -> tuple[str, str, str]:
    """(access token, REPORTED device id, gateway key) of a new home."""
    answer = target.sign_up(f"gateway-{secrets.token_hex(6)}@attack.invalid").json()
    token = answer["data"]["signUp"]["token"]
    device = target.graphql(REGISTER, token=token).data("registerDevice")["device"]["id"]
    key = target.graphql(CREATE_KEY, token=token).data("createGatewayKey")["key"]
    return token, device, key


def _post(target, key: str | None, body: bytes, scheme: str = "Gateway"):
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"{scheme} {key}"
    return target.request("POST", "/ingest/readings", body, headers)


def _body(device: str, count: int = 1) -> bytes:
    at = (datetime.now(UTC) - timedelta(minutes=2)).isoformat()
    return json.dumps({"readings": [{"device": device, "at": at, "powerW": 100.0}] * count}).encode()


def wrong_credentials(target):
    token, device, key = _home(target)
    forged = key.split(".")[0] + "." + secrets.token_urlsafe(32)
    statuses = [
        _post(target, k, _body(device), s).status for k, s in ((token, "Bearer"), (forged, "Gateway"))
    ]
    as_graphql = target.request(
        "POST",
        "/graphql",
        json.dumps({"query": "{ devices { id } }"}).encode(),
        {"Content-Type": "application/json", "Authorization": f"Gateway {key}"},
    )
    key_id = target.graphql(CREATE_KEY, token=token).data("createGatewayKey")["gatewayKey"]["id"]
    revoked = target.graphql(CREATE_KEY, token=token).data("createGatewayKey")
    target.graphql(REVOKE_KEY, {"id": revoked["gatewayKey"]["id"]}, token=token)
    after = _post(target, revoked["key"], _body(device)).status
    held = statuses == [401, 401] and as_graphql.data("devices") is None and after == 401 and bool(key_id)
    return (
        held,
        f"token {statuses[0]}, forged key {statuses[1]}, key on /graphql {as_graphql.codes}, revoked {after}",
    )


def other_homes_device(target):
    _, _, key = _home(target)
    victim_token, victim_device, _ = _home(target)
    answer = _post(target, key, _body(victim_device)).json()
    codes = [r["code"] for r in answer.get("rejected", [])]
    seen = target.graphql(LAST_REPORTED, token=victim_token).data("devices")
    held = codes == ["UNKNOWN_DEVICE"] and answer.get("accepted") == 0 and seen[0]["lastReportedAt"] is None
    return held, f"rejected {codes}, victim's device last reported {seen[0]['lastReportedAt']}"


def huge_bodies(target):
    _, device, key = _home(target)
    big = _post(target, key, b'{"readings": [' + b" " * 20_000_000 + b"]}")
    many = _post(target, key, _body(device, 5_001))
    tiny = _post(target, key, b'{"readings": [' + b",".join([b"{}"] * 300_000) + b"]}")
    statuses = [big.status, many.status, tiny.status]
    codes = [answer.json().get("error", {}).get("code") for answer in (big, many, tiny)]
    held = statuses == [413, 413, 413] and codes == ["TOO_LARGE", *["TOO_MANY_READINGS"] * 2]
    held = held and big.seconds < SECOND
    return (
        held,
        f"20 MB {big.status} in {big.seconds * 1000:.0f} ms, 5,001 and 300,000 {many.status} {codes}",
    )


def malformed(target):
    key = _home(target)[2]
    bodies = [b"{", b"[]", b'{"readings": "x"}', b"\xff\xfe", b'{"readings": [' * 5000]
    statuses = [_post(target, key, body).status for body in bodies]
    return all(s in (400, 413) for s in statuses), f"statuses {statuses}"


def key_rate_limit(target):
    _, device, key = _home(target)
    started = time.perf_counter()
    # Fixed one-minute windows: across a window's edge up to twice the budget passes, so send more.
    statuses = [_post(target, key, _body(device)).status for _ in range(250)]
    limited = statuses.count(429)
    return (
        limited > 0 and 500 not in statuses,
        f"{limited} of 250 requests in {time.perf_counter() - started:.1f} s got 429",
    )


def attacks() -> list[tuple[str, Callable]]:
    return [
        ("8  ingestion: token, forged and revoked keys", wrong_credentials),
        ("8  ingestion: another home's device id", other_homes_device),
        ("8  ingestion: 20 MB, 5,001 and 300,000 readings", huge_bodies),
        ("8  ingestion: malformed bodies", malformed),
        ("8  ingestion: one key's request budget", key_rate_limit),
    ]
