"""Documents built to stall a worker are refused from their size, before validation.

Against a real gunicorn with production settings: each refusal is a 400 with a code, answered well
under a second, and two such requests at once leave the server answering.
"""

import json
import socket
import threading
import time

import pytest

from bench.attack import receive, send_quietly

pytestmark = pytest.mark.django_db
WELL_UNDER_A_SECOND = 1.0


def post_raw(port: int, body: bytes) -> tuple[int, dict, float]:
    """POST /graphql over a bare socket: the server may answer before it read the whole body."""
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        head = (
            f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        sender = threading.Thread(target=send_quietly, args=(sock, head + body), daemon=True)
        sender.start()
        answer = b""
        while chunk := receive(sock):
            answer += chunk
    elapsed = time.perf_counter() - started
    head_bytes, _, payload = answer.partition(b"\r\n\r\n")
    return int(head_bytes.split()[1]), json.loads(payload), elapsed


def _code(body: dict) -> str:
    return body["errors"][0]["extensions"]["code"]


def many_variables_document(count: int) -> bytes:
    declared = " ".join(f"$v{i}: Int" for i in range(count))
    return json.dumps({"query": f"query Q({declared}) {{ me {{ email }} }}", "variables": {}}).encode()


def test_150000_variables_in_1_8_mb_are_refused_from_the_headers(production_server):
    body = many_variables_document(150_000)
    assert len(body) > 1_800_000

    status, answer, elapsed = post_raw(production_server.port, body)

    assert (status, _code(answer)) == (400, "REQUEST_TOO_LARGE")
    assert elapsed < WELL_UNDER_A_SECOND


def test_two_stalling_requests_at_once_leave_the_server_answering(production_server):
    body = many_variables_document(150_000)
    results = []
    attackers = [
        threading.Thread(target=lambda: results.append(post_raw(production_server.port, body)))
        for _ in range(2)
    ]
    started = time.perf_counter()
    for attacker in attackers:
        attacker.start()
    health = production_server.get("/healthz")
    for attacker in attackers:
        attacker.join(timeout=30)

    assert health.status == 200
    assert [(status, _code(answer)) for status, answer, _ in results] == [(400, "REQUEST_TOO_LARGE")] * 2
    assert time.perf_counter() - started < 2 * WELL_UNDER_A_SECOND


@pytest.mark.parametrize(
    ("query", "code"),
    [
        # ~25 KB of one field repeated: the specification's overlapping-fields rule is quadratic.
        ("{ " + "me { email } " * 1900 + "}", "QUERY_TOO_LONG"),
        ("{ " + "me{email} " * 1500 + "}", "TOO_MANY_TOKENS"),
        ("{ " + "me{email} " * 240 + "}", "TOO_MANY_FIELDS"),
        ("#\n" * 3000 + "{ me { email } }", "TOO_MANY_TOKENS"),
        (f"query Q({' '.join(f'$v{i}: Int' for i in range(60))}) {{ me {{ email }} }}", "TOO_MANY_VARIABLES"),
        (" ".join(f"query Q{i} {{ me {{ email }} }}" for i in range(30)), "TOO_MANY_DEFINITIONS"),
    ],
    ids=["25kb-duplicates", "tokens", "duplicates-under-the-token-limit", "comments", "variables", "defs"],
)
def test_oversized_documents_get_a_fast_400_with_a_code(production_server, query, code):
    started = time.perf_counter()
    response = production_server.graphql(query)
    elapsed = time.perf_counter() - started

    assert (response.status, _code(response.json())) == (400, code)
    assert elapsed < WELL_UNDER_A_SECOND


def test_too_many_variables_sent_in_the_json_are_refused(production_server):
    variables = {f"v{i}": i for i in range(60)}

    response = production_server.graphql("{ me { email } }", variables)

    assert (response.status, _code(response.json())) == (400, "TOO_MANY_VARIABLES")


def test_a_long_query_string_is_refused_too(production_server):
    response = production_server.get("/graphql?query=" + "%7B%20me%20%7D" * 3000)

    assert response.status in (400, 414)  # gunicorn itself refuses request lines over 4 KB
