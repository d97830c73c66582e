"""Replay the security regressions against a running server; one line per attack: held or FAILED, and time.

    python -m bench.attack                       # start gunicorn (production settings) on a fresh
                                                 # benchmark database, attack it, stop it
    python -m bench.attack --url http://127.0.0.1:8000   # attack a server that runs already

Every request goes to loopback. Each attack speaks from its own loopback address (127.0.0.N, all
routed to the local host), so the per-IP throttles it meets are its own. Attacks that forge tokens
need the server's key: they run only when this script started the server (it chose the key).
Exit status 1 when any attack got through.
"""

import argparse
import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from urllib.parse import urlsplit

import jwt

from bench import attack_ingest
from config.secret_keys import PUBLISHED

PASSWORD = "attack-Victim-pass-42"
STAFF_QUERY = "{ fleetSummary { households } }"
ME = "{ me { email } }"
TOKEN_AUTH = (
    "mutation($e: String!, $p: String!) { tokenAuth(email: $e, password: $p) { token refreshToken } }"
)
REFRESH = "mutation($r: String!) { refreshToken(refreshToken: $r) { token refreshToken } }"
SIGN_UP = "mutation($i: SignUpInput!) { signUp(input: $i) { token refreshToken errors { code message } } }"
HISTORY = (
    'energyHistory(start: "2020-01-01T00:00:00Z", end: "2021-02-21T00:00:00Z", interval: HOUR) { start }'
)
SECOND = 1.0
LARGE_BODY = 64 * 1024


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage | None
    body: bytes
    seconds: float

    def json(self) -> dict:
        try:
            return json.loads(self.body)
        except ValueError:
            return {}

    @property
    def codes(self) -> list[str]:
        return [(e.get("extensions") or {}).get("code", "") for e in self.json().get("errors") or []]

    def data(self, field: str):
        return (self.json().get("data") or {}).get(field)


class Target:
    def __init__(self, host: str, port: int, key: str | None):
        self.host, self.port, self.key = host, port, key
        self._next_ip = 10

    def new_ip(self) -> str:
        self._next_ip += 1
        return f"127.0.{self._next_ip // 250}.{self._next_ip % 250 + 2}"

    def request(self, method, path, body: bytes | None = None, headers=None, ip="127.0.0.1") -> Answer:
        if body is not None and len(body) > LARGE_BODY:
            return self._post_large(path, body, headers or {}, ip)
        started = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60, source_address=(ip, 0))
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            answer = Answer(response.status, response.headers, response.read(), 0.0)
        except (ConnectionError, http.client.HTTPException) as error:
            answer = Answer(0, None, str(error).encode(), 0.0)
        finally:
            conn.close()
        answer.seconds = time.perf_counter() - started
        return answer

    def _post_large(self, path, body: bytes, headers: dict, ip: str) -> Answer:
        """Over a bare socket, reading while sending: the server may answer (and close) before it has
        read the body, which is the point; http.client would stop at the broken pipe."""
        started = time.perf_counter()
        lines = [
            f"POST {path} HTTP/1.1",
            f"Host: {self.host}",
            f"Content-Length: {len(body)}",
            "Connection: close",
        ]
        head = "\r\n".join(lines + [f"{k}: {v}" for k, v in headers.items()]) + "\r\n\r\n"
        with socket.create_connection((self.host, self.port), timeout=60, source_address=(ip, 0)) as sock:
            threading.Thread(target=send_quietly, args=(sock, head.encode() + body), daemon=True).start()
            answer = b""
            while chunk := receive(sock):
                answer += chunk
        status_line, _, rest = answer.partition(b"\r\n")
        payload = rest.partition(b"\r\n\r\n")[2]
        status = int(status_line.split()[1]) if status_line.startswith(b"HTTP/") else 0
        return Answer(status, None, payload, time.perf_counter() - started)

    def graphql(self, query, variables=None, token=None, ip="127.0.0.1") -> Answer:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        return self.request("POST", "/graphql", body, headers, ip)

    def sign_up(self, email, ip=None, password=PASSWORD) -> Answer:
        variables = {"i": {"email": email, "password": password, "householdName": "Attack home"}}
        return self.graphql(SIGN_UP, variables, ip=ip or self.new_ip())

    def login(self, email, password=PASSWORD, ip=None) -> Answer:
        return self.graphql(TOKEN_AUTH, {"e": email, "p": password}, ip=ip or self.new_ip())


def send_quietly(sock: socket.socket, data: bytes) -> None:
    with suppress(OSError):
        sock.sendall(data)


def receive(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except ConnectionResetError:
        return b""


def _email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@attack.example.com"


def _victim(target: Target) -> str:
    email = _email("victim")
    assert target.sign_up(email).data("signUp")["errors"] == [], "could not sign the victim up"
    return email


def _forge(key: str, claims: dict) -> str:
    return jwt.encode(claims, key, algorithm="HS256")


# --- 1 published keys -----------------------------------------------------------------------
def forged_staff_token_with_published_keys(target: Target):
    now = int(time.time())
    claims = {"email": "staff@example.com", "exp": now + 300, "origIat": now, "uid": 1, "gen": 0}
    answers = [target.graphql(STAFF_QUERY, token=_forge(key, claims)) for key in sorted(PUBLISHED)]
    held = all(a.data("fleetSummary") is None and "UNAUTHENTICATED" in a.codes for a in answers)
    seen = sorted({f"{a.status} {','.join(a.codes) or 'data'}" for a in answers})
    return held, f"{len(answers)} repository keys' forged staff tokens -> {seen}"


def production_refuses_repository_keys(target: Target):
    probe = "import config.settings.production"
    refused = 0
    for key in sorted(PUBLISHED):
        environment = {**os.environ, "DJANGO_SECRET_KEY": key, "JWT_SECRET_KEY": key}
        run = subprocess.run([sys.executable, "-c", probe], env=environment, capture_output=True, text=True)
        refused += run.returncode != 0 and "is refused" in run.stderr
    return refused == len(PUBLISHED), f"{refused}/{len(PUBLISHED)} keys refused at start"


# --- 3 documents that stall a worker ----------------------------------------------------------
def _variables_document(count: int) -> bytes:
    declared = " ".join(f"$v{i}: Int" for i in range(count))
    return json.dumps({"query": f"query Q({declared}) {{ me {{ email }} }}"}).encode()


def stall_150000_variables(target: Target):
    body = _variables_document(150_000)
    answer = target.request("POST", "/graphql", body, {"Content-Type": "application/json"})
    # 400 from the application, or 413 from the production front (nginx) before it.
    held = answer.status in (400, 413) and answer.codes == ["REQUEST_TOO_LARGE"] and answer.seconds < SECOND
    return (
        held,
        f"{len(body) / 1e6:.1f} MB -> {answer.status} {answer.codes} in {answer.seconds * 1000:.0f} ms",
    )


def stall_two_at_once_and_health(target: Target):
    body, answers = _variables_document(150_000), []
    attackers = [
        threading.Thread(
            target=lambda: answers.append(
                target.request(
                    "POST", "/graphql", body, {"Content-Type": "application/json"}, target.new_ip()
                )
            )
        )
        for _ in range(2)
    ]
    for attacker in attackers:
        attacker.start()
    health = target.request("GET", "/healthz")
    for attacker in attackers:
        attacker.join(60)
    statuses = [a.status for a in answers]
    held = health.status == 200 and health.seconds < SECOND and len(statuses) == 2
    held &= all(status in (400, 413) for status in statuses)
    slowest = max((a.seconds for a in answers), default=0.0) * 1000
    return (
        held,
        f"/healthz {health.status} in {health.seconds * 1000:.0f} ms; posts {statuses} in {slowest:.0f} ms",
    )


def _document_refused(target: Target, query: str, code: str):
    answer = target.graphql(query)
    held = answer.status == 400 and answer.codes == [code] and answer.seconds < SECOND
    return held, f"{len(query) / 1000:.1f} KB -> {answer.status} {answer.codes}"


def stall_25kb_duplicate_fields(target: Target):
    return _document_refused(target, "{ " + "me { email } " * 1900 + "}", "QUERY_TOO_LONG")


def stall_duplicates_under_the_length_limit(target: Target):
    return _document_refused(target, "{ " + "me{email} " * 1500 + "}", "TOO_MANY_TOKENS")


def stall_3000_comments(target: Target):
    return _document_refused(target, "#\n" * 3000 + "{ me { email } }", "TOO_MANY_TOKENS")


# --- 2 / 6 email variants, lockout, twins ---------------------------------------------------------
def lockout_bypass_by_email_variants(target: Target):
    email, ip = _victim(target), target.new_ip()
    for _ in range(5):
        target.login(email, "wrong-guess-1", ip=ip)
    local, domain = email.split("@")
    variants = [email.upper(), local.capitalize() + "@" + domain, "\uff56" + email[1:], f" {email} "]
    codes = [target.login(variant, ip=ip).codes for variant in variants]
    held = all(c == ["LOCKED_OUT"] for c in codes)
    return held, f"{len(variants)} spellings with the right password -> {codes}"


def lockout_bypass_by_aliases(target: Target):
    email = _victim(target)
    logins = " ".join(
        f'a{i}: tokenAuth(email: "{email}", password: "guess-{i}") {{ token }}' for i in range(30)
    )
    answer = target.graphql(f"mutation {{ {logins} }}", ip=target.new_ip())
    held = answer.codes == ["COST_ONCE"] and answer.seconds < SECOND
    return held, f"30 aliased tokenAuth -> {answer.codes} in {answer.seconds * 1000:.0f} ms"


def lockout_bypass_in_the_admin(target: Target):
    email, ip = _victim(target), target.new_ip()
    for _ in range(5):
        target.login(email, "wrong-guess-1", ip=ip)
    page = target.request("GET", "/admin/login/", ip=ip)
    cookie = next(
        (v.split(";")[0] for k, v in page.headers.items() if k.lower() == "set-cookie" and "csrftoken" in v),
        "",
    )
    csrf = cookie.split("=", 1)[-1]
    form = f"csrfmiddlewaretoken={csrf}&username={email.upper()}&password={PASSWORD}&next=/admin/"
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookie,
        "Referer": "http://127.0.0.1/",
    }
    answer = target.request("POST", "/admin/login/", form.encode(), headers, ip)
    return answer.status == 200 and b"sessionid" not in str(
        answer.headers
    ).encode(), f"admin answered {answer.status}"


def case_fold_twins(target: Target):
    email = _email("twin").replace("attack.example.com", "gmail.com")
    first = target.sign_up(email).data("signUp")
    twins = [target.sign_up(v).data("signUp") for v in (email.upper(), email.replace("g", "\uff47"))]
    dotless = target.sign_up(email.replace("gmail", "gma\u0131l")).data("signUp")
    me = [target.graphql(ME, token=t["token"]).status for t in (first, dotless)]
    twin_codes = [",".join(e["code"] for e in (t or {}).get("errors") or []) or "signed up" for t in twins]
    held = twin_codes == ["taken", "taken"] and me == [200, 200]
    return held, f"case and width variants -> {twin_codes}; the dotless-i account's me -> {me}"


def racing_twins(target: Target):
    answers, email = [], _email("race")
    racers = [
        threading.Thread(target=lambda v=v: answers.append(target.sign_up(v).data("signUp")))
        for v in (email, email.upper(), email.capitalize())
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(60)
    created = sum(1 for a in answers if a and not a["errors"])
    login = target.login(email.upper())
    held = created == 1 and login.status == 200 and login.data("tokenAuth") is not None
    return held, f"3 concurrent spellings: {created} account, its login works"


def password_spraying_from_one_ip(target: Target, failures: int):
    email, ip = _victim(target), target.new_ip()
    for i in range(failures):
        target.login(_email(f"sprayed-{i}"), "Spring2026!", ip=ip)
    blocked, neighbour = target.login(email, ip=ip), target.login(email, ip=target.new_ip())
    neighbour_in = neighbour.data("tokenAuth") is not None
    held = blocked.codes == ["LOCKED_OUT"] and neighbour_in
    return held, (
        f"{failures} failures across accounts, then the right password: from that IP -> "
        f"{blocked.codes or 'signed in'}; from another -> {'signed in' if neighbour_in else neighbour.codes}"
    )


# --- 4 aliases and rates ----------------------------------------------------------------------------
def aliased_sign_ups(target: Target):
    emails = [_email(f"alias-{i}") for i in range(10)]
    fields = " ".join(
        f'a{i}: signUp(input: {{email: "{e}", password: "{PASSWORD}", householdName: "H"}}) {{ token }}'
        for i, e in enumerate(emails)
    )
    answer = target.graphql(f"mutation {{ {fields} }}", ip=target.new_ip())
    created = sum(target.login(e).data("tokenAuth") is not None for e in emails[:2])
    return answer.codes == [
        "COST_ONCE"
    ] and created == 0, f"10 aliased signUp -> {answer.codes}, 0 households"


def aliased_10000_bucket_histories(target: Target):
    email = _victim(target)
    token = target.login(email).data("tokenAuth")["token"]
    fields = " ".join(f"a{i}: {HISTORY}" for i in range(20))
    answer = target.graphql(f"{{ {fields} }}", token=token)
    held = answer.codes == ["COST_HISTORY_BUCKETS"] and answer.seconds < SECOND
    return held, f"20 x 10,000 buckets -> {answer.codes} in {answer.seconds * 1000:.0f} ms"


def sign_up_flood_from_one_ip(target: Target, limit: int):
    ip = target.new_ip()
    codes = [target.sign_up(_email("flood"), ip=ip).codes for _ in range(limit + 1)]
    refused = next((number for number, answer in enumerate(codes, 1) if answer), None)
    seen = f"sign-up {refused} of {len(codes)}: {codes[refused - 1]}" if refused else "all accepted"
    return codes[-1] == ["RATE_LIMITED"] and not any(codes[:-1]), f"limit {limit}: {seen}"


# --- 5 refresh tokens -----------------------------------------------------------------------------
def refresh_token_replay(target: Target):
    email = _victim(target)
    stolen = target.login(email).data("tokenAuth")["refreshToken"]
    rotated = target.graphql(REFRESH, {"r": stolen}).data("refreshToken")["refreshToken"]
    replay, newest = target.graphql(REFRESH, {"r": stolen}), target.graphql(REFRESH, {"r": rotated})
    held = replay.codes == newest.codes == ["INVALID_REFRESH_TOKEN"]
    return held, f"rotated token replayed -> {replay.codes}; the newer one then -> {newest.codes}"


def sign_out_everywhere(target: Target):
    email = _victim(target)
    phone, laptop = target.login(email).data("tokenAuth"), target.login(email).data("tokenAuth")
    target.graphql("mutation { signOutEverywhere { revokedRefreshTokens } }", token=phone["token"])
    old_access = target.graphql(ME, token=laptop["token"]).codes
    old_refresh = target.graphql(REFRESH, {"r": laptop["refreshToken"]}).codes
    held = old_access == ["UNAUTHENTICATED"] and old_refresh == ["INVALID_REFRESH_TOKEN"]
    return held, f"other device's access token -> {old_access}, refresh token -> {old_refresh}"


# --- 7 the low items ------------------------------------------------------------------------------
def token_without_exp(target: Target):
    email = _victim(target)
    claims = jwt.decode(target.login(email).data("tokenAuth")["token"], options={"verify_signature": False})
    claims.pop("exp")
    answer = target.graphql(ME, token=_forge(target.key, claims))
    return answer.codes == ["UNAUTHENTICATED"], f"-> {answer.status} {answer.codes}"


def claims_of_the_wrong_type(target: Target):
    email = _victim(target)
    claims = jwt.decode(target.login(email).data("tokenAuth")["token"], options={"verify_signature": False})
    bad = [
        {"uid": str(claims["uid"])},
        {"gen": None},
        {"email": [email]},
        {"uid": 2**70},
        {"email": {"$ne": ""}},
    ]
    answers = [target.graphql(ME, token=_forge(target.key, {**claims, **b})) for b in bad]
    held = all(a.status == 200 and a.codes == ["UNAUTHENTICATED"] for a in answers)
    return held, f"{len(bad)} mistyped claims -> {sorted({a.status for a in answers})}, UNAUTHENTICATED"


def suggestions_and_echo(target: Target):
    typo = target.graphql("{ me { emial } }")
    zone = "Europe/" + "x" * 30_000
    variables = {"i": {"email": _email("echo"), "password": PASSWORD, "householdName": "H", "timezone": zone}}
    echoed = target.graphql(SIGN_UP, variables, ip=target.new_ip())
    suggested = b"Did you mean" in typo.body
    held = not suggested and len(echoed.body) < 1000
    return (
        held,
        f"suggestion in a typo's answer: {suggested}; a 30 KB time zone answered in {len(echoed.body)} bytes",
    )


def graphiql_and_csp(target: Target):
    page = target.request("GET", "/graphql", headers={"Accept": "text/html"})
    admin = target.request("GET", "/admin/login/")
    policy = admin.headers.get("Content-Security-Policy", "") if admin.headers else ""
    held = b"graphiql" not in page.body.lower() and "script-src 'self'" in policy
    return held, f"GraphiQL page off ({page.status}); admin CSP: {policy[:48]}..."


def readyz_reports_broker_apart(target: Target):
    ready = target.request("GET", "/readyz")
    held = ready.status == 200 and set(ready.json()) == {"database", "broker"}
    return held, f"{ready.status} {ready.json()}"


def seed_demo_passwords(target: Target):
    run = subprocess.run(
        [sys.executable, "manage.py", "seed_demo", "--days", "0.02", "--step-seconds", "900"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
        capture_output=True,
        text=True,
    )
    published = {"demo-Sunny-roof-2026", "demo-Fleet-watch-2026"}
    printed = sorted(p for p in published if p in run.stdout)
    held = run.returncode == 0 and not printed
    return (
        held,
        f"exit {run.returncode}; published passwords printed: {printed or 'none'} {run.stderr[-120:]}",
    )


def attacks(target: Target, *, local: bool, spray: int, sign_ups: int) -> list[tuple[str, Callable]]:
    listed = [
        ("1  forged staff token, published keys", forged_staff_token_with_published_keys),
        ("3  150,000 variables, a 2 MB body", stall_150000_variables),
        ("3  two such posts at once + /healthz", stall_two_at_once_and_health),
        ("3  25 KB of duplicate fields", stall_25kb_duplicate_fields),
        ("3  duplicates under the length limit", stall_duplicates_under_the_length_limit),
        ("3  3,000 comments", stall_3000_comments),
        ("2  lockout: email spelled differently", lockout_bypass_by_email_variants),
        ("2  lockout: 30 aliased tokenAuth", lockout_bypass_by_aliases),
        ("2  lockout: admin login, upper case", lockout_bypass_in_the_admin),
        ("6  case-fold twins", case_fold_twins),
        ("6  racing twins", racing_twins),
        ("4  10 aliased signUp", aliased_sign_ups),
        ("4  20 aliased 10,000-bucket histories", aliased_10000_bucket_histories),
        ("4  sign-up flood from one IP", lambda t: sign_up_flood_from_one_ip(t, sign_ups)),
        ("5  rotated refresh token replayed", refresh_token_replay),
        ("5  sign out everywhere", sign_out_everywhere),
        ("7  suggestions, echoed input", suggestions_and_echo),
        ("7  GraphiQL off, CSP on admin", graphiql_and_csp),
        ("7  /readyz reports the broker apart", readyz_reports_broker_apart),
        ("2  password spraying from one IP", lambda t: password_spraying_from_one_ip(t, spray)),
        *attack_ingest.attacks(),
    ]
    from bench.attack_edges import LOCAL, REMOTE

    listed += REMOTE
    if local:
        listed += LOCAL
        listed[1:1] = [("1  production start, repository keys", production_refuses_repository_keys)]
        listed[-1:-1] = [
            ("7  access token without exp", token_without_exp),
            ("7  claims of the wrong type", claims_of_the_wrong_type),
            ("7  seed_demo with production settings", seed_demo_passwords),
        ]
    return listed


def replay(target: Target, **options) -> bool:
    all_held = True
    for name, attack in attacks(target, **options):
        started = time.perf_counter()
        try:
            held, detail = attack(target)
        except Exception as error:  # an attack that breaks the script counts as not held
            held, detail = False, f"{type(error).__name__}: {error}"
        elapsed = time.perf_counter() - started
        all_held &= held
        print(f"{'held  ' if held else 'FAILED'} {elapsed * 1000:8.0f} ms  {name:<40} {detail}", flush=True)
    return all_held


def _serve_locally(run: Callable[[Target], bool], *, sign_ups: int, spray: int) -> bool:
    from bench.setup import django_for_bench

    django_for_bench()
    from django.conf import settings

    from bench.front import front, nginx_binary
    from bench.load import serve

    key = os.environ["DJANGO_SECRET_KEY"]
    environment = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": key,
        "JWT_SECRET_KEY": key,
        "DJANGO_HTTPS": "false",
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "THROTTLE_KEY_PREFIX": f"attack-{secrets.token_hex(4)}",
        # Production's limits, whatever the benchmarks raised in this process's environment.
        "SIGN_UP_RATE_PER_IP": f"{sign_ups}/h",
        "LOGIN_FAILURES_PER_IP": f"{spray}/15m",
    }
    os.environ.update({k: v for k, v in environment.items() if k != "DJANGO_SETTINGS_MODULE"})
    if nginx_binary() is None:
        print("nginx is not installed: attacking gunicorn without its front (the slow clients get through)")
        with serve(environment, workers=2) as port:
            return run(Target("127.0.0.1", port, key))
    with front(environment, workers=2) as port:
        return run(Target("127.0.0.1", port, key))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="attack this running server (loopback) instead of starting one")
    parser.add_argument("--spray-failures", type=int, default=30, help="LOGIN_FAILURES_PER_IP's count")
    parser.add_argument("--sign-ups-per-ip", type=int, default=5, help="SIGN_UP_RATE_PER_IP's count")
    options = parser.parse_args()
    print("result     time  attack (item)                             what the server answered")

    def run(target: Target) -> bool:
        local = target.key is not None
        return replay(target, local=local, spray=options.spray_failures, sign_ups=options.sign_ups_per_ip)

    if options.url:
        url = urlsplit(options.url)
        held = run(Target(url.hostname, url.port or 80, None))
    else:
        held = _serve_locally(run, sign_ups=options.sign_ups_per_ip, spray=options.spray_failures)
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
