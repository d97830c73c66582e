"""Every request logs one line with its request id; no password or token ever reaches a log."""

import io
import json
import logging

from django.conf import settings

from config.logging import RequestIdFilter
from tests.conftest import PASSWORD

TOKEN_AUTH = """
mutation Login($email: String!, $password: String!) {
  tokenAuth(email: $email, password: $password) { token refreshToken }
}
"""
REFRESH = "mutation R($t: String!) { refreshToken(refreshToken: $t) { token refreshToken } }"
ME = "{ me { email } }"
WRONG_PASSWORD = "not-the-Password-42"


class _CapturedLogs:
    """Everything logged at any level, formatted as production formats it."""

    def __init__(self):
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(logging.Formatter(settings.LOGGING["formatters"]["structured"]["format"]))
        self.handler.addFilter(RequestIdFilter())
        self.root = logging.getLogger()

    def __enter__(self):
        self.level = self.root.level
        self.root.setLevel(logging.DEBUG)
        self.root.addHandler(self.handler)
        return self

    def __exit__(self, *exc):
        self.root.removeHandler(self.handler)
        self.root.setLevel(self.level)

    @property
    def text(self) -> str:
        return self.stream.getvalue()


def _post(gql, query, variables, token=None, request_id=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if request_id:
        headers["X-Request-Id"] = request_id
    response = gql.http.post(
        "/graphql",
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
        headers=headers,
    )
    return response


def test_request_log_line_carries_the_request_id(gql, alice):
    with _CapturedLogs() as logs:
        response = _post(gql, ME, {}, token=alice.token, request_id="req-abc.123")

    assert response["X-Request-Id"] == "req-abc.123"
    lines = [line for line in logs.text.splitlines() if " requests " in line]
    assert len(lines) == 1
    assert "INFO requests request_id=req-abc.123 method=POST path=/graphql status=200" in lines[0]


def test_a_request_without_a_usable_id_gets_a_fresh_one(gql, alice):
    with _CapturedLogs() as logs:
        response = _post(gql, ME, {}, token=alice.token, request_id="bad id\nwith=injection")

    request_id = response["X-Request-Id"]
    assert len(request_id) == 32 and "injection" not in logs.text
    assert f"request_id={request_id} method=POST" in logs.text


def test_client_errors_are_logged_once_with_the_request_id(gql, alice):
    with _CapturedLogs() as logs:
        _post(gql, "{ nope }", {}, request_id="req-400")

    lines = [line for line in logs.text.splitlines() if "/graphql" in line]
    assert len(lines) == 1
    assert "WARNING requests request_id=req-400" in lines[0] and "status=400" in lines[0]


def test_no_password_or_token_in_logs(gql, alice):
    with _CapturedLogs() as logs:
        _post(gql, TOKEN_AUTH, {"email": "alice@example.com", "password": WRONG_PASSWORD})
        tokens = _post(gql, TOKEN_AUTH, {"email": "alice@example.com", "password": PASSWORD}).json()
        issued = tokens["data"]["tokenAuth"]
        _post(gql, ME, {}, token=issued["token"])
        _post(gql, ME, {}, token=issued["token"] + "tampered")
        rotated = _post(gql, REFRESH, {"t": issued["refreshToken"]}).json()["data"]["refreshToken"]

    assert "request_id=" in logs.text  # the capture saw the requests
    secrets = [PASSWORD, WRONG_PASSWORD, issued["token"], issued["refreshToken"], rotated["token"]]
    secrets += [rotated["refreshToken"], alice.token, "Bearer"]
    leaked = [secret for secret in secrets if secret in logs.text]
    assert not leaked, logs.text
